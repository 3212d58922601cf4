import Foundation
import Logging
import PostgresNIO

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

/// How long one PostgreSQL transaction (a batch, a sweep, a relay step) may take
/// before the worker gives up on it.
let stuckCallLimit: Duration = .seconds(60)

/// Exits the process with code 70 if not disarmed within `limit`, so its supervisor
/// (systemd `Restart=on-failure`, Kubernetes) starts it again.
///
/// Why exit: a query in flight when PostgreSQL shuts down can be left waiting forever by
/// the driver (seen in `Ops/dev chaos` postgres-restart: neither an answer, an error,
/// nor cancellation arrives), and such a call cannot be abandoned safely. Nothing is
/// lost by exiting: the transaction never committed and the batch's offsets were not
/// stored, so it is redelivered and applied once.
struct StuckCallWatchdog {
    private let task: Task<Void, Never>

    init(_ what: String, after limit: Duration = stuckCallLimit, logger: Logger) {
        task = Task.detached {
            do { try await Task.sleep(for: limit) } catch { return }
            logger.critical("\(what) did not finish within \(limit); exiting (code 70) so the supervisor restarts the worker")
            exit(70)
        }
    }

    func disarm() { task.cancel() }
}

extension PostgresClient {
    /// `withTransaction`, watched by a `StuckCallWatchdog` from the moment a connection is leased
    /// (waiting for a connection while PostgreSQL is down is not stuck).
    func withWatchedTransaction<Result: Sendable>(
        _ what: String, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            let watchdog = StuckCallWatchdog(what, logger: logger)
            defer { watchdog.disarm() }
            return try await connection.withTransaction(logger: logger) { try await body($0) }
        }
    }
}
