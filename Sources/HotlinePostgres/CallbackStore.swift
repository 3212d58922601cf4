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
    public var sealed: SealedCase

    public init(caseNumber: String, policyID: String, policyVersion: String, round: Int, leadUnitID: String?, confidential: Bool, sealed: SealedCase) {
        self.caseNumber = caseNumber
        self.policyID = policyID
        self.policyVersion = policyVersion
        self.round = round
        self.leadUnitID = leadUnitID
        self.confidential = confidential
        self.sealed = sealed
    }
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
    /// The case's data key, which a citizen's comment on the task is sealed under; nil for a
    /// case from before migration 0030.
    public var caseDataKey: WrappedDataKey? = nil
}

/// A callback task as a batch issues it.
public struct NewCallbackTask: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var round: Int
    public var unitID: String?
    public var plan: CallbackTaskPlan
    public var issuedAt: Date

    public init(id: UUID, caseID: UUID, round: Int, unitID: String?, plan: CallbackTaskPlan, issuedAt: Date) {
        self.id = id
        self.caseID = caseID
        self.round = round
        self.unitID = unitID
        self.plan = plan
        self.issuedAt = issuedAt
    }
}

/// What a batch changed of an open task: a call nobody answered, or its end (`rated`, or
/// `followed_up` by a manual callback), and the unit's window to appeal its rating.
public struct CallbackTaskChange: Sendable, Equatable {
    public var id: UUID
    public var unansweredCalls = 0
    public var state: String?
    public var rating: CallbackRating?
    public var resolved: Bool?
    public var source: RatingSource?
    public var calledBy: String?
    public var calledAt: Date?
    public var comment: [UInt8]?
    public var commentKeyID: String?
    public var closedAt: Date?
    public var appealBy: Date?

    public init(id: UUID) {
        self.id = id
    }
}

/// One attempt of one round of a case: a task is issued once per slot.
public struct CallbackSlot: Sendable, Hashable {
    public var caseID: UUID
    public var round: Int
    public var attempt: Int

    public init(caseID: UUID, round: Int, attempt: Int) {
        self.caseID = caseID
        self.round = round
        self.attempt = attempt
    }
}

/// Named queries over `callback_tasks`.
public enum CallbackStore {
    /// What calling back needs of these cases: number, policy version, round, lead unit, caller.
    public static func subjects(of caseIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: CallbackSubject] {
        guard !caseIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT c.id, c.case_number, c.policy_id, c.policy_version, c.round,
                   (SELECT a.unit_id FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead'),
                   c.confidential, \(unescaped: SealedCase.columns)
            FROM cases c WHERE c.id = ANY(\(caseIDs))
            """, logger: logger)
        var subjects: [UUID: CallbackSubject] = [:]
        for try await stored in rows {
            let row = try stored.decode((UUID, String, String, String, Int32, String?, Bool).self)
            subjects[row.0] = CallbackSubject(
                caseNumber: row.1, policyID: row.2, policyVersion: row.3, round: Int(row.4), leadUnitID: row.5,
                confidential: row.6, sealed: try SealedCase.decode(stored))
        }
        return subjects
    }

    /// The tasks already issued for these cases (a redelivered resolution issues none again).
    public static func slots(of caseIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> Set<CallbackSlot> {
        guard !caseIDs.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT case_id, round, attempt FROM callback_tasks WHERE case_id = ANY(\(caseIDs))", logger: logger)
        var slots: Set<CallbackSlot> = []
        for try await (caseID, round, attempt) in rows.decode((UUID, Int32, Int32).self) {
            slots.insert(CallbackSlot(caseID: caseID, round: Int(round), attempt: Int(attempt)))
        }
        return slots
    }

    /// The tasks with these ids, locked for the results being applied to them (`NO KEY
    /// UPDATE`: a rating appeal dispatch files on a task meanwhile only checks that it exists).
    public static func lock(_ ids: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: CallbackTaskRow] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await tasks(
            """
            SELECT t.id, t.case_id, c.case_number, c.policy_id, c.policy_version, t.round, t.unit_id, t.state, t.attempt, t.channel,
                   t.performer_unit_id, c.data_key_sealed, c.data_key_id
            FROM callback_tasks t JOIN cases c ON c.id = t.case_id
            WHERE t.id = ANY(\(ids))
            ORDER BY t.id
            FOR NO KEY UPDATE OF t
            """, on: connection, logger: logger)
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Which of these cases the centre has sent back after a 不满意 (发回重办) before.
    public static func reopened(_ caseIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> Set<UUID> {
        guard !caseIDs.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT DISTINCT case_id FROM case_history WHERE case_id = ANY(\(caseIDs)) AND action = 'reopen'", logger: logger)
        var reopened: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { reopened.insert(id) }
        return reopened
    }

    /// Records a batch's new tasks in one statement.
    public static func issueAll(_ tasks: [NewCallbackTask], on connection: PostgresConnection, logger: Logger) async throws {
        guard !tasks.isEmpty else { return }
        let plans = tasks.map(\.plan)
        try await connection.query(
            """
            INSERT INTO callback_tasks (id, case_id, round, unit_id, attempt, channel, performer_unit_id, issued_at, due_at, answer_by)
            SELECT * FROM unnest(
                \(tasks.map(\.id))::uuid[], \(tasks.map(\.caseID))::uuid[], \(tasks.map { Int32($0.round) })::int4[],
                \(NullableArray(tasks.map(\.unitID)))::text[], \(plans.map { Int32($0.attempt) })::int4[], \(plans.map(\.channel.rawValue))::text[],
                \(NullableArray(plans.map(\.performerUnitID)))::text[], \(tasks.map(\.issuedAt))::timestamptz[],
                \(plans.map(\.dueAt))::timestamptz[], \(NullableArray(plans.map(\.answerBy)))::timestamptz[])
            """, logger: logger)
    }

    /// Writes what a batch changed of its tasks, in one statement.
    public static func changeAll(_ changes: [CallbackTaskChange], on connection: PostgresConnection, logger: Logger) async throws {
        guard !changes.isEmpty else { return }
        try await connection.query(
            """
            UPDATE callback_tasks t
            SET unanswered_calls = t.unanswered_calls + c.unanswered, state = coalesce(c.state, t.state),
                rating = coalesce(c.rating, t.rating), resolved = coalesce(c.resolved, t.resolved),
                rating_source = coalesce(c.source, t.rating_source), called_by = coalesce(c.called_by, t.called_by),
                called_at = coalesce(c.called_at, t.called_at), comment_sealed = coalesce(c.comment, t.comment_sealed),
                comment_key_id = coalesce(c.comment_key_id, t.comment_key_id), closed_at = coalesce(c.closed_at, t.closed_at),
                appeal_by = coalesce(c.appeal_by, t.appeal_by)
            FROM unnest(
                \(changes.map(\.id))::uuid[], \(changes.map { Int32($0.unansweredCalls) })::int4[], \(NullableArray(changes.map(\.state)))::text[],
                \(NullableArray(changes.map(\.rating?.rawValue)))::text[], \(NullableArray(changes.map(\.resolved)))::bool[],
                \(NullableArray(changes.map(\.source?.rawValue)))::text[], \(NullableArray(changes.map(\.calledBy)))::text[],
                \(NullableArray(changes.map(\.calledAt)))::timestamptz[], \(NullableArray(bytes: changes.map(\.comment)))::bytea[],
                \(NullableArray(changes.map(\.commentKeyID)))::text[], \(NullableArray(changes.map(\.closedAt)))::timestamptz[],
                \(NullableArray(changes.map(\.appealBy)))::timestamptz[])
                AS c(id, unanswered, state, rating, resolved, source, called_by, called_at, comment, comment_key_id, closed_at, appeal_by)
            WHERE t.id = c.id
            """, logger: logger)
    }

    /// Open automatic tasks whose answer window has passed, claimed so two instances never expire the same one;
    /// one set aside until later (`setAsideForCalendar`) is left out until then.
    public static func claimExpired(now: Date, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [CallbackTaskRow] {
        try await tasks(
            """
            SELECT t.id, t.case_id, c.case_number, c.policy_id, c.policy_version, t.round, t.unit_id, t.state, t.attempt, t.channel,
                   t.performer_unit_id, c.data_key_sealed, c.data_key_id
            FROM callback_tasks t JOIN cases c ON c.id = t.case_id
            WHERE t.state = 'open' AND t.answer_by IS NOT NULL AND t.answer_by <= \(now)
              AND (t.calendar_retry_at IS NULL OR t.calendar_retry_at <= \(now))
            ORDER BY t.answer_by
            LIMIT \(Int32(limit))
            FOR UPDATE OF t SKIP LOCKED
            """, on: connection, logger: logger)
    }

    /// When the next open automatic task's answer window closes (nil: none is open), through
    /// the index the expiry reads: the expiry sweep's look before it opens a transaction. One
    /// set aside for the calendar counts as due; the sweep then expires nothing and waits its interval.
    public static func nextExpiryAt(client: PostgresClient, logger: Logger) async throws -> Date? {
        let rows = try await client.query(
            "SELECT min(answer_by) FROM callback_tasks WHERE state = 'open' AND answer_by IS NOT NULL", logger: logger)
        for try await value in rows.decode(Date?.self) { return value }
        return nil
    }

    /// Leaves tasks out of the expiry sweep until `retryAt`: the working-day calendar
    /// cannot count their follow-up yet (migration 0017).
    public static func setAsideForCalendar(_ ids: [UUID], until retryAt: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query(
            "UPDATE callback_tasks SET calendar_retry_at = \(retryAt) WHERE id = ANY(\(ids))", logger: logger)
    }

    private static func tasks(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [CallbackTaskRow] {
        var result: [CallbackTaskRow] = []
        let rows = try await connection.query(query, logger: logger)
        for try await row in rows.decode((UUID, UUID, String, String, String, Int32, String?, String, Int32, String, String?, ByteBuffer?, String?).self) {
            guard let channel = CallbackChannel(rawValue: row.9) else { continue }
            result.append(CallbackTaskRow(
                id: row.0, caseID: row.1, caseNumber: row.2, policyID: row.3, policyVersion: row.4, round: Int(row.5), unitID: row.6,
                state: row.7, task: OpenCallbackTask(attempt: Int(row.8), channel: channel, performerUnitID: row.10),
                caseDataKey: row.11.flatMap { wrapped in row.12.map { WrappedDataKey(wrapped: Array(wrapped.readableBytesView), keyID: $0) } }))
        }
        return result
    }
}
