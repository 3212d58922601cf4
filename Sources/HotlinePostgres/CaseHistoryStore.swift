import Foundation
import Logging
import PostgresNIO

/// One row of a case's history.
public struct HistoryEntry: Sendable, Equatable {
    public var caseID: UUID
    public var at: Date
    public var actor: String
    public var action: String
    public var detailJSON: String
    public var eventID: String?

    public init(caseID: UUID, at: Date, actor: String, action: String, detailJSON: String, eventID: String?) {
        self.caseID = caseID
        self.at = at
        self.actor = actor
        self.action = action
        self.detailJSON = detailJSON
        self.eventID = eventID
    }
}

/// The append-only case history (a trigger refuses updates and deletes; another chains each
/// row to the case's previous one, migration 0026).
public enum CaseHistoryStore {
    public static func append(
        caseID: UUID, at: Date, actor: String, action: String, detailJSON: String, eventID: String?,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await appendAll(
            [HistoryEntry(caseID: caseID, at: at, actor: actor, action: action, detailJSON: detailJSON, eventID: eventID)],
            on: connection, logger: logger)
    }

    /// A batch's history rows in one statement, each case's in the order given. The rows go
    /// in case by case (case id order): the chaining trigger (migration 0026) locks each
    /// case's head as it reaches it, so two batches lock their shared cases in one order and
    /// never deadlock.
    public static func appendAll(_ entries: [HistoryEntry], on connection: PostgresConnection, logger: Logger) async throws {
        guard !entries.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO case_history (case_id, at, actor, action, detail, event_id)
            SELECT case_id, at, actor, action, detail::jsonb, event_id
            FROM unnest(\(entries.map(\.caseID))::uuid[], \(entries.map(\.at))::timestamptz[], \(entries.map(\.actor))::text[],
                        \(entries.map(\.action))::text[], \(entries.map(\.detailJSON))::text[], \(NullableArray(entries.map(\.eventID)))::text[])
                 WITH ORDINALITY AS h(case_id, at, actor, action, detail, event_id, position)
            ORDER BY case_id, position
            """, logger: logger)
    }
}
