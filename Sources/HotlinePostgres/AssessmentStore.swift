import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Named queries that count each unit's recorded work in a period (docs/ASSESSMENT.md):
/// only timestamps kept in the history tables are read, so any past period gives the
/// same figures again.
public enum AssessmentStore {
    /// A round whose rating appeal was upheld counts with the rating the centre named
    /// (长沙 第二十七条), and leaves 满意率 and 解决率 when that is `not_counted`.
    /// A clock of the running period that is still open counts as overdue only once its
    /// due instant has passed by `asOf` (the workers' clock, simulated or not), not merely
    /// because it falls in the period.
    /// Knowledge upkeep is `KnowledgeStore.upkeep` over the same period, entries overdue on `lastDay`.
    public static func figures(
        since: Date, until: Date, lastDay: CalendarDate, asOf: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> [UnitFigures] {
        var units: [String: UnitFigures] = [:]
        func update(_ unit: String, _ change: (inout UnitFigures) -> Void) {
            var figures = units[unit] ?? UnitFigures(unitID: unit, unitName: unit)
            change(&figures)
            units[unit] = figures
        }
        func counts(_ query: PostgresQuery, _ apply: @escaping (inout UnitFigures, Int) -> Void) async throws {
            for try await (unit, count) in try await connection.query(query, logger: logger).decode((String, Int64).self) {
                update(unit) { apply(&$0, Int(count)) }
            }
        }
        try await counts(
            """
            SELECT unit_id, count(*) FROM assignments
            WHERE role = 'lead' AND assigned_at BETWEEN \(since) AND \(until) GROUP BY unit_id
            """) { $0.ordersReceived = $1 }
        try await counts(
            """
            SELECT detail->>'returned_by', count(*) FROM case_history
            WHERE detail ? 'returned_by' AND detail->>'returned_by' <> '' AND at BETWEEN \(since) AND \(until) GROUP BY 1
            """) { $0.returned = $1 }
        try await counts(
            """
            SELECT detail->>'unit_id', count(*) FROM case_history
            WHERE action = 'extended' AND detail ? 'unit_id' AND at BETWEEN \(since) AND \(until) GROUP BY 1
            """) { $0.extended = $1 }
        let clocks = try await connection.query(
            """
            SELECT unit_id,
                   count(*) FILTER (WHERE obligation = 'sign'),
                   count(*) FILTER (WHERE obligation = 'sign' AND state = 'met' AND met_at <= due_at),
                   count(*) FILTER (WHERE obligation = 'handling'),
                   count(*) FILTER (WHERE obligation = 'handling' AND state = 'met' AND met_at <= due_at),
                   count(*) FILTER (WHERE obligation = 'handling' AND (overdue_at IS NOT NULL OR (state = 'met' AND met_at > due_at)
                                                                      OR (state = 'open' AND due_at < least(\(until), \(asOf))))),
                   count(*) FILTER (WHERE obligation = 'handling' AND state = 'open' AND due_at < least(\(until), \(asOf)))
            FROM case_clocks
            WHERE unit_id IS NOT NULL AND obligation IN ('sign', 'handling') AND state <> 'cancelled'
              AND due_at BETWEEN \(since) AND \(until)
            GROUP BY unit_id
            """, logger: logger)
        for try await row in clocks.decode((String, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            update(row.0) {
                ($0.signDue, $0.signedOnTime) = (Int(row.1), Int(row.2))
                ($0.handlingDue, $0.finishedOnTime, $0.overdue, $0.stillOverdue) = (Int(row.3), Int(row.4), Int(row.5), Int(row.6))
            }
        }
        let ratings = try await connection.query(
            """
            SELECT t.unit_id,
                   count(*) FILTER (WHERE coalesce(a.assessed_rating, t.rating) = 'satisfied'),
                   count(*) FILTER (WHERE coalesce(a.assessed_rating, t.rating) = 'basically_satisfied'),
                   count(*) FILTER (WHERE coalesce(a.assessed_rating, t.rating) = 'dissatisfied'),
                   count(*) FILTER (WHERE t.resolved IS NOT NULL AND a.assessed_rating IS DISTINCT FROM 'not_counted'),
                   count(*) FILTER (WHERE t.resolved AND a.assessed_rating IS DISTINCT FROM 'not_counted')
            FROM callback_tasks t
            LEFT JOIN rating_appeals a ON a.task_id = t.id AND a.state = 'upheld'
            WHERE t.state = 'rated' AND t.unit_id IS NOT NULL AND t.closed_at BETWEEN \(since) AND \(until)
            GROUP BY t.unit_id
            """, logger: logger)
        for try await row in ratings.decode((String, Int64, Int64, Int64, Int64, Int64).self) {
            update(row.0) {
                ($0.satisfied, $0.basicallySatisfied, $0.dissatisfied) = (Int(row.1), Int(row.2), Int(row.3))
                ($0.resolvedAnswers, $0.resolvedYes) = (Int(row.4), Int(row.5))
            }
        }
        let callbacks = try await connection.query(
            """
            SELECT t.unit_id, count(*),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM callback_tasks r
                                                  WHERE r.case_id = t.case_id AND r.round = t.round AND r.state = 'rated'))
            FROM callback_tasks t
            WHERE t.attempt = 1 AND t.unit_id IS NOT NULL AND t.issued_at BETWEEN \(since) AND \(until)
            GROUP BY t.unit_id
            """, logger: logger)
        for try await (unit, issued, rated) in callbacks.decode((String, Int64, Int64).self) {
            update(unit) { ($0.callbacksIssued, $0.callbacksRated) = (Int(issued), Int(rated)) }
        }
        try await counts(
            """
            SELECT unit_id, count(*) FROM rating_appeals
            WHERE state = 'upheld' AND decided_at BETWEEN \(since) AND \(until) GROUP BY unit_id
            """) { $0.appealsUpheld = $1 }
        let supervisions = try await connection.query(
            """
            SELECT unit_id, level, count(*) FROM supervisions
            WHERE unit_id IS NOT NULL AND opened_at BETWEEN \(since) AND \(until) GROUP BY unit_id, level ORDER BY unit_id, level
            """, logger: logger)
        for try await (unit, level, count) in supervisions.decode((String, Int32, Int64).self) {
            update(unit) {
                $0.supervisions += Int(count)
                $0.highestLevel = max($0.highestLevel, Int(level))
                $0.supervisionsByLevel.append(SupervisionLevelCount(level: Int(level), count: Int(count)))
            }
        }
        for upkeep in try await KnowledgeStore.upkeep(from: since, until: until, lastDay: lastDay, on: connection, logger: logger) {
            update(upkeep.unitID) {
                ($0.knowledgeAdded, $0.knowledgeUpdated, $0.knowledgeOverdue, $0.knowledgeLate) = (upkeep.added, upkeep.updated, upkeep.overdue, upkeep.late)
            }
        }
        let names = try await connection.query(
            "SELECT DISTINCT ON (unit_id) unit_id, unit_name FROM assignments WHERE unit_id = ANY(\(Array(units.keys))) ORDER BY unit_id, id DESC",
            logger: logger)
        for try await (unit, name) in names.decode((String, String).self) { units[unit]?.unitName = name }
        return units.values.sorted { $0.unitID < $1.unitID }
    }

    /// The centre's 即时办结 figures: cases accepted in the period and of those answered at once
    /// from the knowledge base (长沙 第十六条（一）「直接在线办结」).
    public static func directAnswers(since: Date, until: Date, on connection: PostgresConnection, logger: Logger) async throws -> PeriodReport.Centre {
        let rows = try await connection.query(
            """
            SELECT count(*), count(*) FILTER (WHERE answered_entry_id IS NOT NULL) FROM cases
            WHERE accepted_at BETWEEN \(since) AND \(until)
            """, logger: logger)
        for try await (accepted, direct) in rows.decode((Int64, Int64).self) {
            return PeriodReport.Centre(accepted: Int(accepted), directAnswers: Int(direct))
        }
        return PeriodReport.Centre(accepted: 0, directAnswers: 0)
    }
}
