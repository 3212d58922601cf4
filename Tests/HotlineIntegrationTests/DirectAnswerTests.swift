import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// 即时办结 and the centre's own reply through the real workers under 长沙 第十六条（一）
/// 「可根据信息库内容等当场答复诉求人的,直接在线办结;未查找到相关信息的,可在取得诉求人同意后,通过三方通话、
/// 短信回复或回拨电话等方式在1个工作日内进行答复」 and 第二十五条 「对事项实行全面回访」.
@Suite(.serialized)
struct DirectAnswerTests {
    static func appeal(_ number: Int, _ extra: [String: JSONValue]) -> FixtureLine {
        var line = IntakeEvents.appeal(number, category: "consultation")
        if case var .object(fields)? = line.value {
            fields["received_at"] = .string("2026-10-21T10:\(String(format: "%02d", number % 60)):00+08:00")
            fields["content"] = .string("第\(number)号：请问芙蓉区这两天停水吗？几点恢复供水？")
            fields.merge(extra) { $1 }
            line.value = .object(fields)
        }
        return line
    }

    static func answeredFrom(_ entry: String, _ version: Int) -> [String: JSONValue] {
        ["answered_from": .object(["entry_id": .string(entry), "version": .integer(Int64(version))])]
    }

    static let notFound: [String: JSONValue] = ["knowledge_not_found": .bool(true)]

    @Test func directAnswersCloseAtOnceAndTheCentreRepliesWithinOneWorkingDay() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-21T09:00:00+08:00")
            try stack.startWorker("callbacks", extraEnvironment: ["HOTLINE_CLOCK": "simulated"])
            let knowledge = KnowledgeBaseTests()
            try await knowledge.publish([
                KnowledgeBaseTests.published("water-cut-furong", unit: "water", duty: "water-supply", id: "kb-publish-v1"),
                KnowledgeBaseTests.reviewed("water-cut-furong", version: 1, id: "kb-approve-v1"),
                KnowledgeBaseTests.published("water-cut-furong", unit: "water", version: 2, duty: "water-supply", id: "kb-publish-v2", body: "停水延期至10月24日。"),
            ], on: stack, answered: 3)

            try stack.publish([
                Self.appeal(1, Self.answeredFrom("water-cut-furong", 1)),
                Self.appeal(2, Self.answeredFrom("water-cut-furong", 2)),
                Self.appeal(3, Self.answeredFrom("no-such-entry", 1)),
                Self.appeal(4, Self.notFound),
                Self.appeal(5, Self.notFound),
            ])
            try await stack.waitForPipeline(messages: 5)

            // The direct answer: closed at once with the entry version, never dispatched, no clock.
            let direct = try await stack.pairs(
                """
                SELECT status || ':' || answered_entry_id || ':' || answered_entry_version || ':' || round, 1::bigint
                FROM cases WHERE answered_entry_id IS NOT NULL AND closed_at IS NOT NULL AND callback_owed
                """)
            #expect(direct.keys.sorted() == ["closed:water-cut-furong:1:0"])
            #expect(try await stack.count("SELECT count(*) FROM cases") == 3)
            #expect(try await stack.count("SELECT count(*) FROM assignments") == 0, "nothing was dispatched")
            #expect(try await stack.count("SELECT count(*) FROM case_clocks WHERE obligation IN ('sign', 'handling')") == 0)

            // A pending and an unknown version: dead-lettered with the reason, nothing recorded.
            #expect(try await stack.pairs("SELECT reason_code || ' ' || coalesce(field, '-'), count(*) FROM dead_letters GROUP BY 1") == [
                "unknown_entry_version /answered_from/version": 1, "unknown_entry_version /answered_from": 1,
            ])
            #expect(try await stack.count("SELECT count(*) FROM intake_requests") == 3)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE external_id IN ('T-00000002', 'T-00000003')") == 0)

            // 第二十五条: the direct answer is called back like every case.
            try await stack.waitUntil("the direct answer has a callback task") {
                try await stack.count("SELECT count(*) FROM callback_tasks t JOIN cases c ON c.id = t.case_id WHERE c.answered_entry_id IS NOT NULL AND t.round = 0") == 1
            }

            // Nothing found: the centre owes a reply within 1 working day, no unit is sent the case.
            #expect(try await stack.pairs(
                """
                SELECT c.status || ' ' || to_char(k.due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') || ' ' || coalesce(k.unit_id, '-'), count(*)
                FROM cases c JOIN case_clocks k ON k.case_id = c.id AND k.obligation = 'reply' GROUP BY 1
                """) == ["awaiting_reply 2026-10-22 23:59:59 -": 2])
            let waiting = try await stack.pairs("SELECT c.id::text, CASE WHEN c.external_id = 'T-00000004' THEN 1 ELSE 0 END::bigint FROM cases c WHERE status = 'awaiting_reply'")
            let answered = try #require(waiting.first { $0.value == 1 }?.key)
            let closedID = try #require(try await stack.pairs("SELECT id::text, 1::bigint FROM cases WHERE answered_entry_id IS NOT NULL").keys.first)

            try stack.setClock("2026-10-22T15:00:00+08:00")
            try await stack.centreActs([
                Actions.centre("reply", case: answered, id: "ca-reply-4", ["reason": "已回拨诉求人，告知芙蓉区停水时段与恢复供水时间。"]),
                Actions.centre("reply", case: closedID, id: "ca-reply-closed"),
            ])
            let outcomes = try await stack.outcomes(expected: 2)
            #expect(outcomes["ca-reply-4"] == "accepted")
            #expect(outcomes["ca-reply-closed"] == "wrong_state")
            #expect(try await stack.count("SELECT count(*) FROM case_clocks WHERE obligation = 'reply' AND state = 'met'") == 1)
            try await stack.waitUntil("the replied case is called back") {
                try await stack.count("SELECT count(*) FROM callback_tasks") == 2
            }

            // The other reply is late: announced overdue once, like every clock.
            try stack.setClock("2026-10-23T09:00:00+08:00")
            try await stack.waitUntil("the late reply is announced") {
                try await stack.count("SELECT count(*) FROM case_clocks WHERE obligation = 'reply' AND overdue_at IS NOT NULL") == 1
            }
            try await stack.waitUntil("the outbox is relayed") { try await stack.count("SELECT count(*) FROM outbox") == 0 }
            var events: [String] = []
            for message in try await stack.readTopic("hotline.cases.v1", expected: 8) {
                guard let value = message.value, let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any] else { continue }
                let type = object["type"] as? String ?? "?"
                if let answer = object["answered_from"] as? [String: Any] {
                    events.append("\(type) \(answer["entry_id"] ?? "") v\(answer["version"] ?? "")")
                } else if type == "deadline.overdue" {
                    events.append("\(type) \(object["obligation"] ?? "") \(object["article"] ?? "")")
                } else if object["reply_due"] != nil {
                    events.append("\(type) reply_due \(object["reply_due"] ?? "")")
                }
            }
            #expect(events.sorted() == [
                "case.accepted reply_due 2026-10-22T23:59:59+08:00", "case.accepted reply_due 2026-10-22T23:59:59+08:00",
                "case.accepted water-cut-furong v1", "case.closed water-cut-furong v1", "deadline.overdue reply 第十六条（一）",
            ])

            // The assessment: the centre's 即时办结率 and the water company's upkeep, shown and not scored.
            let json = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10", "--format", "json"]).stdout
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let centre = try #require(report["centre"] as? [String: Any])
            #expect(centre["accepted"] as? Int == 3 && centre["direct_answers"] as? Int == 1)
            #expect(abs((centre["direct_answer_rate"] as? Double ?? 0) - 1.0 / 3.0) < 1e-9)
            let units = try #require(report["units"] as? [[String: Any]])
            let water = try #require(units.first { ($0["figures"] as? [String: Any])?["unit_id"] as? String == "water" })
            let figures = try #require(water["figures"] as? [String: Any])
            #expect(figures["knowledge_added"] as? Int == 1 && figures["knowledge_updated"] as? Int == 1)
            #expect(figures["knowledge_overdue"] as? Int == 0 && figures["knowledge_late"] as? Int == 0)
            #expect(water["score"] is NSNull, "upkeep alone is not scored")
            let table = try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10"]).stdout
            #expect(table.contains("即时办结率 (centre): 33.3% (1 of 3 cases accepted"))
        }
    }
}
