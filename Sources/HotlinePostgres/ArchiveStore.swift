import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A case just archived, for its `case.archived` event.
public struct ArchivedCase: Sendable {
    public var id: UUID
    public var caseNumber: String
    public var policy: CaseEvent.PolicyRef
    public var round: Int
    public var leadUnitID: String?
}

/// Named queries of the archive (归档): `case_archive` is written once per case and never changed.
public enum ArchiveStore {
    /// When the longest-closed case was closed (the archive sweep's look, outside any
    /// transaction, through `cases_to_archive`); nil when no case waits in `closed`.
    public static func earliestClosedAt(client: PostgresClient, logger: Logger) async throws -> Date? {
        let rows = try await client.query("SELECT min(closed_at) FROM cases WHERE status = 'closed'", logger: logger)
        for try await closedAt in rows.decode(Date?.self) { return closedAt }
        return nil
    }

    /// Archives up to `limit` closed cases that nothing can change any more: no callback
    /// open or still owed (a direct answer called back), no rating appeal pending, no appeal window open at `now`. Each gets its whole
    /// record in `case_archive`, status `archived` and an `archived` history entry.
    public static func archiveDue(now: Date, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [ArchivedCase] {
        let rows = try await connection.query(
            """
            SELECT c.id, c.case_number, c.policy_id, c.policy_version, c.round,
                   (SELECT a.unit_id FROM assignments a WHERE a.case_id = c.id AND a.role = 'lead' ORDER BY a.id DESC LIMIT 1)
            FROM cases c
            WHERE c.status = 'closed'
              AND NOT EXISTS (SELECT 1 FROM callback_tasks t WHERE t.case_id = c.id AND t.state = 'open')
              AND NOT (c.callback_owed AND NOT EXISTS (SELECT 1 FROM callback_tasks t WHERE t.case_id = c.id))
              AND NOT EXISTS (SELECT 1 FROM rating_appeals a WHERE a.case_id = c.id AND a.state = 'pending')
              AND NOT EXISTS (SELECT 1 FROM callback_tasks t WHERE t.case_id = c.id AND t.appeal_by > \(now)
                                AND NOT EXISTS (SELECT 1 FROM rating_appeals a WHERE a.task_id = t.id))
            ORDER BY c.closed_at
            LIMIT \(Int32(limit))
            FOR UPDATE OF c SKIP LOCKED
            """, logger: logger)
        var due: [ArchivedCase] = []
        for try await row in rows.decode((UUID, String, String, String, Int32, String?).self) {
            due.append(ArchivedCase(
                id: row.0, caseNumber: row.1, policy: .init(id: row.2, version: row.3), round: Int(row.4), leadUnitID: row.5))
        }
        guard !due.isEmpty else { return [] }
        let ids = due.map(\.id)
        try await connection.query(
            """
            INSERT INTO case_archive (case_id, case_number, policy_id, policy_version, closed_at, archived_at, record)
            SELECT c.id, c.case_number, c.policy_id, c.policy_version, c.closed_at, \(now),
                   jsonb_set(\(unescaped: CaseRecordSQL.record), '{case,status}', '"archived"')
            FROM cases c WHERE c.id = ANY(\(ids))
            """, logger: logger)
        try await connection.query(
            "UPDATE cases SET status = 'archived', archived_at = \(now) WHERE id = ANY(\(ids))", logger: logger)
        try await connection.query(
            """
            INSERT INTO case_history (case_id, at, actor, action, detail)
            SELECT id, \(now), 'callbacks', 'archived', '{}'::jsonb FROM unnest(\(ids)::uuid[]) AS id
            """, logger: logger)
        return due
    }

    /// The archived record of a case, as JSON text, with when and under which period it was
    /// shredded (`shredded`, null while its data key is kept); nil when it is not archived.
    public static func record(caseNumber: String, client: PostgresClient, logger: Logger) async throws -> String? {
        let rows = try await client.query(
            """
            SELECT jsonb_build_object('case_number', a.case_number, 'policy', a.policy_id, 'policy_version', a.policy_version,
                                      'closed_at', a.closed_at, 'archived_at', a.archived_at, 'record', a.record,
                                      'shredded', (SELECT jsonb_build_object('shredded_at', s.shredded_at, 'erased', s.erased,
                                                                             'retention_days', s.retention_days, 'policy', s.policy_id,
                                                                             'policy_version', s.policy_version)
                                                   FROM case_shreddings s WHERE s.case_id = a.case_id))::text
            FROM case_archive a WHERE a.case_number = \(caseNumber)
            """, logger: logger)
        for try await (text,) in rows.decode((String,).self) { return text }
        return nil
    }
}
