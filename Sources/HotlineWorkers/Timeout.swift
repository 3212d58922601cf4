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
