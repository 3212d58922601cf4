import Foundation
import HotlineKafka
import HotlinePostgres

/// Everything a worker reads from its environment, checked at start-up. Defaults
/// suit `Ops/dev`; production sets at least KAFKA_BROKERS, DATABASE_URL,
/// HOTLINE_DATA_KEY and HOTLINE_INDEX_KEY.
public struct HotlineConfiguration: Sendable {
    public var kafka: KafkaConfiguration
    public var databaseURL: DatabaseURL
    public var policyID: String
    public var policyDirectory: String
    public var calendarDirectory: String
    /// Years after the last State Council notice counted provisionally (HOTLINE_CALENDAR_PROVISIONAL_YEARS).
    public var calendarProvisionalYears: Int
    public var routingFile: String
    public var clock: ClockMode
    public var batchSize: Int
    /// How long a consumer worker waits for more messages when a batch comes back short
    /// (HOTLINE_BATCH_LINGER_MS); nil: the worker's own (`WorkerName.defaultBatchLinger`).
    public var batchLinger: Duration?
    /// How often the deadlines and supervision sweeps look for due rows when idle.
    public var sweepInterval: Duration
    public var maximumEventBytes: Int
    /// Bytes a consumer fetches ahead of its worker before it pauses (HOTLINE_CONSUMER_BUFFER_BYTES).
    public var consumerBufferBytes: Int
    public var devMode: Bool
    public var keys: KeyConfiguration
    /// Where `/health`, `/ready` and `/metrics` are served; no HTTP surface when the port is nil.
    public var httpHost: String
    public var httpPort: Int?
    /// Where spans are exported; nil when traces are off (the default).
    public var traceExport: TraceExport?

    public enum ClockMode: String, Sendable {
        case system, simulated

        /// `HOTLINE_CLOCK`, `system` when unset; read by the workers and by `hotline report`.
        public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> ClockMode {
            let given = environment["HOTLINE_CLOCK"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let text = given.isEmpty ? "system" : given
            guard let mode = ClockMode(rawValue: text) else {
                throw ConfigurationError(setting: "HOTLINE_CLOCK", problem: "must be 'system' or 'simulated', found '\(text)'")
            }
            return mode
        }
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> HotlineConfiguration {
        let settings = EnvironmentSettings(environment: environment)
        func value(_ name: String) -> String? { settings.value(name) }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
            try settings.integer(name, default: fallback, range: range)
        }
        guard let brokers = value("KAFKA_BROKERS") else {
            throw ConfigurationError(setting: "KAFKA_BROKERS", problem: "is not set; give the bootstrap servers, e.g. kafka-1:9092,kafka-2:9092 (Ops/dev writes it to .hotline/dev.env)")
        }
        guard let urlText = value("DATABASE_URL") else {
            throw ConfigurationError(setting: "DATABASE_URL", problem: "is not set; give postgres://user@host:5432/database (Ops/dev writes it to .hotline/dev.env)")
        }
        let databaseURL: DatabaseURL
        do {
            databaseURL = try DatabaseURL(urlText)
        } catch {
            throw ConfigurationError(setting: "DATABASE_URL", problem: error.problem)
        }
        let devMode = ["1", "true", "yes"].contains(value("HOTLINE_DEV_MODE")?.lowercased() ?? "")
        let clock = try ClockMode.fromEnvironment(environment)
        return HotlineConfiguration(
            kafka: KafkaConfiguration(bootstrapServers: brokers, properties: try kafkaProperties(environment)),
            databaseURL: databaseURL,
            policyID: value("HOTLINE_POLICY") ?? "changsha-2020",
            policyDirectory: value("HOTLINE_POLICY_DIR") ?? "Ops/policies",
            calendarDirectory: value("HOTLINE_CALENDAR_DIR") ?? "Ops/calendars",
            calendarProvisionalYears: try integer("HOTLINE_CALENDAR_PROVISIONAL_YEARS", default: CalendarLoader.defaultProvisionalYears, range: 0...3),
            routingFile: value("HOTLINE_ROUTING_FILE") ?? "Ops/routing/changsha.yaml",
            clock: clock,
            batchSize: try integer("HOTLINE_BATCH_SIZE", default: 500, range: 1...10_000),
            batchLinger: value("HOTLINE_BATCH_LINGER_MS") == nil
                ? nil : .milliseconds(try integer("HOTLINE_BATCH_LINGER_MS", default: 0, range: 0...10_000)),
            sweepInterval: .milliseconds(try integer("HOTLINE_SWEEP_INTERVAL_MS", default: 1_000, range: 10...600_000)),
            maximumEventBytes: try integer("HOTLINE_MAX_EVENT_BYTES", default: 65_536, range: 1_024...1_048_576),
            consumerBufferBytes: try integer(
                "HOTLINE_CONSUMER_BUFFER_BYTES", default: KafkaConsumer.defaultBufferBytes, range: 16_384...1_073_741_824),
            devMode: devMode,
            keys: try KeyConfiguration(environment: environment, devMode: devMode),
            httpHost: value("HOTLINE_HTTP_HOST") ?? "127.0.0.1",
            httpPort: value("HOTLINE_HTTP_PORT") == nil ? nil : try integer("HOTLINE_HTTP_PORT", default: 0, range: 1...65_535),
            traceExport: try TraceExport.fromEnvironment(environment))
    }

    /// librdkafka pass-through: every `HOTLINE_KAFKA_SOME_PROPERTY=value` becomes
    /// `some.property=value`, and `HOTLINE_KAFKA_PROPERTIES_FILE` names a file of
    /// `key=value` lines (production: security.protocol, sasl.*, ssl.*).
    public static func kafkaProperties(_ environment: [String: String]) throws -> [String: String] {
        var properties: [String: String] = [:]
        if let path = environment["HOTLINE_KAFKA_PROPERTIES_FILE"], !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(setting: "HOTLINE_KAFKA_PROPERTIES_FILE", problem: "cannot read '\(path)'")
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                guard let equals = trimmed.firstIndex(of: "=") else {
                    throw ConfigurationError(setting: "HOTLINE_KAFKA_PROPERTIES_FILE", problem: "line \(number + 1) of '\(path)' is not key=value")
                }
                properties[trimmed[..<equals].trimmingCharacters(in: .whitespaces)] =
                    trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            }
        }
        for (name, value) in environment where name.hasPrefix("HOTLINE_KAFKA_") && name != "HOTLINE_KAFKA_PROPERTIES_FILE" {
            properties[name.dropFirst("HOTLINE_KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")] = value
        }
        return properties
    }
}
