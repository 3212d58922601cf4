import Foundation
import Logging
import PostgresNIO

/// An outbox row set aside because the broker refuses it as it is.
public struct ParkedOutboxRow: Sendable {
    public var id: Int64
    public var topic: String
    public var key: [UInt8]?
    public var payloadBytes: Int
    public var createdAt: Date
    public var parkedAt: Date
    public var attempts: Int
    public var reason: String
}

/// Named queries over `outbox_parked`.
public enum OutboxParkedStore {
    /// Moves outbox rows to `outbox_parked` with their reason, in the relay's transaction.
    public static func park(ids: [Int64], attempts: [Int], reasons: [String], on connection: PostgresConnection, logger: Logger) async throws {
        if ids.isEmpty { return }
        try await connection.query(
            """
            WITH moved AS (
                DELETE FROM outbox o USING unnest(\(ids)::bigint[], \(attempts.map(Int32.init))::integer[], \(reasons)::text[]) AS p(id, attempts, reason)
                WHERE o.id = p.id
                RETURNING o.id, o.topic, o.message_key, o.payload, o.headers, o.created_at, p.attempts, p.reason)
            INSERT INTO outbox_parked (id, topic, message_key, payload, headers, created_at, attempts, reason)
            SELECT id, topic, message_key, payload, headers, created_at, attempts, reason FROM moved
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
    }

    public static func list(client: PostgresClient, logger: Logger) async throws -> [ParkedOutboxRow] {
        let rows = try await client.query(
            """
            SELECT id, topic, message_key, octet_length(payload), created_at, parked_at, attempts, reason
            FROM outbox_parked ORDER BY id
            """, logger: logger)
        var parked: [ParkedOutboxRow] = []
        for try await row in rows.decode((Int64, String, Data?, Int32, Date, Date, Int32, String).self) {
            parked.append(ParkedOutboxRow(
                id: row.0, topic: row.1, key: row.2.map { Array($0) }, payloadBytes: Int(row.3), createdAt: row.4, parkedAt: row.5,
                attempts: Int(row.6), reason: row.7))
        }
        return parked
    }

    public static func count(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT count(*) FROM outbox_parked", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
