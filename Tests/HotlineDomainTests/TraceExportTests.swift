import Foundation
import HotlineWorkers
import Testing

/// Traces are off unless an OTLP endpoint is set, and a setting this build cannot honour
/// stops the worker at start-up naming it, instead of a crash in the exporter (docs/TRACING.md).
@Suite struct TraceExportTests {
    func refusal(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try TraceExport.fromEnvironment(environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func offByDefaultAndWhenSwitchedOff() throws {
        #expect(try TraceExport.fromEnvironment([:]) == nil)
        #expect(try TraceExport.fromEnvironment(["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]) == nil, "a protocol alone exports nothing")
        let endpoint = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]
        #expect(try TraceExport.fromEnvironment(endpoint.merging(["OTEL_TRACES_EXPORTER": "none"]) { $1 }) == nil)
        #expect(try TraceExport.fromEnvironment(endpoint.merging(["OTEL_SDK_DISABLED": "true"]) { $1 }) == nil)
    }

    @Test func anEndpointTurnsThemOnOverHTTPProtobuf() throws {
        let export = try #require(try TraceExport.fromEnvironment(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]))
        #expect(export.endpoint == "http://collector:4318")
        #expect(export.protocolName == "http/protobuf")
        let traces = try #require(try TraceExport.fromEnvironment([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://traces.internal/v1/traces",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "HTTP/JSON",
        ]))
        #expect(traces.endpoint == "https://traces.internal/v1/traces", "the traces endpoint wins over the shared one")
        #expect(traces.endpointSetting == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        #expect(traces.protocolName == "http/json")
    }

    @Test func whatThisBuildCannotDoIsRefusedNamingTheSetting() {
        let endpoint = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]
        #expect(refusal(endpoint.merging(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]) { $1 })?.setting == "OTEL_EXPORTER_OTLP_PROTOCOL")
        #expect(refusal(endpoint.merging(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"]) { $1 })?.setting == "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        #expect(refusal(endpoint.merging(["OTEL_TRACES_EXPORTER": "zipkin"]) { $1 })?.setting == "OTEL_TRACES_EXPORTER")
        #expect(refusal(["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"])?.setting == "OTEL_EXPORTER_OTLP_ENDPOINT")
        #expect(refusal(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "ftp://collector/v1/traces"])?.setting == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    }

    @Test func theWorkersConfigurationCarriesItAndConfigCheckShowsItWithoutAPassword() throws {
        let configuration = try HotlineConfiguration.fromEnvironment([
            "KAFKA_BROKERS": "kafka-1:9092", "DATABASE_URL": "postgres://hotline@db.internal:5432/hotline", "HOTLINE_DEV_MODE": "1",
            "OTEL_EXPORTER_OTLP_ENDPOINT": "https://user:s3cret@collector.internal:4318",
        ])
        #expect(configuration.traceExport?.endpoint == "https://user:s3cret@collector.internal:4318")
        let shown = try #require(configuration.effectiveSettings().first { $0.0.hasPrefix("traces") }?.1)
        #expect(shown.contains("collector.internal:4318") && shown.contains("http/protobuf"))
        #expect(!shown.contains("s3cret"))
    }
}
