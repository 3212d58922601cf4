import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// 长沙 第二十七条 满意度申诉 through the real workers: the unit a 不满意 counts for appeals
/// within 5 working days on a listed ground with evidence; the centre upholds or rejects;
/// an upheld appeal changes the rating the assessment counts, never the citizen's rating.
@Suite(.serialized)
struct RatingAppealTests {
    static func appeal(_ order: TrackedCase, unit: String? = nil, id: String, ground: String = "recording_mismatch") -> FixtureLine {
        Actions.unit("appeal_rating", case: order.id, unit: unit ?? order.lead, id: id, [
            "ground": .string(ground), "statement": "回访录音显示诉求人表示满意，与回访记录不一致。",
            "evidence": .array([.string("callback-recording:\(order.number)-2")]),
        ])
    }

    @Test func aUnitAppealsADissatisfiedRatingAndTheCentreDecides() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            try stack.startWorker("callbacks", extraEnvironment: ["HOTLINE_CLOCK": "simulated"])
            let cases = try await stack.dispatchedCases((71...73).map { IntakeEvents.appeal($0, category: "complaint") })
            try #require(cases.count == 3)
            let (upheld, rejected, late) = (cases[0], cases[1], cases[2])
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await stack.resolve(cases)
            let callbacks = CallbackTests()
            for (index, order) in cases.enumerated() {
                try await callbacks.answer(stack, order, id: "ivr-ap-\(index)", rating: "dissatisfied", expectedTasks: 3 + index)
                try await callbacks.answer(stack, order, id: "staff-ap-\(index)", rating: "dissatisfied", expectedTasks: 4 + index)
            }
            try await stack.waitUntil("three rounds are rated 不满意") {
                try await stack.count("SELECT count(*) FROM callback_tasks WHERE state = 'rated' AND rating = 'dissatisfied'") == 3
            }
            let otherUnit = upheld.lead == "yuelu" ? "furong" : "yuelu"

            // Rated on Monday 10-12: the window runs 5 working days, to the end of Monday 10-19.
            try stack.setClock("2026-10-19T16:00:00+08:00")
            try await stack.unitActs([
                Self.appeal(upheld, id: "ua-ap-noise", ground: "noise"),
                Self.appeal(upheld, unit: otherUnit, id: "ua-ap-other-unit"),
                Self.appeal(upheld, id: "ua-ap-0001"),
                Self.appeal(upheld, id: "ua-ap-0001-again"),
                Self.appeal(rejected, id: "ua-ap-0002", ground: "untrue_or_unsolvable"),
            ])
            try await stack.centreActs([
                Actions.centre("uphold_appeal", case: upheld.id, id: "ca-ap-uphold", ["assessed_rating": "satisfied"]),
                Actions.centre("reject_appeal", case: upheld.id, id: "ca-ap-reject-decided"),
                Actions.centre("reject_appeal", case: rejected.id, id: "ca-ap-reject"),
                Actions.centre("uphold_appeal", case: late.id, id: "ca-ap-nothing-filed", ["assessed_rating": "not_counted"]),
            ])
            try stack.setClock("2026-10-20T09:00:00+08:00")
            try await stack.unitActs([Self.appeal(late, id: "ua-ap-late")])

            let outcomes = try await stack.outcomes(expected: 19)
            #expect(outcomes["ua-ap-noise"] == "unknown_ground")
            #expect(outcomes["ua-ap-other-unit"] == "not_assigned_unit")
            #expect(outcomes["ua-ap-0001"] == "accepted")
            #expect(outcomes["ua-ap-0001-again"] == "no_change", "a rating is appealed once")
            #expect(outcomes["ua-ap-0002"] == "accepted")
            #expect(outcomes["ca-ap-uphold"] == "accepted")
            #expect(outcomes["ca-ap-reject-decided"] == "no_change", "an appeal is decided once")
            #expect(outcomes["ca-ap-reject"] == "accepted")
            #expect(outcomes["ca-ap-nothing-filed"] == "wrong_state")
            #expect(outcomes["ua-ap-late"] == "window_closed", "第二十七条: 5 working days")

            #expect(try await stack.count("SELECT count(*) FROM rating_appeals WHERE state = 'pending'") == 0)
            #expect(try await stack.count(
                """
                SELECT count(*) FROM rating_appeals WHERE case_id = \(UUID(uuidString: upheld.id)!) AND state = 'upheld'
                  AND assessed_rating = 'satisfied' AND evidence ->> 0 = \("callback-recording:\(upheld.number)-2") AND jsonb_array_length(evidence) = 1
                """) == 1)
            #expect(try await stack.count(
                "SELECT count(*) FROM rating_appeals WHERE case_id = \(UUID(uuidString: rejected.id)!) AND state = 'rejected' AND ground = 'untrue_or_unsolvable'") == 1)
            #expect(try await stack.count("SELECT count(*) FROM rating_appeals") == 2, "refused appeals leave nothing")
            #expect(try await stack.count("SELECT count(*) FROM callback_tasks WHERE state = 'rated' AND rating = 'dissatisfied'") == 3,
                    "the citizen's rating never changes")
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE status = 'resolved'") == 3, "an appeal does not move the case")

            let steps = try await stack.readTopic("hotline.cases.v1", expected: 22).compactMap { message -> String? in
                guard let value = message.value, let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      let type = object["type"] as? String, type.contains("appeal") else { return nil }
                #expect(object["statement"] == nil && object["evidence"] == nil, "the unit's text stays in PostgreSQL")
                return "\(type) \(object["ground"] ?? "") \(object["assessed_rating"] ?? "-") \(object["appeal_by"] ?? "-")"
            }
            #expect(steps.sorted() == [
                "case.appeal_rejected untrue_or_unsolvable - -",
                "case.appeal_upheld recording_mismatch satisfied -",
                "case.rating_appealed recording_mismatch - 2026-10-19T23:59:59+08:00",
                "case.rating_appealed untrue_or_unsolvable - 2026-10-19T23:59:59+08:00",
            ])

            // The assessment counts the upheld round as 满意 and the appeal as upheld.
            let json = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "json"]).stdout
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let figures = (report["units"] as? [[String: Any]] ?? []).compactMap { $0["figures"] as? [String: Any] }
            let total = { (key: String) in figures.reduce(0) { $0 + (($1[key] as? Int) ?? 0) } }
            #expect(total("satisfied") == 1 && total("dissatisfied") == 2 && total("appeals_upheld") == 1)
            let upheldUnit = try #require(figures.first { $0["unit_id"] as? String == upheld.lead })
            #expect((upheldUnit["appeals_upheld"] as? Int) == 1)
        }
    }
}
