import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Where a process exports its spans: over OTLP/HTTP with swift-otel, only when an OTLP
/// endpoint is set (off by default). The standard OpenTelemetry settings are read, so a
/// collector's usual configuration works as is; swift-otel also honours the other `OTEL_*`
/// settings (`OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`, `OTEL_BSP_SCHEDULE_DELAY`, headers, TLS).
public struct TraceExport: Sendable, Equatable {
    /// As given: the base (`OTEL_EXPORTER_OTLP_ENDPOINT`, `/v1/traces` is added) or the full
    /// traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
    public var endpoint: String
    public var endpointSetting: String
    /// `http/protobuf` (the default) or `http/json`.
    public var protocolName: String

    /// This build carries swift-otel's OTLP/HTTP exporter only: the gRPC one's packages
    /// would add minutes to every build.
    static let protocols = ["http/protobuf", "http/json"]

    /// nil when traces are off: no endpoint, `OTEL_TRACES_EXPORTER=none` or `OTEL_SDK_DISABLED=true`.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> TraceExport? {
        let settings = EnvironmentSettings(environment: environment)
        if settings.value("OTEL_SDK_DISABLED")?.lowercased() == "true" { return nil }
        switch settings.value("OTEL_TRACES_EXPORTER")?.lowercased() {
        case nil, "otlp": break
        case "none": return nil
        case let other?:
            throw ConfigurationError(setting: "OTEL_TRACES_EXPORTER", problem: "must be 'otlp' or 'none', found '\(other)'")
        }
        let setting = settings.value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == nil ? "OTEL_EXPORTER_OTLP_ENDPOINT" : "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
        guard let endpoint = settings.value(setting) else { return nil }
        guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
            throw ConfigurationError(setting: setting, problem: "must be an http:// or https:// URL of an OTLP/HTTP receiver (port 4318 by default), found '\(endpoint)'")
        }
        let protocolSetting = settings.value("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") == nil ? "OTEL_EXPORTER_OTLP_PROTOCOL" : "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
        let protocolName = settings.value(protocolSetting)?.lowercased() ?? "http/protobuf"
        guard protocols.contains(protocolName) else {
            throw ConfigurationError(
                setting: protocolSetting,
                problem: "must be 'http/protobuf' or 'http/json' (this build exports over OTLP/HTTP, not gRPC), found '\(protocolName)'")
        }
        return TraceExport(endpoint: endpoint, endpointSetting: setting, protocolName: protocolName)
    }

    /// Makes swift-otel's tracer the process's and returns the service that batches and
    /// exports its spans; it belongs first in the process's service group, so that it stops
    /// last and sends the spans of the final batch.
    func bootstrap(serviceName: String, logger: Logger) throws -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        // A collector that is down or hangs must not hold up a stopping worker past its
        // bound (README: SIGTERM): a request gives up after 3 s, the final flush after 5 s.
        // OTEL_EXPORTER_OTLP_TIMEOUT and OTEL_BSP_EXPORT_TIMEOUT still override these.
        configuration.traces.otlpExporter.timeout = .seconds(3)
        configuration.traces.batchSpanProcessor.exportTimeout = .seconds(5)
        configuration.diagnosticLogger = .custom(logger)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        logger.info("exporting traces over OTLP", metadata: [
            "endpoint_setting": "\(endpointSetting)", "protocol": "\(protocolName)", "service_name": "\(serviceName)",
        ])
        return backend.service
    }

    /// For `hotline config check`: a password in the URL is masked.
    var description: String {
        var shown = URLComponents(string: endpoint)
        if shown?.password != nil { shown?.password = "****" }
        return "\(shown?.string ?? endpoint) (\(protocolName), set by \(endpointSetting))"
    }
}
