import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// The approved result of a case as its result notification carries it.
public struct ApprovedResult: Sendable {
    public var result: HandlingResult
    /// The unit's `action_taken`, kept as the `reason` of its `submit_result` history row.
    public var reply: String?
}

/// Named queries behind the citizen notifications.
public enum NotificationStore {
    /// The latest result the current lead unit submitted; nil when the case has none.
    public static func approvedResult(of caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ApprovedResult? {
        let rows = try await connection.query(
            """
            SELECT h.detail->>'outcome', h.detail->>'reason', a.unit_id, a.unit_name
            FROM case_history h
            JOIN assignments a ON a.case_id = h.case_id AND a.current AND a.role = 'lead'
            WHERE h.case_id = \(caseID) AND h.action = 'submit_result'
            ORDER BY h.id DESC
            LIMIT 1
            """, logger: logger)
        for try await row in rows.decode((String?, String?, String, String).self) {
            guard let outcome = row.0.flatMap(ResultReport.Outcome.init) else { return nil }
            return ApprovedResult(result: HandlingResult(outcome: outcome, unitID: row.2, unitName: row.3), reply: row.1)
        }
        return nil
    }
}
