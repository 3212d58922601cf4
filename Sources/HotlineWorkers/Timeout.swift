import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Thrown by `withTimeout` when the operation did not finish in time.
struct TimeoutError: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "did not finish within \(limit)" }
}

/// Runs `operation`, cancelling it after `limit`: for calls that would otherwise wait
/// on an unreachable PostgreSQL as long as its connection pool keeps retrying.
func withTimeout<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeoutError(limit: limit)
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw TimeoutError(limit: limit) }
        return result
    }
}

/// How long one PostgreSQL transaction (a batch, a sweep, a relay step) may go without
/// progress before the worker gives up on it.
let stuckCallLimit: Duration = .seconds(60)

/// Exits the process with code 70 when the transaction it watches makes no progress
/// for `limit` (a batch: no message applied, `StuckCallWatchdog.progressed()`; a sweep
/// or relay step, a few statements: not finished), so its supervisor (systemd
/// `Restart=on-failure`, Kubernetes) starts it again.
///
/// Why exit: a query in flight when PostgreSQL shuts down can be left waiting forever by
/// the driver (seen in `Ops/dev chaos` postgres-restart: neither an answer, an error,
/// nor cancellation arrives), and such a call cannot be abandoned safely. Nothing is
/// lost by exiting: the transaction never committed and the batch's offsets were not
/// stored, so it is redelivered and applied once.
///
/// Why progress and not the whole transaction: on a starved machine a batch of 500
/// messages can take minutes while every statement is answered; killing it would only
/// restart the same slow batch forever (seen on a loaded 2-core CI machine).
struct StuckCallWatchdog: Sendable {
    @TaskLocal private static var watching: ProgressMark?

    private let mark = ProgressMark()
    private let task: Task<Void, Never>

    init(_ what: String, after limit: Duration = stuckCallLimit, logger: Logger) {
        let mark = self.mark
        task = Task.detached {
            while true {
                let quiet = ContinuousClock.now - mark.last
                if quiet >= limit {
                    logger.critical("\(what) made no progress for \(limit); exiting (code 70) so the supervisor restarts the worker")
                    exit(70)
                }
                do { try await Task.sleep(for: limit - quiet) } catch { return }
            }
        }
    }

    /// Runs `body` with this watchdog as the one `progressed()` feeds.
    func watching<Result>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Result
    ) async rethrows -> Result {
        try await Self.$watching.withValue(mark, operation: body, isolation: isolation)
    }

    /// Tells the watchdog of the current transaction, if any, that one unit of work
    /// (a message applied) finished.
    static func progressed() { watching?.touch() }

    func disarm() { task.cancel() }
}

/// When the watched transaction last made progress.
final class ProgressMark: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var last: ContinuousClock.Instant { instant.withLock { $0 } }

    func touch() { instant.withLock { $0 = ContinuousClock.now } }
}

extension PostgresClient {
    /// `withConnection` for a few statements outside a transaction (a relay step), watched by a
    /// `StuckCallWatchdog` from the moment a connection is leased: seen in `Ops/dev chaos`
    /// postgres-down-2min, the relay's loop otherwise waited forever on a statement sent as
    /// the server stopped, holding its shard leases past their expiry and publishing nothing.
    func withWatchedConnection<Result: Sendable>(
        _ what: String, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            let watchdog = StuckCallWatchdog(what, logger: logger)
            defer { watchdog.disarm() }
            return try await watchdog.watching { try await body(connection) }
        }
    }

    /// `withTransaction`, watched by a `StuckCallWatchdog` from the moment a connection is leased
    /// (waiting for a connection while PostgreSQL is down is not stuck).
    func withWatchedTransaction<Result: Sendable>(
        _ what: String, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            let watchdog = StuckCallWatchdog(what, logger: logger)
            defer { watchdog.disarm() }
            return try await watchdog.watching {
                try await connection.withTransaction(logger: logger) { try await body($0) }
            }
        }
    }
}
