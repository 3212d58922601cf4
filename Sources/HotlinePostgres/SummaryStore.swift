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
            coAssignments: try await single("SELECT count(*) FROM assignments WHERE current AND role = 'co'"))
    }
}
