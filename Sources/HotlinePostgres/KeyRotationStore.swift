import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// One sealed value to re-encrypt: a callback comment (`callback_tasks`), sealed directly under
/// a key-encryption key.
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
    /// Cases whose data key is wrapped under another key-encryption key than `keyID`.
    public static func dataKeysNotUnder(_ keyID: String, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [SealedCase] {
        try await sealedCases(
            """
            SELECT \(unescaped: SealedCase.columns) FROM cases c WHERE c.data_key_id <> \(keyID)
            ORDER BY c.id LIMIT \(Int32(limit)) FOR UPDATE SKIP LOCKED
            """, on: connection, logger: logger)
    }

    /// Cases accepted before migration 0030: their caller sealed directly under a
    /// key-encryption key, their subject and content in clear.
    public static func casesWithoutOwnKey(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [SealedCase] {
        try await sealedCases(
            """
            SELECT \(unescaped: SealedCase.columns) FROM cases c WHERE c.caller_key_id <> \(SealedCase.caseKeyID)
            ORDER BY c.id LIMIT \(Int32(limit)) FOR UPDATE SKIP LOCKED
            """, on: connection, logger: logger)
    }

    public static func commentsNotUnder(_ keyID: String, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [SealedRow] {
        var result: [SealedRow] = []
        for try await (id, caseID, sealed, keyID) in try await connection.query(
            """
            SELECT id, case_id, comment_sealed, comment_key_id FROM callback_tasks
            WHERE comment_sealed IS NOT NULL AND comment_key_id <> \(keyID) AND comment_key_id <> \(SealedCase.caseKeyID)
            ORDER BY id LIMIT \(Int32(limit)) FOR UPDATE SKIP LOCKED
            """, logger: logger
        ).decode((UUID, UUID, ByteBuffer, String).self) {
            result.append(SealedRow(id: id, caseID: caseID, sealed: Array(sealed.readableBytesView), keyID: keyID))
        }
        return result
    }

    /// Writes the cases' data keys, callers and sealed text as `sealed` now holds them; the
    /// clear subject and content of a case from before migration 0030 go.
    public static func updateSealed(_ cases: [SealedCase], on connection: PostgresConnection, logger: Logger) async throws {
        guard !cases.isEmpty else { return }
        try await connection.query(
            """
            UPDATE cases c SET data_key_sealed = u.data_key, data_key_id = u.data_key_id, caller_sealed = u.caller,
                               caller_key_id = u.caller_key_id, appeal_sealed = u.appeal, subject = NULL, content = NULL
            FROM unnest(\(cases.map(\.caseID))::uuid[], \(NullableArray(bytes: cases.map(\.dataKey?.wrapped)))::bytea[],
                        \(NullableArray(cases.map(\.dataKey?.keyID)))::text[], \(cases.map(\.callerSealed).byteaArray)::bytea[],
                        \(cases.map(\.callerKeyID))::text[], \(NullableArray(bytes: cases.map(\.appealSealed)))::bytea[])
                 AS u(id, data_key, data_key_id, caller, caller_key_id, appeal)
            WHERE c.id = u.id
            """, logger: logger)
    }

    /// Texts of appeals not accepted whose data key is wrapped under another key-encryption key
    /// than `keyID`, or that have none (written before migration 0037).
    public static func requestTextsNotUnder(
        _ keyID: String, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [(IntakeRequestKey, SealedRequestText)] {
        var result: [(IntakeRequestKey, SealedRequestText)] = []
        for try await (channel, externalID, sealed, keyID, dataKey) in try await connection.query(
            """
            SELECT channel, external_id, content_sealed, content_key_id, content_data_key FROM intake_requests
            WHERE content_sealed IS NOT NULL AND (content_key_id <> \(keyID) OR content_data_key IS NULL)
            ORDER BY channel, external_id LIMIT \(Int32(limit)) FOR UPDATE SKIP LOCKED
            """, logger: logger
        ).decode((String, String, ByteBuffer, String, ByteBuffer?).self) {
            guard let channel = Channel(rawValue: channel),
                  let text = SealedRequestText(
                      sealed: Array(sealed.readableBytesView), keyID: keyID, wrappedDataKey: dataKey.map { Array($0.readableBytesView) })
            else { continue }
            result.append((IntakeRequestKey(channel: channel, externalID: externalID), text))
        }
        return result
    }

    public static func updateRequestTexts(_ texts: [(IntakeRequestKey, SealedRequestText)], on connection: PostgresConnection, logger: Logger) async throws {
        guard !texts.isEmpty else { return }
        try await connection.query(
            """
            UPDATE intake_requests r SET content_sealed = u.sealed, content_key_id = u.key_id, content_data_key = u.data_key
            FROM unnest(\(texts.map(\.0.channel.rawValue))::text[], \(texts.map(\.0.externalID))::text[],
                        \(texts.map(\.1.sealed).byteaArray)::bytea[], \(texts.map(\.1.keyID))::text[],
                        \(NullableArray(bytes: texts.map(\.1.wrappedDataKey)))::bytea[]) AS u(channel, external_id, sealed, key_id, data_key)
            WHERE r.channel = u.channel AND r.external_id = u.external_id
            """, logger: logger)
    }

    public static func updateComment(_ row: SealedRow, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE callback_tasks SET comment_sealed = \(ByteBuffer(bytes: row.sealed)), comment_key_id = \(row.keyID) WHERE id = \(row.id)",
            logger: logger)
    }

    /// How many sealed values each key-encryption key still holds (a case's data key, a case
    /// from before migration 0030, a callback comment, the text of an appeal not accepted), for the operator to see the rotation finish.
    public static func keyUse(client: PostgresClient, logger: Logger) async throws -> [(String, Int)] {
        let rows = try await client.query(
            """
            SELECT key_id, count(*) FROM (
                SELECT data_key_id AS key_id FROM cases WHERE data_key_id IS NOT NULL
                UNION ALL SELECT caller_key_id FROM cases WHERE caller_key_id <> \(SealedCase.caseKeyID)
                UNION ALL SELECT comment_key_id FROM callback_tasks WHERE comment_sealed IS NOT NULL AND comment_key_id <> \(SealedCase.caseKeyID)
                UNION ALL SELECT content_key_id FROM intake_requests WHERE content_sealed IS NOT NULL) AS sealed
            GROUP BY key_id ORDER BY key_id
            """, logger: logger)
        var result: [(String, Int)] = []
        for try await (key, count) in rows.decode((String, Int64).self) { result.append((key, Int(count))) }
        return result
    }

    private static func sealedCases(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [SealedCase] {
        var result: [SealedCase] = []
        for try await row in try await connection.query(query, logger: logger) { result.append(try SealedCase.decode(row)) }
        return result
    }
}
