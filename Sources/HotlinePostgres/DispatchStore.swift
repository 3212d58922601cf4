import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// What the dispatch worker reads of a case to route it.
public struct RoutableCase: Sendable {
    public var id: UUID
    public var caseNumber: String
    public var category: CategoryCode
    public var areaCode: String?
    public var text: String
    public var status: String
    public var policyID: String
    public var policyVersion: String
}

/// Named queries of the dispatch worker.
public enum DispatchStore {
    public static func routableCase(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> RoutableCase? {
        let rows = try await connection.query(
            """
            SELECT id, case_number, category, area_code, coalesce(subject || E'\\n', '') || content,
                   status, policy_id, policy_version
            FROM cases WHERE id = \(caseID) FOR UPDATE
            """, logger: logger)
        for try await (id, number, category, area, text, status, policyID, version) in rows.decode(
            (UUID, String, String, String?, String, String, String, String).self)
        {
            guard let code = CategoryCode(rawValue: category) else { return nil }
            return RoutableCase(
                id: id, caseNumber: number, category: code, areaCode: area, text: text, status: status,
                policyID: policyID, policyVersion: version)
        }
        return nil
    }

    /// Writes the round's lead and co-unit assignments and marks the case dispatched.
    public static func assign(
        caseID: UUID, round: Int, lead: HandlingUnit, coUnits: [HandlingUnit], ruleID: String, at: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            "UPDATE assignments SET current = false WHERE case_id = \(caseID) AND current", logger: logger)
        for (unit, role) in [(lead, "lead")] + coUnits.map({ ($0, "co") }) {
            try await connection.query(
                """
                INSERT INTO assignments (case_id, round, unit_id, unit_name, role, rule_id, assigned_at)
                VALUES (\(caseID), \(Int32(round)), \(unit.id), \(unit.name), \(role), \(ruleID), \(at))
                """, logger: logger)
        }
        try await connection.query("UPDATE cases SET status = 'dispatched' WHERE id = \(caseID)", logger: logger)
        try await connection.query(
            "UPDATE manual_dispatch_queue SET resolved_at = \(at) WHERE case_id = \(caseID) AND resolved_at IS NULL",
            logger: logger)
    }

    public static func queueForManualDispatch(
        caseID: UUID, reason: String, at: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO manual_dispatch_queue (case_id, reason, queued_at) VALUES (\(caseID), \(reason), \(at))
            ON CONFLICT (case_id) DO NOTHING
            """, logger: logger)
        try await connection.query(
            "UPDATE cases SET status = 'awaiting_manual_dispatch' WHERE id = \(caseID)", logger: logger)
    }
}

/// A case waiting in the manual-dispatch queue, as a dispatcher sees it.
public struct ManualQueueEntry: Sendable {
    public var caseNumber: String
    public var category: String
    public var areaCode: String?
    public var subject: String?
    public var queuedAt: Date
}

extension DispatchStore {
    /// Unresolved entries of the manual-dispatch queue, oldest first.
    public static func manualQueue(client: PostgresClient, logger: Logger) async throws -> [ManualQueueEntry] {
        let rows = try await client.query(
            """
            SELECT c.case_number, c.category, c.area_code, c.subject, q.queued_at
            FROM manual_dispatch_queue q JOIN cases c ON c.id = q.case_id
            WHERE q.resolved_at IS NULL ORDER BY q.queued_at, c.case_number
            """, logger: logger)
        var entries: [ManualQueueEntry] = []
        for try await (number, category, area, subject, queuedAt) in rows.decode((String, String, String?, String?, Date).self) {
            entries.append(ManualQueueEntry(caseNumber: number, category: category, areaCode: area, subject: subject, queuedAt: queuedAt))
        }
        return entries
    }
}
