import Foundation
import Logging
import PostgresNIO

/// One sealed value to re-encrypt: a caller's data (`cases`) or a callback comment (`callback_tasks`).
public struct SealedRow: Sendable {
    public var id: UUID
    public var caseID: UUID
    public var sealed: [UInt8]
    public var keyID: String
}

/// Named queries of a key rotation: rows still sealed under another key than the active
/// one, claimed a batch at a time (`FOR UPDATE SKIP LOCKED`, so workers and a second run
/// are never blocked), and written back under the active key.
public enum KeyRotationStore {
    public static func callersNotUnder(_ keyID: String, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [SealedRow] {
        try await rows(
            """
            SELECT id, id, caller_sealed, caller_key_id FROM cases WHERE caller_key_id <> \(keyID)
            ORDER BY id LIMIT \(Int32(limit)) FOR UPDATE SKIP LOCKED
            """, on: connection, logger: logger)
    }

    public static func commentsNotUnder(_ keyID: String, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [SealedRow] {
        try await rows(
            """
            SELECT id, case_id, comment_sealed, comment_key_id FROM callback_tasks
            WHERE comment_sealed IS NOT NULL AND comment_key_id <> \(keyID)
            ORDER BY id LIMIT \(Int32(limit)) FOR UPDATE SKIP LOCKED
            """, on: connection, logger: logger)
    }

    public static func updateCaller(_ row: SealedRow, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE cases SET caller_sealed = \(ByteBuffer(bytes: row.sealed)), caller_key_id = \(row.keyID) WHERE id = \(row.id)",
            logger: logger)
    }

    public static func updateComment(_ row: SealedRow, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE callback_tasks SET comment_sealed = \(ByteBuffer(bytes: row.sealed)), comment_key_id = \(row.keyID) WHERE id = \(row.id)",
            logger: logger)
    }

    /// How many rows each key still seals, for the operator to see the rotation finish.
    public static func keyUse(client: PostgresClient, logger: Logger) async throws -> [(String, Int)] {
        let rows = try await client.query(
            """
            SELECT key_id, count(*) FROM (
                SELECT caller_key_id AS key_id FROM cases
                UNION ALL SELECT comment_key_id FROM callback_tasks WHERE comment_sealed IS NOT NULL) AS sealed
            GROUP BY key_id ORDER BY key_id
            """, logger: logger)
        var result: [(String, Int)] = []
        for try await (key, count) in rows.decode((String, Int64).self) { result.append((key, Int(count))) }
        return result
    }

    private static func rows(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [SealedRow] {
        var result: [SealedRow] = []
        for try await (id, caseID, sealed, keyID) in try await connection.query(query, logger: logger).decode((UUID, UUID, ByteBuffer, String).self) {
            result.append(SealedRow(id: id, caseID: caseID, sealed: Array(sealed.readableBytesView), keyID: keyID))
        }
        return result
    }
}
