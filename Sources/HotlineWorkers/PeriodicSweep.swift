import Foundation
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Runs a sweep in its own PostgreSQL transaction again and again: at once while
/// sweeps find a full batch, each time taking twice as many items (up to
/// `maximumGrowth` times `batchSize`, so a burst falling due is worked off in fewer,
/// larger transactions), otherwise after `interval` (or as soon as the simulated clock is
/// set, `SimulatedClockChanges`), back at `batchSize`. Rows are claimed with
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
    /// When the next item falls due, if the sweep can tell: it then wakes for it rather
    /// than a whole interval later (the deadline watcher's lateness), never later than
    /// `interval`, which still bounds how soon it sees items added meanwhile.
    var nextDue: (@Sendable (_ client: PostgresClient, _ logger: Logger) async throws -> Date?)? = nil

    static var maximumGrowth: Int { 8 }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var limit = batchSize
            while !Task.isCancelled {
                do {
                    let seen = clock.jumps?.generation
                    let sweptAt = try await clock.now()
                    let handled = try await sweepOnce(now: sweptAt, limit: limit)
                    if handled < limit {
                        limit = batchSize
                        let wait = try await pause(after: handled, sweptAt: sweptAt)
                        if let jumps = clock.jumps, let seen {
                            try await jumps.sleep(for: wait, unlessMovedSince: seen)
                        } else {
                            try await Task.sleep(for: wait)
                        }
                    } else {
                        limit = min(limit * 2, batchSize * Self.maximumGrowth)
                    }
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

    /// How long to wait before the next sweep: `interval`, or less when `nextDue` says
    /// an item falls due sooner. An item that was already due when the sweep ran and was
    /// not taken (held by another instance, or one the sweep skips) waits the interval,
    /// so it cannot turn the wait into a busy loop.
    private func pause(after handled: Int, sweptAt: Date) async throws -> Duration {
        guard let nextDue, let next = try await nextDue(client, logger) else { return interval }
        if next <= sweptAt && handled == 0 { return interval }
        let gap = next.timeIntervalSince(try await clock.now())
        return min(interval, max(.milliseconds(5), .milliseconds(Int64((gap * 1000).rounded(.up)))))
    }

    /// One sweep in its transaction, with its span (`SweepSpan`): the events it makes carry it.
    private func sweepOnce(now: Date, limit: Int) async throws -> Int {
        let span = SweepSpan(name: name)
        do {
            let handled = try await SweepSpan.$current.withValue(span) {
                try await client.withWatchedTransaction("the \(name) sweep", logger: logger) { connection in
                    var outbox: [OutboxMessage] = []
                    let handled = try await sweep(now, limit, connection, &outbox)
                    try await OutboxStore.enqueue(outbox, on: connection, logger: logger)
                    if handled > 0 { logger.info("\(name) sweep", metadata: ["handled": "\(handled)"]) }
                    WorkerMetrics.swept(name, handled: handled)
                    return handled
                }
            }
            span.end(handled: handled, failing: nil)
            return handled
        } catch {
            span.end(handled: 0, failing: error)
            throw error
        }
    }
}
