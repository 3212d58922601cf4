import Foundation
import Logging
import PostgresNIO

/// A case's whole record as one JSON object, in one place for the archive (归档) and for
/// the centre's `hotline case show`: the case row without what is sealed (caller, subject
/// and content, the case's wrapped data key and reply key), its assignments, clocks, history as stored
/// (what units and staff wrote in it sealed under the case's data key, migration 0035),
/// callbacks (without their sealed comments), rating appeals and supervisions. Shredding the
/// case's key erases the history's sealed texts in the archive too. SQL over a case row aliased `c`.
enum CaseRecordSQL {
    static let record = """
        jsonb_build_object(
            'case', to_jsonb(c) - 'caller_sealed' - 'caller_key_id' - 'caller_phone_index' - 'data_key_sealed' - 'data_key_id'
                    - 'appeal_sealed' - 'lookup_key_sealed',
            'assignments', (SELECT coalesce(jsonb_agg(to_jsonb(a) - 'case_id' ORDER BY a.id), '[]') FROM assignments a WHERE a.case_id = c.id),
            'clocks', (SELECT coalesce(jsonb_agg(to_jsonb(k) - 'case_id' ORDER BY k.id), '[]') FROM case_clocks k WHERE k.case_id = c.id),
            'history', (SELECT coalesce(jsonb_agg(to_jsonb(h) - 'case_id' ORDER BY h.id), '[]') FROM case_history h WHERE h.case_id = c.id),
            'callbacks', (SELECT coalesce(jsonb_agg(to_jsonb(t) - 'case_id' - 'comment_sealed' - 'comment_key_id'
                                                    ORDER BY t.round, t.attempt), '[]')
                          FROM callback_tasks t WHERE t.case_id = c.id),
            'rating_appeals', (SELECT coalesce(jsonb_agg(to_jsonb(r) - 'case_id' ORDER BY r.filed_at), '[]') FROM rating_appeals r WHERE r.case_id = c.id),
            'supervisions', (SELECT coalesce(jsonb_agg(to_jsonb(s) - 'case_id' ORDER BY s.id), '[]') FROM supervisions s WHERE s.case_id = c.id))
        """
}

/// A live case's record as the centre's staff read it, with what is sealed at rest beside
/// it for the command to open with the centre's data keys.
public struct CaseRecord: Sendable {
    public var caseID: UUID
    /// The record as JSON text (`CaseRecordSQL.record`).
    public var recordJSON: String
    public var sealed: SealedCase
    /// Callback comments sealed at rest, by callback task id.
    public var comments: [(taskID: UUID, sealed: [UInt8], keyID: String)]
}

public enum CaseRecordStore {
    /// The case with this number, whatever its status; nil when there is none.
    public static func record(caseNumber: String, client: PostgresClient, logger: Logger) async throws -> CaseRecord? {
        var found: CaseRecord?
        for try await row in try await client.query(
            """
            SELECT \(unescaped: CaseRecordSQL.record)::text, \(unescaped: SealedCase.columns)
            FROM cases c WHERE c.case_number = \(caseNumber)
            """, logger: logger
        ) {
            let sealed = try SealedCase.decode(row)
            found = CaseRecord(caseID: sealed.caseID, recordJSON: try row.decode(String.self), sealed: sealed, comments: [])
        }
        guard var record = found else { return nil }
        for try await (taskID, sealed, keyID) in try await client.query(
            """
            SELECT id, comment_sealed, comment_key_id FROM callback_tasks
            WHERE case_id = \(record.caseID) AND comment_sealed IS NOT NULL ORDER BY round, attempt
            """, logger: logger
        ).decode((UUID, ByteBuffer, String).self) {
            record.comments.append((taskID, Array(sealed.readableBytesView), keyID))
        }
        return record
    }
}
