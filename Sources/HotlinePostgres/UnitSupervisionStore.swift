import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Named queries for the daily review of units (巴林左旗 第十五条（七）rates, （八）late
/// knowledge uploads) and the supervisions it opens, updates and closes. A unit's
/// supervision keeps the figures that opened it in `supervisions.rates`: `UnitRateFigures`
/// for `low_rates`, `KnowledgeLateFigures` for `knowledge_late`.
public enum UnitSupervisionStore {
    /// Claims the review of `day`; false when another instance already did it, so
    /// each working day is reviewed exactly once.
    public static func claimReview(
        of day: CalendarDate, policyID: String, policyVersion: String, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO unit_reviews (review_day, policy_id, policy_version, reviewed_at)
            VALUES (\(day.description)::date, \(policyID), \(policyVersion), \(now))
            ON CONFLICT (review_day) DO NOTHING
            RETURNING true
            """, logger: logger)
        for try await _ in rows.decode(Bool.self) { return true }
        return false
    }

    public static func finishReview(
        of day: CalendarDate, unitsReviewed: Int, unitsBelow: Int, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE unit_reviews SET units_reviewed = \(Int32(unitsReviewed)), units_below = \(Int32(unitsBelow))
            WHERE review_day = \(day.description)::date
            """, logger: logger)
    }

    /// Each unit's sign and handling clocks due in the window. A sign clock counts
    /// unless cancelled (the order left the unit before it was due); a handling
    /// clock is overdue when announced, still open past its due instant, or met late.
    public static func rates(
        dueSince since: Date, until: Date, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> [UnitRates] {
        let rows = try await connection.query(
            """
            SELECT k.unit_id,
                   coalesce((SELECT a.unit_name FROM assignments a WHERE a.unit_id = k.unit_id LIMIT 1), k.unit_id),
                   count(*) FILTER (WHERE k.obligation = 'sign' AND k.state <> 'cancelled'),
                   count(*) FILTER (WHERE k.obligation = 'sign' AND k.state = 'met' AND k.met_at <= k.due_at),
                   count(*) FILTER (WHERE k.obligation = 'handling' AND (
                       k.overdue_at IS NOT NULL
                       OR (k.state = 'open' AND k.due_at < \(now))
                       OR (k.state = 'met' AND k.met_at > k.due_at)))
            FROM case_clocks k
            WHERE k.unit_id IS NOT NULL AND k.obligation IN ('sign', 'handling')
              AND k.due_at >= \(since) AND k.due_at <= \(until)
            GROUP BY k.unit_id
            ORDER BY k.unit_id
            """, logger: logger)
        var result: [UnitRates] = []
        for try await (unit, name, due, inTime, overdue) in rows.decode((String, String, Int64, Int64, Int64).self) {
            result.append(UnitRates(unitID: unit, unitName: name, ordersDue: Int(due), signedInTime: Int(inTime), overdueOrders: Int(overdue)))
        }
        return result
    }

    /// Units' open supervisions of a trigger, locked for this review.
    public static func open(trigger: String, on connection: PostgresConnection, logger: Logger) async throws -> [SupervisionRow] {
        try await SupervisionStore.rows(
            """
            SELECT s.id, s.public_id, s.case_id, NULL::text, s.policy_id, s.policy_version, s.trigger, s.article, s.unit_id,
                   coalesce((SELECT a.unit_name FROM assignments a WHERE a.unit_id = s.unit_id LIMIT 1), s.unit_id),
                   s.level, s.level_due_at, s.rates::text
            FROM supervisions s
            WHERE s.case_id IS NULL AND s.closed_at IS NULL AND s.trigger = \(trigger)
            ORDER BY s.unit_id
            FOR UPDATE OF s
            """, on: connection, logger: logger)
    }

    /// Opens a unit's supervision; nil when one of the same trigger is already open.
    public static func open(
        unitID: String, trigger: String, article: String, policyID: String, policyVersion: String, level: Int,
        levelCode: String, levelDueAt: Date?, figures: some Encodable, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> UUID? {
        let publicID = UUID()
        let figures = try json(figures)
        let rows = try await connection.query(
            """
            INSERT INTO supervisions (public_id, case_id, trigger, article, unit_id, level, level_code, opened_at, level_due_at,
                                      policy_id, policy_version, rates)
            VALUES (\(publicID), NULL, \(trigger), \(article), \(unitID), \(Int32(level)), \(levelCode), \(now), \(levelDueAt),
                    \(policyID), \(policyVersion), \(figures)::jsonb)
            ON CONFLICT (unit_id, trigger) WHERE case_id IS NULL AND closed_at IS NULL DO NOTHING
            RETURNING public_id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// Keeps the latest figures on a supervision still below the thresholds.
    public static func update(id: Int64, figures: some Encodable, on connection: PostgresConnection, logger: Logger) async throws {
        let figures = try json(figures)
        try await connection.query("UPDATE supervisions SET rates = \(figures)::jsonb WHERE id = \(id)", logger: logger)
    }

    /// Closes a unit's supervision with the figures that closed it.
    public static func close(
        id: Int64, reason: String, figures: some Encodable, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let figures = try json(figures)
        try await connection.query(
            """
            UPDATE supervisions SET closed_at = \(now), close_reason = \(reason), level_due_at = NULL, rates = \(figures)::jsonb
            WHERE id = \(id)
            """, logger: logger)
    }

    /// A unit's name as its orders name it; its id when it never had one.
    public static func unitName(_ unitID: String, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query(
            "SELECT unit_name FROM assignments WHERE unit_id = \(unitID) ORDER BY id DESC LIMIT 1", logger: logger)
        for try await name in rows.decode(String.self) { return name }
        return unitID
    }

    private static func json(_ figures: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)
    }
}
