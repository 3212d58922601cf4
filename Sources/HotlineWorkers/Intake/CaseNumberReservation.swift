import Foundation
import HotlinePostgres
import Logging
import PostgresNIO

/// Hands out the per-day case numbers (`20261009-000123`) a batch of appeals needs.
public protocol CaseNumberReservation: Sendable {
    /// Reserves `counts[day]` numbers on each day; returns the last number used on each day
    /// before them.
    func reserve(_ counts: [String: Int]) async throws -> [String: Int]
}

/// The numbers kept in `case_number_days`, reserved in a transaction of their own so that
/// intake instances never wait on each other for a whole batch; a batch that fails after
/// reserving leaves its numbers unused (numbers are unique and rise within a day, but may
/// skip, as a database sequence does). Watched like a relay step: a statement sent as the
/// server stops must not hold the intake batch forever.
public struct PostgresCaseNumbers: CaseNumberReservation {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func reserve(_ counts: [String: Int]) async throws -> [String: Int] {
        guard !counts.isEmpty else { return [:] }
        return try await client.withWatchedConnection("reserving case numbers", logger: logger) { connection in
            try await IntakeStore.reserveCaseNumbers(counts, on: connection, logger: logger)
        }
    }
}
