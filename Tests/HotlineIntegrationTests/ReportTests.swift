import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// `hotline report` on a month recorded by hand (docs/ASSESSMENT.md): the figures and
/// the ranking are those computed here from the rows, and rows outside the month
/// (a clock due in November, a rating given in September) do not count.
@Suite(.serialized)
struct ReportTests {
    static func october(_ day: Int, _ hour: Int) -> String {
        "2026-10-\(String(format: "%02d", day))T\(String(format: "%02d", hour)):00:00+08:00"
    }

    /// A case with one lead assignment of `unit`, as intake and dispatch would have written it.
    func insertCase(_ stack: TestStack, _ number: Int, unit: String, name: String, assignedAt: String) async throws -> UUID {
        let id = UUID()
        let at = try #require(RFC3339.parse(assignedAt))
        try await stack.client.query(
            """
            INSERT INTO cases (id, case_number, policy_id, policy_version, channel, external_id, category, category_source, content,
                               urgent, confidential, status, received_at, accepted_at, caller_sealed, caller_key_id, intake_event_id, round)
            VALUES (\(id), \(String(format: "20261001-%06d", number)), 'changsha-2020', 'test', 'phone', \("R-\(number)"), 'complaint',
                    'adapter', '测试', false, false, 'closed', \(at), \(at), \(ByteBuffer(bytes: [1])), 'k', \("evt-\(number)"), 1)
            """, logger: stack.logger)
        try await stack.client.query(
            """
            INSERT INTO assignments (case_id, round, unit_id, unit_name, role, assigned_at)
            VALUES (\(id), 1, \(unit), \(name), 'lead', \(at))
            """, logger: stack.logger)
        return id
    }

    func clock(_ stack: TestStack, _ caseID: UUID, _ obligation: String, unit: String, due: String, met: String?, state: String = "met") async throws {
        let dueAt = try #require(RFC3339.parse(due))
        try await stack.client.query(
            """
            INSERT INTO case_clocks (case_id, round, obligation, unit_id, started_at, due_at, state, met_at)
            VALUES (\(caseID), 1, \(obligation), \(unit), \(dueAt.addingTimeInterval(-86_400 * 3)), \(dueAt), \(state),
                    \(met.flatMap(RFC3339.parse)))
            """, logger: stack.logger)
    }

    func rating(_ stack: TestStack, _ caseID: UUID, unit: String, _ rating: String, resolved: Bool?, at: String) async throws {
        let closed = try #require(RFC3339.parse(at))
        try await stack.client.query(
            """
            INSERT INTO callback_tasks (id, case_id, round, unit_id, attempt, channel, issued_at, due_at, state, rating, resolved,
                                        rating_source, closed_at)
            VALUES (\(UUID()), \(caseID), 1, \(unit), 1, 'automatic_call', \(closed.addingTimeInterval(-3600)), \(closed), 'rated',
                    \(rating), \(resolved), \(resolved == nil ? "deemed" : "caller"), \(closed))
            """, logger: stack.logger)
    }

    @Test func octobersFiguresAndRankingAreTheOnesComputedByHand() async throws {
        try await TestStack.with { stack in
            let urban = "city-urban", urbanName = "长沙市城市管理和综合执法局"
            let housing = "city-housing", housingName = "长沙市住房和城乡建设局"
            // 城管: 4 orders in October; signs 3 of 4 in time; handles 2 of 4 in time, one late, one still open.
            var urbanCases: [UUID] = []
            for number in 1...4 { urbanCases.append(try await insertCase(stack, number, unit: urban, name: urbanName, assignedAt: Self.october(5, 9))) }
            try await clock(stack, urbanCases[0], "sign", unit: urban, due: Self.october(6, 23), met: Self.october(6, 10))
            try await clock(stack, urbanCases[1], "sign", unit: urban, due: Self.october(6, 23), met: Self.october(6, 11))
            try await clock(stack, urbanCases[2], "sign", unit: urban, due: Self.october(6, 23), met: Self.october(6, 12))
            try await clock(stack, urbanCases[3], "sign", unit: urban, due: Self.october(6, 23), met: Self.october(8, 9))
            try await clock(stack, urbanCases[0], "handling", unit: urban, due: Self.october(20, 23), met: Self.october(19, 15))
            try await clock(stack, urbanCases[1], "handling", unit: urban, due: Self.october(20, 23), met: Self.october(20, 15))
            try await clock(stack, urbanCases[2], "handling", unit: urban, due: Self.october(20, 23), met: Self.october(22, 15))
            try await clock(stack, urbanCases[3], "handling", unit: urban, due: Self.october(20, 23), met: nil, state: "open")
            // Ratings: 满意 ×2 (resolved), 基本满意 deemed, 不满意 (not resolved).
            try await rating(stack, urbanCases[0], unit: urban, "satisfied", resolved: true, at: Self.october(21, 10))
            try await rating(stack, urbanCases[1], unit: urban, "satisfied", resolved: true, at: Self.october(21, 10))
            try await rating(stack, urbanCases[2], unit: urban, "basically_satisfied", resolved: nil, at: Self.october(26, 10))
            try await rating(stack, urbanCases[3], unit: urban, "dissatisfied", resolved: false, at: Self.october(27, 10))
            try await stack.client.query(
                """
                INSERT INTO case_history (case_id, at, actor, action, detail) VALUES
                    (\(urbanCases[0]), \(RFC3339.parse(Self.october(7, 15))), 'centre', 'approve_return', '{"returned_by": "city-urban"}'),
                    (\(urbanCases[1]), \(RFC3339.parse(Self.october(9, 15))), 'centre', 'extended', '{"unit_id": "city-urban"}')
                """, logger: stack.logger)
            try await stack.client.query(
                """
                INSERT INTO supervisions (public_id, case_id, trigger, article, unit_id, level, level_code, opened_at)
                VALUES (\(UUID()), \(urbanCases[3]), 'overdue', '第三十四条（一）', 'city-urban', 2, 'supervision_letter',
                        \(RFC3339.parse(Self.october(21, 0))))
                """, logger: stack.logger)
            // 住建: 2 orders, everything in time and 满意; a clock due in November and a rating of September do not count.
            let housingCases = [
                try await insertCase(stack, 5, unit: housing, name: housingName, assignedAt: Self.october(12, 9)),
                try await insertCase(stack, 6, unit: housing, name: housingName, assignedAt: Self.october(12, 9)),
            ]
            for caseID in housingCases {
                try await clock(stack, caseID, "sign", unit: housing, due: Self.october(13, 23), met: Self.october(12, 16))
                try await clock(stack, caseID, "handling", unit: housing, due: Self.october(26, 23), met: Self.october(23, 16))
                try await rating(stack, caseID, unit: housing, "satisfied", resolved: true, at: Self.october(28, 10))
            }
            let late = try await insertCase(stack, 7, unit: housing, name: housingName, assignedAt: "2026-09-20T09:00:00+08:00")
            try await clock(stack, late, "handling", unit: housing, due: "2026-11-03T23:59:59+08:00", met: nil, state: "open")
            try await rating(stack, late, unit: housing, "dissatisfied", resolved: false, at: "2026-09-30T10:00:00+08:00")

            let json = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "json"]).stdout
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(report["first_day"] as? String == "2026-10-01" && report["last_day"] as? String == "2026-10-31")
            let units = try #require(report["units"] as? [[String: Any]])
            #expect(units.map { ($0["figures"] as? [String: Any])?["unit_id"] as? String } == [housing, urban], "住建 ranks first")
            let first = try #require(units.first), second = try #require(units.last)
            #expect(first["rank"] as? Int == 1 && first["score"] as? Double == 1.0)
            #expect(second["rank"] as? Int == 2)
            #expect(second["response_rate"] as? Double == 0.75)
            #expect(second["on_time_rate"] as? Double == 0.5)
            #expect(second["satisfaction_rate"] as? Double == 0.725, "(2 + 0.9) / 4")
            #expect(abs((second["resolution_rate"] as? Double ?? 0) - 2.0 / 3.0) < 1e-9, "2 of the 3 who said")
            #expect(abs((second["score"] as? Double ?? 0) - (0.1 * 0.75 + 0.5 * 2.0 / 3.0 + 0.4 * 0.725)) < 1e-9)
            let urbanFigures = try #require(second["figures"] as? [String: Any])
            let expected: [String: Int] = [
                "orders_received": 4, "returned": 1, "extended": 1, "sign_due": 4, "signed_on_time": 3, "handling_due": 4,
                "finished_on_time": 2, "overdue": 2, "still_overdue": 1, "satisfied": 2, "basically_satisfied": 1, "dissatisfied": 1,
                "resolved_answers": 3, "resolved_yes": 2, "callbacks_issued": 4, "callbacks_rated": 4, "supervisions": 1, "highest_level": 2,
            ]
            for (key, value) in expected { #expect(urbanFigures[key] as? Int == value, "\(key)") }
            #expect((first["figures"] as? [String: Any])?["orders_received"] as? Int == 2, "the September order is not October's")

            let refused = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-Q4"], expectSuccess: false)
            #expect(refused.status != 0 && refused.output.contains("reports monthly, annual"))
            let table = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10"]).stdout
            #expect(table.contains("top: 长沙市住房和城乡建设局 100.0%; bottom: 长沙市城市管理和综合执法局"))
        }
    }
}
