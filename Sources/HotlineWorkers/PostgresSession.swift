import Logging
import PostgresNIO

/// Runs `body` with a started PostgreSQL pool and stops the pool afterwards; for
/// short commands (migrate, summary, clock) that are not long-running services.
public func withPostgres<Result: Sendable>(
    _ configuration: PostgresClient.Configuration, logger: Logger,
    _ body: @Sendable (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}
