import Foundation
import Logging
import PostgresNIO

/// What the pipeline has done so far, for `hotline summary` and the demo.
public struct PipelineSummary: Sendable, Codable {
    public var messagesAnswered: Int64
    public var deadLetters: Int64
    public var outboxBacklog: Int64
    public var casesAwaitingDispatch: Int64
    public var casesByCategoryAndStatus: [Row3]
    public var receiptsByOutcome: [Row2]
    public var duplicatesAnswered: Int64
    public var notOpenedByReason: [Row3]
    /// Current lead assignments per unit, most first.
    public var leadUnits: [Row3]
    public var deadLettersByReason: [Row2]
    public var manualQueue: Int64
    public var urges: Int64
    public var cases: Int64
    public var currentLeadAssignments: Int64
    public var coAssignments: Int64
    /// Sign and handling clocks per unit: met on time, overdue (announced or met late), still overdue.
    public var unitDeadlines: [UnitDeadlines]
    /// Supervisions (督办) per trigger: opened, closed, still open.
    public var supervisionsByTrigger: [SupervisionCount]
    /// Open supervisions by their current ladder level.
    public var openSupervisionsByLevel: [Row2]

    public struct UnitDeadlines: Sendable, Codable {
        public var unitID: String
        public var unitName: String
        public var onTime: Int64
        public var overdue: Int64
        public var stillOverdue: Int64
    }

    public struct SupervisionCount: Sendable, Codable {
        public var trigger: String
        public var opened: Int64
        public var closed: Int64
        public var open: Int64
    }

    public struct Row2: Sendable, Codable { public var name: String; public var count: Int64 }
    public struct Row3: Sendable, Codable { public var first: String; public var second: String; public var count: Int64 }
}

/// Named queries for summaries.
public enum SummaryStore {
    public static func summary(client: PostgresClient, logger: Logger) async throws -> PipelineSummary {
        func single(_ query: PostgresQuery) async throws -> Int64 {
            for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return value }
            return 0
        }
        func pairs(_ query: PostgresQuery) async throws -> [PipelineSummary.Row2] {
            var rows: [PipelineSummary.Row2] = []
            for try await (name, count) in try await client.query(query, logger: logger).decode((String, Int64).self) {
                rows.append(.init(name: name, count: count))
            }
            return rows
        }
        func triples(_ query: PostgresQuery) async throws -> [PipelineSummary.Row3] {
            var rows: [PipelineSummary.Row3] = []
            for try await (first, second, count) in try await client.query(query, logger: logger).decode((String, String, Int64).self) {
                rows.append(.init(first: first, second: second, count: count))
            }
            return rows
        }
        return PipelineSummary(
            messagesAnswered: try await single("SELECT coalesce(sum(times_received), 0)::bigint FROM intake_requests"),
            deadLetters: try await single("SELECT count(*) FROM dead_letters"),
            outboxBacklog: try await single("SELECT count(*) FROM outbox"),
            casesAwaitingDispatch: try await single("SELECT count(*) FROM cases WHERE status = 'accepted'"),
            casesByCategoryAndStatus: try await triples(
                "SELECT category, status, count(*) FROM cases GROUP BY 1, 2 ORDER BY 1, 2"),
            receiptsByOutcome: try await pairs(
                "SELECT outcome, sum(times_received)::bigint FROM intake_requests GROUP BY 1 ORDER BY 1"),
            duplicatesAnswered: try await single("SELECT coalesce(sum(times_received - 1), 0)::bigint FROM intake_requests"),
            notOpenedByReason: try await triples(
                """
                SELECT outcome, reason_code, count(*) FROM intake_requests
                WHERE outcome IN ('redirected', 'not_accepted') GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2
                """),
            leadUnits: try await triples(
                """
                SELECT unit_id, unit_name, count(*) FROM assignments WHERE current AND role = 'lead'
                GROUP BY 1, 2 ORDER BY 3 DESC, 1
                """),
            deadLettersByReason: try await pairs(
                "SELECT reason_code, count(*) FROM dead_letters GROUP BY 1 ORDER BY 2 DESC, 1"),
            manualQueue: try await single("SELECT count(*) FROM manual_dispatch_queue WHERE resolved_at IS NULL"),
            urges: try await single("SELECT count(*) FROM case_urges"),
            cases: try await single("SELECT count(*) FROM cases"),
            currentLeadAssignments: try await single("SELECT count(*) FROM assignments WHERE current AND role = 'lead'"),
            coAssignments: try await single("SELECT count(*) FROM assignments WHERE current AND role = 'co'"),
            unitDeadlines: try await unitDeadlines(client: client, logger: logger),
            supervisionsByTrigger: try await supervisionsByTrigger(client: client, logger: logger),
            openSupervisionsByLevel: try await pairs(
                "SELECT level_code, count(*) FROM supervisions WHERE closed_at IS NULL GROUP BY 1 ORDER BY 2 DESC, 1"))
    }

    /// The counting rule: a clock is on time when met by its due instant; overdue when
    /// the deadlines worker announced it or it was met after the due instant.
    static func unitDeadlines(client: PostgresClient, logger: Logger) async throws -> [PipelineSummary.UnitDeadlines] {
        let rows = try await client.query(
            """
            SELECT k.unit_id,
                   coalesce((SELECT a.unit_name FROM assignments a WHERE a.unit_id = k.unit_id LIMIT 1), k.unit_id),
                   count(*) FILTER (WHERE k.state = 'met' AND k.met_at <= k.due_at),
                   count(*) FILTER (WHERE k.overdue_at IS NOT NULL OR (k.state = 'met' AND k.met_at > k.due_at)),
                   count(*) FILTER (WHERE k.overdue_at IS NOT NULL AND k.state = 'open')
            FROM case_clocks k
            WHERE k.unit_id IS NOT NULL AND k.obligation IN ('sign', 'handling') AND k.state <> 'cancelled'
            GROUP BY k.unit_id ORDER BY 4 DESC, 3 DESC, 1
            """, logger: logger)
        var result: [PipelineSummary.UnitDeadlines] = []
        for try await (unit, name, onTime, overdue, still) in rows.decode((String, String, Int64, Int64, Int64).self) {
            result.append(.init(unitID: unit, unitName: name, onTime: onTime, overdue: overdue, stillOverdue: still))
        }
        return result
    }

    static func supervisionsByTrigger(client: PostgresClient, logger: Logger) async throws -> [PipelineSummary.SupervisionCount] {
        let rows = try await client.query(
            """
            SELECT trigger, count(*), count(*) FILTER (WHERE closed_at IS NOT NULL), count(*) FILTER (WHERE closed_at IS NULL)
            FROM supervisions GROUP BY 1 ORDER BY 2 DESC, 1
            """, logger: logger)
        var result: [PipelineSummary.SupervisionCount] = []
        for try await (trigger, opened, closed, open) in rows.decode((String, Int64, Int64, Int64).self) {
            result.append(.init(trigger: trigger, opened: opened, closed: closed, open: open))
        }
        return result
    }
}
