import Foundation
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Runs a sweep in its own PostgreSQL transaction again and again: at once while
/// sweeps find a full batch, otherwise after `interval`. Rows are claimed with
/// `FOR UPDATE SKIP LOCKED`, so any number of instances can sweep together; an
/// instance killed mid-sweep rolls back and another takes its rows.
struct PeriodicSweep: Service {
    let name: String
    let client: PostgresClient
    let clock: any HotlineClock
    let batchSize: Int
    let interval: Duration
    let logger: Logger
    /// Handles up to `limit` due items at `now`; returns how many it handled.
    let sweep: @Sendable (_ now: Date, _ limit: Int, _ connection: PostgresConnection, _ outbox: inout [OutboxMessage]) async throws -> Int

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let handled = try await sweepOnce()
                    if handled < batchSize { try await Task.sleep(for: interval) }
                } catch is CancellationError {
                    break
                } catch {
                    if Task.isCancelled { break }
                    logger.error("\(name) sweep failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        logger.info("\(name) stopped")
    }

    private func sweepOnce() async throws -> Int {
        let now = try await clock.now()
        return try await client.withWatchedTransaction("the \(name) sweep", logger: logger) { connection in
            var outbox: [OutboxMessage] = []
            let handled = try await sweep(now, batchSize, connection, &outbox)
            try await OutboxStore.enqueue(outbox, on: connection, logger: logger)
            if handled > 0 { logger.info("\(name) sweep", metadata: ["handled": "\(handled)"]) }
            WorkerMetrics.swept(name, handled: handled)
            return handled
        }
    }
}
