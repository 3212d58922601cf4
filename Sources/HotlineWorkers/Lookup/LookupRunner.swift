import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// `hotline serve-lookup`: the progress lookup's HTTP server, its database pool, the sweep
/// that forgets idle counters and, where configured, the trace exporter, until SIGTERM or SIGINT.
public enum LookupRunner {
    public static func run(_ configuration: LookupConfiguration, logger: Logger) async throws {
        // First in the group, so it stops last and exports the final requests' spans.
        let tracing = try configuration.traceExport.map { try $0.bootstrap(serviceName: "hotline-lookup", logger: logger) }
        let client = PostgresClient(configuration: configuration.databaseURL.configuration, backgroundLogger: logger)
        let clock = makeClock(configuration.clock, client: client, logger: logger)
        let lookup = ProgressLookup(
            client: client, clock: clock, verifier: QueryCodeVerifier(keys: configuration.keys), limits: configuration.limits, logger: logger)
        let server = LookupServer(
            lookup: lookup, clientAddress: configuration.clientAddress, host: configuration.host, port: configuration.port,
            ready: .postgres(client, logger: logger), logger: logger)
        let sweep = IdleCounterSweep(client: client, clock: clock, limits: configuration.limits, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: (tracing.map { [.init(service: $0)] } ?? []) + [.init(service: client), .init(service: server), .init(service: sweep)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

/// Once a minute, forgets the counters whose window and lock are over: every case number
/// anyone tries gets a row, and most are never tried again.
struct IdleCounterSweep: Service {
    let client: PostgresClient
    let clock: any HotlineClock
    let limits: LookupLimits
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let now = try await clock.now()
                let forgotten = try await LookupStore.forgetIdle(before: now.addingTimeInterval(-limits.window), now: now, client: client, logger: logger)
                if forgotten > 0 { logger.debug("forgot idle lookup counters", metadata: ["count": "\(forgotten)"]) }
            } catch {
                logger.warning("could not forget idle lookup counters; trying again in a minute", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            // Graceful shutdown is not cancellation: without this the sleep holds the process for up to a minute.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }
}
