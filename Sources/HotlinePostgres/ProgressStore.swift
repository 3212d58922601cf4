import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A case as the progress lookup reads it: its progress, and the sealed caller to verify against.
public struct ProgressRecord: Sendable {
    public var caseID: UUID
    public var progress: CaseProgress
    public var callerSealed: [UInt8]
    public var callerKeyID: String
}

/// The named query behind `hotline lookup`.
public enum ProgressStore {
    public static func record(caseNumber: String, policy: Policy, client: PostgresClient, logger: Logger) async throws -> ProgressRecord? {
        let rows = try await client.query(
            """
            SELECT c.id, c.status, c.category, c.handling_due, c.resolved_at, c.caller_sealed, c.caller_key_id,
                   (SELECT a.unit_name FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead'),
                   (SELECT h.detail->>'outcome' FROM case_history h WHERE h.case_id = c.id AND h.action = 'submit_result'
                    ORDER BY h.id DESC LIMIT 1),
                   (SELECT t.rating FROM callback_tasks t WHERE t.case_id = c.id AND t.state = 'rated' ORDER BY t.round DESC LIMIT 1)
            FROM cases c WHERE c.case_number = \(caseNumber)
            """, logger: logger)
        for try await row in rows.decode((UUID, String, String, Date?, Date?, ByteBuffer, String, String?, String?, String?).self) {
            guard let status = CaseStatus(rawValue: row.1), let category = CategoryCode(rawValue: row.2) else { return nil }
            let progress = CaseProgress(
                caseNumber: caseNumber, status: status, category: policy.label(of: category), unitName: row.7,
                handlingDue: status.isOpen ? row.3 : nil, resultOutcome: status.isOpen ? nil : row.8, resolvedAt: row.4,
                rating: row.9.flatMap(CallbackRating.init))
            return ProgressRecord(caseID: row.0, progress: progress, callerSealed: Array(row.5.readableBytesView), callerKeyID: row.6)
        }
        return nil
    }
}
