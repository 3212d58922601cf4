import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Named queries over `rating_appeals` and the rated rounds they contest (长沙 第二十七条).
public enum RatingAppealStore {
    /// The final rating of `round`, or of the case's latest rated round when nil.
    public static func ratedRound(of caseID: UUID, round: Int?, on connection: PostgresConnection, logger: Logger) async throws -> RatedRound? {
        let rows = try await connection.query(
            """
            SELECT id, round, unit_id, rating, closed_at FROM callback_tasks
            WHERE case_id = \(caseID) AND state = 'rated' AND (\(round.map(Int32.init))::integer IS NULL OR round = \(round.map(Int32.init))::integer)
            ORDER BY round DESC LIMIT 1
            """, logger: logger)
        for try await (id, round, unit, rating, ratedAt) in rows.decode((UUID, Int32, String?, String, Date).self) {
            guard let rating = CallbackRating(rawValue: rating) else { return nil }
            return RatedRound(taskID: id, round: Int(round), unitID: unit, rating: rating, ratedAt: ratedAt)
        }
        return nil
    }

    /// Records when the unit's window to appeal the task's rating closes; the archive waits for it.
    public static func openWindow(onTask taskID: UUID, until closes: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE callback_tasks SET appeal_by = \(closes) WHERE id = \(taskID)", logger: logger)
    }

    /// The appeal on a rated task, locked for the decision being applied to it.
    public static func lockedAppeal(onTask taskID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> RatingAppealRecord? {
        let rows = try await connection.query(
            "SELECT id, ground, state FROM rating_appeals WHERE task_id = \(taskID) FOR UPDATE", logger: logger)
        for try await (id, ground, state) in rows.decode((UUID, String, String).self) {
            guard let state = RatingAppealState(rawValue: state) else { return nil }
            return RatingAppealRecord(id: id, ground: ground, state: state)
        }
        return nil
    }

    public static func file(
        id: UUID, caseID: UUID, rated: RatedRound, notice: RatingAppealNotice, statement: String, evidenceJSON: String, filedBy: String,
        at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO rating_appeals (id, task_id, case_id, round, unit_id, ground, statement, evidence, filed_at, filed_by, appeal_by)
            VALUES (\(id), \(rated.taskID), \(caseID), \(Int32(rated.round)), \(notice.unitID), \(notice.ground.code), \(statement),
                    \(evidenceJSON)::jsonb, \(now), \(filedBy), \(notice.appealBy ?? now))
            """, logger: logger)
    }

    public static func decide(
        _ id: UUID, state: RatingAppealState, assessedRating: AssessedRating?, reason: String, decidedBy: String, at now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE rating_appeals SET state = \(state.rawValue), assessed_rating = \(assessedRating?.rawValue), decided_at = \(now),
                   decided_by = \(decidedBy), decision_reason = \(reason)
            WHERE id = \(id) AND state = 'pending'
            """, logger: logger)
    }
}
