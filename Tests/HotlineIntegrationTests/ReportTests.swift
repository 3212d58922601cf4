import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// `hotline report` on a month recorded by hand (docs/ASSESSMENT.md): the figures, the
/// ranking and the hot spots are those computed here from the rows, and rows outside
/// the month (a clock due in November, a rating given in September) do not count. The
/// supervision worker publishes the same report once when the month closes.
@Suite(.serialized)
struct ReportTests {
    static func october(_ day: Int, _ hour: Int) -> String {
        "2026-10-\(String(format: "%02d", day))T\(String(format: "%02d", hour)):00:00+08:00"
    }

    /// A case accepted at `acceptedAt`, as intake would have written it.
    @discardableResult
    func acceptCase(
        _ stack: TestStack, _ number: Int, area: String? = nil, category: String = "complaint", acceptedAt: String
    ) async throws -> UUID {
        let id = UUID()
        let at = try #require(RFC3339.parse(acceptedAt))
        try await stack.client.query(
            """
            INSERT INTO cases (id, case_number, policy_id, policy_version, channel, external_id, category, category_source, area_code,
                               content, urgent, confidential, status, received_at, accepted_at, caller_sealed, caller_key_id,
                               intake_event_id, round)
            VALUES (\(id), \(String(format: "20261001-%06d", number)), 'changsha-2020', 'test', 'phone', \("R-\(number)"), \(category),
                    'adapter', \(area), '测试', false, false, 'closed', \(at), \(at), \(ByteBuffer(bytes: [1])), 'k', \("evt-\(number)"), 1)
            """, logger: stack.logger)
        return id
    }

    /// A case with one lead assignment of `unit`, as intake and dispatch would have written it.
    func insertCase(_ stack: TestStack, _ number: Int, unit: String, name: String, assignedAt: String) async throws -> UUID {
        let id = try await acceptCase(stack, number, acceptedAt: assignedAt)
        let at = try #require(RFC3339.parse(assignedAt))
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

    static let urban = "city-urban", urbanName = "长沙市城市管理和综合执法局"
    static let housing = "city-housing", housingName = "长沙市住房和城乡建设局"

    /// October's work of two units, and rows in September and November that October does not count.
    func recordOctober(_ stack: TestStack) async throws {
        let (urban, urbanName, housing, housingName) = (Self.urban, Self.urbanName, Self.housing, Self.housingName)
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
    }

    /// Cases without assignments for the hot spots (the six October cases above and the
    /// September one named no area): against September, 430104 complaints drop from 5 to
    /// 3, 430102 help is new with 3, one 430105 consultation is new, and the no-area
    /// complaints rise from 1 to 6. A November case does not count.
    func recordHotSpots(_ stack: TestStack) async throws {
        for number in 101...103 { try await acceptCase(stack, number, area: "430104", acceptedAt: Self.october(14, 10)) }
        for number in 104...108 { try await acceptCase(stack, number, area: "430104", acceptedAt: "2026-09-1\(number - 103)T10:00:00+08:00") }
        for number in 109...111 { try await acceptCase(stack, number, area: "430102", category: "help", acceptedAt: Self.october(31, 23)) }
        try await acceptCase(stack, 112, area: "430105", category: "consultation", acceptedAt: Self.october(1, 0))
        try await acceptCase(stack, 113, area: "430104", acceptedAt: "2026-11-01T00:00:00+08:00")
    }

    static let octoberHotSpots = [
        "1 - complaint 6 1 +5 +500.0%", "2 430102 help 3 0 +3 new", "2 430104 complaint 3 5 -2 -40.0%", "4 430105 consultation 1 0 +1 new",
    ]

    static func describe(_ spots: [[String: Any]]) -> [String] {
        spots.map { spot in
            let percent = (spot["change_percent"] as? Double).map { String(format: "%+.1f%%", $0) } ?? ((spot["new"] as? Bool) == true ? "new" : "?")
            return "\(spot["rank"] as? Int ?? 0) \(spot["area_code"] as? String ?? "-") \(spot["category"] as? String ?? "?") "
                + "\(spot["count"] as? Int ?? 0) \(spot["previous_count"] as? Int ?? -1) \(String(format: "%+ld", spot["change"] as? Int ?? 0)) \(percent)"
        }
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func octobersFiguresAndRankingAreTheOnesComputedByHand() async throws {
        try await TestStack.with { stack in
            let (urban, housing) = (Self.urban, Self.housing)
            try await recordOctober(stack)
            let json = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "json"]).stdout
            let report = try Self.object(json)
            #expect(report["first_day"] as? String == "2026-10-01" && report["last_day"] as? String == "2026-10-31")
            let units = try #require(report["units"] as? [[String: Any]])
            #expect(units.map { ($0["figures"] as? [String: Any])?["unit_id"] as? String } == [housing, urban], "住建 scores best")
            let first = try #require(units.first), second = try #require(units.last)
            // 2 and 4 orders: below the preset's minimum_orders (5), scored and listed but not ranked.
            #expect(first["rank"] is NSNull && first["score"] as? Double == 1.0)
            #expect(second["rank"] is NSNull)
            #expect(report["top"] is NSNull && report["bottom"] is NSNull, "no ranked unit, so no top or bottom")
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
            #expect(urbanFigures["supervisions_by_level"] as? [[String: Int]] == [["level": 2, "count": 1]], "the one supervision stands on level 2")
            #expect((first["figures"] as? [String: Any])?["orders_received"] as? Int == 2, "the September order is not October's")

            let refused = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-Q4"], expectSuccess: false)
            #expect(refused.status != 0 && refused.output.contains("reports monthly, annual"))
            let table = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10"]).stdout
            #expect(table.contains("units with fewer than 5 orders are not ranked") && !table.contains("top: "))
        }
    }

    @Test func octobersHotSpotsCompareWithSeptember() async throws {
        try await TestStack.with { stack in
            try await recordOctober(stack)
            try await recordHotSpots(stack)
            let report = try Self.object(try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "json"]).stdout)
            #expect(Self.describe(try #require(report["hot_spots"] as? [[String: Any]])) == Self.octoberHotSpots)

            let top2 = try Self.object(
                try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "json", "--hot-spots", "2"]).stdout)
            #expect(Self.describe(try #require(top2["hot_spots"] as? [[String: Any]])) == Array(Self.octoberHotSpots.prefix(2)))
            let none = try Self.object(
                try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "json", "--hot-spots", "0"]).stdout)
            #expect((none["hot_spots"] as? [Any])?.isEmpty == true)

            let table = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10"]).stdout
            #expect(table.contains("Hot spots: cases accepted in 2026-10 per area × category, against 2026-09"))
            let rows = table.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(rows.contains("1 (no area) complaint 6 1 +5 +500.0%"))
            #expect(rows.contains("2 430104 complaint 3 5 -2 -40.0%"))

            let csv = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "csv"]).stdout
            let blocks = csv.components(separatedBy: "\n\n")
            #expect(blocks.count == 3, "the units, the hot spots, the centre's 即时办结 figures, each after an empty line")
            #expect(blocks.last?.split(separator: "\n").first == "accepted,direct_answers,direct_answer_rate")
            #expect(blocks[1].split(separator: "\n").map(String.init) == [
                "hot_spot_rank,area_code,category,count,previous_count,change,change_percent,new",
                "1,,complaint,6,1,5,500.0,false",
                "2,430102,help,3,0,3,,true", "2,430104,complaint,3,5,-2,-40.0,false", "4,430105,consultation,1,0,1,,true",
            ])
        }
    }

    /// 长沙 第三十七条 monthly bulletin: when the simulated clock passes 31 October, one of
    /// two supervision instances publishes `report.period_closed` for 2026-10 with the
    /// figures `hotline report` prints; September (the month of the first case) was
    /// published at start, 2025 (before any case) never; the instance left running
    /// publishes November next, and October never again.
    @Test func theMonthsReportIsPublishedOnceWhenItCloses() async throws {
        try await TestStack.with { stack in
            try await recordOctober(stack)
            try await recordHotSpots(stack)
            try stack.setClock("2026-10-30T12:00:00+08:00")
            let environment = ["HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020"]
            try stack.startWorker("relay", extraEnvironment: environment)
            try stack.startWorker("supervision", id: "supervision-1", extraEnvironment: environment)
            try stack.startWorker("supervision", id: "supervision-2", extraEnvironment: environment)
            try await stack.waitUntil("September, the month of the first case, is published") {
                try await stack.count("SELECT count(*) FROM period_reports WHERE policy_id = 'changsha-2020' AND period = '2026-09'") == 1
            }
            #expect(try await stack.count("SELECT count(*) FROM period_reports WHERE period = '2026-10'") == 0, "October is still running")

            try stack.setClock("2026-11-01T00:00:05+08:00")
            try await stack.waitUntil("October's report is in the outbox and relayed") {
                let claimed = try await stack.count("SELECT count(*) FROM period_reports WHERE period = '2026-10'")
                let waiting = try await stack.count("SELECT count(*) FROM outbox")
                return claimed == 1 && waiting == 0
            }
            let printed = try Self.object(try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "json"]).stdout)
            _ = stack.terminate("supervision-1")
            try stack.setClock("2026-12-01T00:00:05+08:00")
            try await stack.waitUntil("the remaining instance publishes November") {
                let claimed = try await stack.count("SELECT count(*) FROM period_reports WHERE period = '2026-11'")
                let waiting = try await stack.count("SELECT count(*) FROM outbox")
                return claimed == 1 && waiting == 0
            }

            #expect(try await stack.pairs("SELECT period, count(*) FROM period_reports GROUP BY period") == ["2026-09": 1, "2026-10": 1, "2026-11": 1],
                    "no annual report for 2025, which ended before the first case")
            let events = try await stack.readTopic("hotline.reports.v1", expected: 3).map { message in
                #expect(message.key.map { String(decoding: $0, as: UTF8.self) } == "changsha-2020", "keyed by policy")
                return try #require(try JSONSerialization.jsonObject(with: Data(message.value ?? [])) as? [String: Any])
            }
            #expect(events.map { $0["period"] as? String ?? "" } == ["2026-09", "2026-10", "2026-11"], "each month once, in order")
            var october = try #require(events.first { $0["period"] as? String == "2026-10" })
            #expect(october["type"] as? String == "report.period_closed")
            #expect(october["occurred_at"] as? String == "2026-11-01T00:00:05.000+08:00")
            #expect(Self.describe(try #require(october["hot_spots"] as? [[String: Any]])) == Self.octoberHotSpots)
            #expect(october["top"] is NSNull && october["bottom"] is NSNull, "no unit had the orders to be ranked")
            let units = try #require(october["units"] as? [[String: Any]])
            #expect(units.map { ($0["figures"] as? [String: Any])?["unit_id"] as? String } == [Self.housing, Self.urban])
            #expect((units.last?["figures"] as? [String: Any])?["orders_received"] as? Int == 4)
            for envelope in ["schema_version", "event_id", "type", "occurred_at"] { october.removeValue(forKey: envelope) }
            #expect(NSDictionary(dictionary: october).isEqual(to: printed), "the event carries what hotline report prints")
        }
    }
}
