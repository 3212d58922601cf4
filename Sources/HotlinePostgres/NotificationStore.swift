import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// The approved result of a case as its result notification carries it.
public struct ApprovedResult: Sendable {
    public var result: HandlingResult
    /// The unit's `action_taken`, kept as the `reason` of its `submit_result` history row:
    /// sealed there since migration 0035, opened by the callbacks worker.
    public var reply: StoredHistoryText?
    /// When the unit submitted it (鄂尔多斯 第二十一条 counts the callback from here).
    public var submittedAt: Date
}

/// Named queries behind the citizen notifications.
public enum NotificationStore {
    /// The latest result the current lead unit submitted, for each of these cases that has one.
    public static func approvedResults(of caseIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: ApprovedResult] {
        guard !caseIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT DISTINCT ON (h.case_id) h.case_id, h.detail->>'outcome', \(unescaped: StoredHistoryText.columns(HistoryFreeText.reason, of: "h")),
                   a.unit_id, a.unit_name, h.at
            FROM case_history h
            JOIN assignments a ON a.case_id = h.case_id AND a.current AND a.role = 'lead'
            WHERE h.case_id = ANY(\(caseIDs)) AND h.action = 'submit_result'
            ORDER BY h.case_id, h.id DESC
            """, logger: logger)
        var results: [UUID: ApprovedResult] = [:]
        for try await (caseID, outcome, reply, sealed, keyID, unitID, unitName, at) in rows.decode(
            (UUID, String?, String?, String?, String?, String, String, Date).self)
        {
            guard let outcome = outcome.flatMap(ResultReport.Outcome.init) else { continue }
            results[caseID] = ApprovedResult(
                result: HandlingResult(outcome: outcome, unitID: unitID, unitName: unitName),
                reply: StoredHistoryText(clear: reply, sealed: sealed, keyID: keyID), submittedAt: at)
        }
        return results
    }
}
