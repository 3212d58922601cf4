import Foundation
import HotlineDomain
import HotlinePostgres

/// What `hotline serve-lookup` reads from its environment, checked at start-up. It needs
/// no Kafka, no data key, index key or query code key: only its database login (granted
/// `hotline_lookup`), the lookup key that checks verifiers, and where to listen.
public struct LookupConfiguration: Sendable {
    public var databaseURL: DatabaseURL
    public var keys: [KeyConfiguration.DataKey]
    public var host: String
    public var port: Int
    public var clientAddress: ClientAddress
    public var limits: LookupLimits
    public var clock: HotlineConfiguration.ClockMode
    /// Where the lookup's request spans go (the workers' `OTEL_*` settings); nil: off.
    public var traceExport: TraceExport?

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LookupConfiguration {
        let settings = EnvironmentSettings(environment: environment)
        func value(_ name: String) -> String? { settings.value(name) }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
            try settings.integer(name, default: fallback, range: range)
        }
        guard let urlText = value("DATABASE_URL") else {
            throw ConfigurationError(setting: "DATABASE_URL", problem: "is not set; give the lookup's login, granted hotline_lookup (RUNBOOK \"Progress lookup\")")
        }
        let databaseURL: DatabaseURL
        do {
            databaseURL = try DatabaseURL(urlText, session: .lookup)
        } catch {
            throw ConfigurationError(setting: "DATABASE_URL", problem: error.problem)
        }
        let devMode = ["1", "true", "yes"].contains(value("HOTLINE_DEV_MODE")?.lowercased() ?? "")
        let (activeKey, previousKeys) = try KeyConfiguration.lookupKeys(environment: environment, devMode: devMode)
        guard let activeKey else { throw QueryCodeVerifier.missingKey }
        let proxies = (value("HOTLINE_LOOKUP_TRUSTED_PROXIES") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for proxy in proxies where !ClientAddress.isAddress(proxy) {
            throw ConfigurationError(setting: "HOTLINE_LOOKUP_TRUSTED_PROXIES", problem: "'\(proxy)' is not an IPv4 or IPv6 address; list the proxies' addresses, comma-separated")
        }
        let standard = LookupLimits.standard
        return LookupConfiguration(
            databaseURL: databaseURL,
            keys: [activeKey] + previousKeys,
            host: value("HOTLINE_LOOKUP_HOST") ?? "127.0.0.1",
            port: try integer("HOTLINE_LOOKUP_PORT", default: 8080, range: 1...65_535),
            clientAddress: ClientAddress(trustedProxies: Set(proxies)),
            limits: LookupLimits(
                caseAttempts: try integer("HOTLINE_LOOKUP_CASE_ATTEMPTS", default: standard.caseAttempts, range: 1...100),
                clientAttempts: try integer("HOTLINE_LOOKUP_CLIENT_ATTEMPTS", default: standard.clientAttempts, range: 1...10_000),
                window: TimeInterval(try integer("HOTLINE_LOOKUP_WINDOW_SECONDS", default: Int(standard.window), range: 1...86_400)),
                lockout: TimeInterval(try integer("HOTLINE_LOOKUP_LOCKOUT_SECONDS", default: Int(standard.lockout), range: 1...86_400))),
            clock: try HotlineConfiguration.ClockMode.fromEnvironment(environment),
            traceExport: try TraceExport.fromEnvironment(environment))
    }
}
