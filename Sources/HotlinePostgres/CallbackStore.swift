import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// What the callbacks worker needs of a resolved case to call the citizen back.
public struct CallbackSubject: Sendable {
    public var caseNumber: String
    public var policyID: String
    public var policyVersion: String
    public var round: Int
    public var leadUnitID: String?
    public var confidential: Bool
    public var callerSealed: [UInt8]
    public var callerKeyID: String
}

/// An open callback task, locked for the result or expiry being applied to it.
public struct CallbackTaskRow: Sendable {
    public var id: UUID
    public var caseID: UUID
    public var caseNumber: String
    public var policyID: String
    public var policyVersion: String
    public var round: Int
    public var unitID: String?
    public var state: String
    public var task: OpenCallbackTask
}

/// Named queries over `callback_tasks`.
public enum CallbackStore {
    public static func subject(of caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CallbackSubject? {
        let rows = try await connection.query(
            """
            SELECT c.case_number, c.policy_id, c.policy_version, c.round,
                   (SELECT a.unit_id FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead'),
                   c.confidential, c.caller_sealed, c.caller_key_id
            FROM cases c WHERE c.id = \(caseID)
            """, logger: logger)
        for try await row in rows.decode((String, String, String, Int32, String?, Bool, ByteBuffer, String).self) {
            return CallbackSubject(
                caseNumber: row.0, policyID: row.1, policyVersion: row.2, round: Int(row.3), leadUnitID: row.4,
                confidential: row.5, callerSealed: Array(row.6.readableBytesView), callerKeyID: row.7)
        }
        return nil
    }

    /// Records a task; false when the attempt of that round was already issued.
    public static func issue(
        id: UUID, caseID: UUID, round: Int, unitID: String?, plan: CallbackTaskPlan, at now: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO callback_tasks (id, case_id, round, unit_id, attempt, channel, performer_unit_id, issued_at, due_at, answer_by)
            VALUES (\(id), \(caseID), \(Int32(round)), \(unitID), \(Int32(plan.attempt)), \(plan.channel.rawValue), \(plan.performerUnitID),
                    \(now), \(plan.dueAt), \(plan.answerBy))
            ON CONFLICT (case_id, round, attempt) DO NOTHING
            RETURNING true
            """, logger: logger)
        for try await _ in rows.decode(Bool.self) { return true }
        return false
    }

    /// A task by id, locked; nil when there is none.
    public static func locked(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CallbackTaskRow? {
        try await tasks(
            """
            SELECT t.id, t.case_id, c.case_number, c.policy_id, c.policy_version, t.round, t.unit_id, t.state, t.attempt, t.channel,
                   t.performer_unit_id
            FROM callback_tasks t JOIN cases c ON c.id = t.case_id
            WHERE t.id = \(id)
            FOR UPDATE OF t
            """, on: connection, logger: logger).first
    }

    /// Open automatic tasks whose answer window has passed, claimed so two instances never expire the same one;
    /// one set aside until later (`setAsideForCalendar`) is left out until then.
    public static func claimExpired(now: Date, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [CallbackTaskRow] {
        try await tasks(
            """
            SELECT t.id, t.case_id, c.case_number, c.policy_id, c.policy_version, t.round, t.unit_id, t.state, t.attempt, t.channel,
                   t.performer_unit_id
            FROM callback_tasks t JOIN cases c ON c.id = t.case_id
            WHERE t.state = 'open' AND t.answer_by IS NOT NULL AND t.answer_by <= \(now)
              AND (t.calendar_retry_at IS NULL OR t.calendar_retry_at <= \(now))
            ORDER BY t.answer_by
            LIMIT \(Int32(limit))
            FOR UPDATE OF t SKIP LOCKED
            """, on: connection, logger: logger)
    }

    /// Leaves a task out of the expiry sweep until `retryAt`: the working-day calendar
    /// cannot count its follow-up yet (migration 0017).
    public static func setAsideForCalendar(_ id: UUID, until retryAt: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE callback_tasks SET calendar_retry_at = \(retryAt) WHERE id = \(id)", logger: logger)
    }

    /// True when the centre has sent the case back after a 不满意 (发回重办) before.
    public static func wasReopened(_ caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM case_history WHERE case_id = \(caseID) AND action = 'reopen')", logger: logger)
        for try await reopened in rows.decode(Bool.self) { return reopened }
        return false
    }

    /// Counts a call nobody answered; the task stays open.
    public static func recordUnanswered(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE callback_tasks SET unanswered_calls = unanswered_calls + 1 WHERE id = \(id)", logger: logger)
    }

    /// Ends a task: `rated` (the round's final rating) or `followed_up` (a manual callback follows).
    public static func close(
        _ id: UUID, state: String, rating: CallbackRating?, resolved: Bool?, source: RatingSource?, calledBy: String?,
        calledAt: Date?, comment: (sealed: [UInt8], keyID: String)?, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE callback_tasks
            SET state = \(state), rating = \(rating?.rawValue), resolved = \(resolved), rating_source = \(source?.rawValue),
                called_by = \(calledBy), called_at = \(calledAt), comment_sealed = \(comment.map { ByteBuffer(bytes: $0.sealed) }),
                comment_key_id = \(comment?.keyID), closed_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
    }

    private static func tasks(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [CallbackTaskRow] {
        var result: [CallbackTaskRow] = []
        let rows = try await connection.query(query, logger: logger)
        for try await row in rows.decode((UUID, UUID, String, String, String, Int32, String?, String, Int32, String, String?).self) {
            guard let channel = CallbackChannel(rawValue: row.9) else { continue }
            result.append(CallbackTaskRow(
                id: row.0, caseID: row.1, caseNumber: row.2, policyID: row.3, policyVersion: row.4, round: Int(row.5), unitID: row.6,
                state: row.7, task: OpenCallbackTask(attempt: Int(row.8), channel: channel, performerUnitID: row.10)))
        }
        return result
    }
}
