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
    /// `interval`, which still bounds how soon it sees items added meanwhile, and opens a
    /// transaction only when something is due.
    var nextDue: (@Sendable (_ now: Date, _ client: PostgresClient, _ logger: Logger) async throws -> Date?)? = nil

    static var maximumGrowth: Int { 8 }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var limit = batchSize
            while !Task.isCancelled {
                do {
                    let seen = clock.jumps?.generation
                    let now = try await clock.now()
                    if limit == batchSize, let wait = try await waitForNextDue(now: now) {
                        // A run that found nothing due: `SweepStuck` watches runs, not items.
                        WorkerMetrics.swept(name, handled: 0)
                        try await sleep(for: wait, unlessMovedSince: seen)
                        continue
                    }
                    let handled = try await sweepOnce(now: now, limit: limit)
                    if handled == limit {
                        limit = min(limit * 2, batchSize * Self.maximumGrowth)
                        continue
                    }
                    limit = batchSize
                    // With `nextDue`, the next pass's look sleeps until the next item. Without
                    // it, or when due items were left (held by another instance, or skipped),
                    // the interval, so they cannot turn the loop into a busy one.
                    if nextDue == nil || handled == 0 { try await sleep(for: interval, unlessMovedSince: seen) }
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

    /// Nil when an item is due at `now` (or the sweep cannot tell: `nextDue` is nil);
    /// otherwise how long until one falls due, at most `interval`. One statement outside any
    /// transaction, so a pass with nothing due costs no BEGIN, claim and COMMIT. A clock that
    /// jumps (the simulated one) stands still until it is set, which ends the sleep: an item a
    /// moment ahead of it is no nearer after that moment, so the sweep waits its interval, not
    /// a busy loop of looks.
    private func waitForNextDue(now: Date) async throws -> Duration? {
        guard let nextDue else { return nil }
        guard let next = try await nextDue(now, client, logger) else { return interval }
        if next <= now { return nil }
        if clock.jumps != nil { return interval }
        let gap = next.timeIntervalSince(now)
        return min(interval, max(.milliseconds(5), .milliseconds(Int64((gap * 1000).rounded(.up)))))
    }

    /// Sleeps `wait`, or less when the simulated clock is set after the pass read it as `seen`.
    private func sleep(for wait: Duration, unlessMovedSince seen: Int?) async throws {
        if let jumps = clock.jumps, let seen {
            try await jumps.sleep(for: wait, unlessMovedSince: seen)
        } else {
            try await Task.sleep(for: wait)
        }
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
