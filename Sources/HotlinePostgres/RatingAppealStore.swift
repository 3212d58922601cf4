import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Named queries over `rating_appeals` and the rated rounds they contest (长沙 第二十七条).
public enum RatingAppealStore {
    /// The rated rounds of these cases, the latest first.
    public static func ratedRounds(of caseIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: [RatedRound]] {
        guard !caseIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT case_id, id, round, unit_id, rating, closed_at FROM callback_tasks
            WHERE case_id = ANY(\(caseIDs)) AND state = 'rated'
            ORDER BY case_id, round DESC
            """, logger: logger)
        var rounds: [UUID: [RatedRound]] = [:]
        for try await (caseID, id, round, unit, rating, ratedAt) in rows.decode((UUID, UUID, Int32, String?, String, Date).self) {
            guard let rating = CallbackRating(rawValue: rating) else { continue }
            rounds[caseID, default: []].append(RatedRound(taskID: id, round: Int(round), unitID: unit, rating: rating, ratedAt: ratedAt))
        }
        return rounds
    }

    /// The appeals on these rated tasks, locked for the decisions being applied to them.
    public static func lockedAppeals(onTasks taskIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: RatingAppealRecord] {
        guard !taskIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            "SELECT task_id, id, ground, state FROM rating_appeals WHERE task_id = ANY(\(taskIDs)) ORDER BY id FOR UPDATE", logger: logger)
        var appeals: [UUID: RatingAppealRecord] = [:]
        for try await (taskID, id, ground, state) in rows.decode((UUID, UUID, String, String).self) {
            guard let state = RatingAppealState(rawValue: state) else { continue }
            appeals[taskID] = RatingAppealRecord(id: id, ground: ground, state: state)
        }
        return appeals
    }

    /// Records when the unit's window to appeal the task's rating closes; the archive waits for it.
    public static func openWindow(onTask taskID: UUID, until closes: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE callback_tasks SET appeal_by = \(closes) WHERE id = \(taskID)", logger: logger)
    }

    /// The appeals a batch filed, in one statement.
    public static func fileAll(_ filed: [FiledRatingAppeal], on connection: PostgresConnection, logger: Logger) async throws {
        guard !filed.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO rating_appeals (id, task_id, case_id, round, unit_id, ground, evidence, filed_at, filed_by, appeal_by)
            SELECT id, task_id, case_id, round, unit_id, ground, evidence::jsonb, filed_at, filed_by, appeal_by
            FROM unnest(
                \(filed.map(\.id))::uuid[], \(filed.map(\.rated.taskID))::uuid[], \(filed.map(\.caseID))::uuid[],
                \(filed.map { Int32($0.rated.round) })::int4[], \(filed.map(\.notice.unitID))::text[], \(filed.map(\.notice.ground.code))::text[],
                \(filed.map(\.evidenceJSON))::text[], \(filed.map(\.at))::timestamptz[],
                \(filed.map(\.filedBy))::text[], \(filed.map { $0.notice.appealBy ?? $0.at })::timestamptz[])
                AS a(id, task_id, case_id, round, unit_id, ground, evidence, filed_at, filed_by, appeal_by)
            """, logger: logger)
    }

    /// The centre's decisions on pending appeals, in one statement.
    public static func decideAll(_ decisions: [RatingAppealDecision], on connection: PostgresConnection, logger: Logger) async throws {
        guard !decisions.isEmpty else { return }
        try await connection.query(
            """
            UPDATE rating_appeals a SET state = d.state, assessed_rating = d.assessed, decided_at = d.at, decided_by = d.by
            FROM unnest(\(decisions.map(\.id))::uuid[], \(decisions.map(\.state.rawValue))::text[],
                        \(NullableArray(decisions.map(\.assessedRating?.rawValue)))::text[], \(decisions.map(\.at))::timestamptz[],
                        \(decisions.map(\.decidedBy))::text[])
                 AS d(id, state, assessed, at, by)
            WHERE a.id = d.id AND a.state = 'pending'
            """, logger: logger)
    }
}

/// A rating appeal as a unit files it. Its statement is kept only in the history row that
/// filed it, sealed there under the case's data key (migration 0035).
public struct FiledRatingAppeal: Sendable {
    public var id: UUID
    public var caseID: UUID
    public var rated: RatedRound
    public var notice: RatingAppealNotice
    public var evidenceJSON: String
    public var filedBy: String
    public var at: Date

    public init(
        id: UUID, caseID: UUID, rated: RatedRound, notice: RatingAppealNotice, evidenceJSON: String, filedBy: String, at: Date
    ) {
        self.id = id
        self.caseID = caseID
        self.rated = rated
        self.notice = notice
        self.evidenceJSON = evidenceJSON
        self.filedBy = filedBy
        self.at = at
    }
}

/// The centre's decision on a pending appeal; its reason is kept, sealed, in the history row
/// that records the decision (migration 0035).
public struct RatingAppealDecision: Sendable {
    public var id: UUID
    public var state: RatingAppealState
    public var assessedRating: AssessedRating?
    public var decidedBy: String
    public var at: Date

    public init(id: UUID, state: RatingAppealState, assessedRating: AssessedRating?, decidedBy: String, at: Date) {
        self.id = id
        self.state = state
        self.assessedRating = assessedRating
        self.decidedBy = decidedBy
        self.at = at
    }
}
