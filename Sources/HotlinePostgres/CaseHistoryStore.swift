import Foundation
import Logging
import PostgresNIO

/// The append-only case history (a trigger refuses updates and deletes).
public enum CaseHistoryStore {
    public static func append(
        caseID: UUID, at: Date, actor: String, action: String, detailJSON: String, eventID: String?,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO case_history (case_id, at, actor, action, detail, event_id)
            VALUES (\(caseID), \(at), \(actor), \(action), \(detailJSON)::jsonb, \(eventID))
            """, logger: logger)
    }
}
