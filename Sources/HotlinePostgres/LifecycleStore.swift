import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Named queries that read and write a case's lifecycle state.
public enum LifecycleStore {
    /// The case with its current assignments, locked for the rest of the transaction.
    public static func lockedCase(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> LifecycleCase? {
        let rows = try await connection.query(
            """
            SELECT c.id, c.case_number, c.policy_id, c.policy_version, c.status, c.category, c.urgent, c.round, c.dispatched_at,
                   c.signed_at, c.handling_due, c.extensions_this_round, c.requested_due, c.leader_assigned, c.media_exposed,
                   (SELECT t.rating FROM callback_tasks t WHERE t.case_id = c.id AND t.round = c.round AND t.state = 'rated'),
                   c.repeat_blocked
            FROM cases c WHERE c.id = \(caseID) FOR UPDATE OF c
            """, logger: logger)
        var found: LifecycleCase?
        for try await row in rows.decode(
            (UUID, String, String, String, String, String, Bool, Int32, Date?, Date?, Date?, Int32, Date?, Bool, Bool, String?, Bool).self)
        {
            guard let status = CaseStatus(rawValue: row.4), let category = CategoryCode(rawValue: row.5) else { return nil }
            found = LifecycleCase(
                id: row.0, caseNumber: row.1, policy: .init(id: row.2, version: row.3), status: status, category: category,
                urgent: row.6, source: row.13 ? "leader" : (row.14 ? "media" : nil), round: Int(row.7), leadUnitID: nil,
                dispatchedAt: row.8, signedAt: row.9, handlingDue: row.10, extensionsThisRound: Int(row.11),
                requestedDue: row.12, leaderAssigned: row.13, mediaExposed: row.14, rating: row.15.flatMap(CallbackRating.init))
            found?.repeatBlocked = row.16
        }
        guard var lifecycleCase = found else { return nil }
        let units = try await connection.query(
            "SELECT unit_id, role FROM assignments WHERE case_id = \(caseID) AND current ORDER BY id", logger: logger)
        for try await (unit, role) in units.decode((String, String).self) {
            if role == "lead" { lifecycleCase.leadUnitID = unit } else { lifecycleCase.coUnitIDs.append(unit) }
        }
        return lifecycleCase
    }

    /// Writes the lifecycle fields of a case after an accepted action.
    public static func save(_ lifecycleCase: LifecycleCase, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let resolvedAt: Date? = lifecycleCase.status == .resolved ? now : nil
        let closedAt: Date? = lifecycleCase.status == .closed ? now : nil
        try await connection.query(
            """
            UPDATE cases SET status = \(lifecycleCase.status.rawValue), round = \(Int32(lifecycleCase.round)),
                dispatched_at = \(lifecycleCase.dispatchedAt), signed_at = \(lifecycleCase.signedAt),
                handling_due = \(lifecycleCase.handlingDue), extensions_this_round = \(Int32(lifecycleCase.extensionsThisRound)),
                requested_due = \(lifecycleCase.requestedDue), leader_assigned = \(lifecycleCase.leaderAssigned),
                media_exposed = \(lifecycleCase.mediaExposed), resolved_at = coalesce(resolved_at, \(resolvedAt)),
                closed_at = coalesce(closed_at, \(closedAt)), repeat_blocked = \(lifecycleCase.repeatBlocked)
            WHERE id = \(lifecycleCase.id)
            """, logger: logger)
    }

    /// Ends the current assignments of a case (an approved return with no new unit).
    public static func endAssignments(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE assignments SET current = false WHERE case_id = \(caseID) AND current", logger: logger)
    }

    /// Records a centre decision as the route for similar cases (same category and area).
    public static func recordPrecedent(
        category: CategoryCode, areaCode: String?, lead: String, coUnits: [String], basisCase: UUID, at: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO routing_precedents (category, area_code, lead_unit_id, co_unit_ids, basis_case, decided_at)
            VALUES (\(category.rawValue), \(areaCode ?? ""), \(lead), \(coUnits), \(basisCase), \(at))
            ON CONFLICT (category, area_code) DO UPDATE SET lead_unit_id = EXCLUDED.lead_unit_id,
                co_unit_ids = EXCLUDED.co_unit_ids, basis_case = EXCLUDED.basis_case, decided_at = EXCLUDED.decided_at
            """, logger: logger)
    }

    /// The precedent for a category and area, if the centre set one.
    public static func precedent(
        category: CategoryCode, areaCode: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> (lead: String, coUnits: [String])? {
        let rows = try await connection.query(
            """
            SELECT lead_unit_id, co_unit_ids FROM routing_precedents
            WHERE category = \(category.rawValue) AND area_code = \(areaCode ?? "")
            """, logger: logger)
        for try await (lead, coUnits) in rows.decode((String, [String]).self) { return (lead, coUnits) }
        return nil
    }

    /// The area code of a case (for precedents).
    public static func areaCode(of caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        let rows = try await connection.query("SELECT area_code FROM cases WHERE id = \(caseID)", logger: logger)
        for try await area in rows.decode(String?.self) { return area }
        return nil
    }
}
