import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// 巴林左旗 第十五条（七）「对超期诉求工单较多，以及响应率、解决率、满意率偏低的单位」 through
/// the real workers: a unit that leaves its orders unsigned is put under supervision
/// at the next daily review, once, by one of two supervision instances; the
/// supervision is published keyed by unit with the figures, keeps the latest figures
/// while the unit stays below, and closes when a later review's window no longer
/// finds the unit below the thresholds.
@Suite(.serialized)
struct UnitSupervisionTests {
    @Test func aUnitThatLeavesOrdersUnsignedIsSupervisedUntilItsRatesRecover() async throws {
        try await TestStack.with { stack in
            let environment = ["HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "bairin-left-banner"]
            try stack.startLifecycle(policy: "bairin-left-banner", at: "2026-10-12T09:00:00+08:00")
            try stack.startWorker("supervision", id: "supervision-2", extraEnvironment: environment)
            let cases = try await stack.dispatchedCases((21...26).map { IntakeEvents.appeal($0, category: "complaint") })
            let unit = try #require(Dictionary(grouping: cases, by: \.lead).max { $0.value.count < $1.value.count })
            try #require(unit.value.count >= 5, "the fixture sends at least 5 orders to one unit: \(cases.map(\.lead))")
            // One order signed on the day of dispatch (第十二条: the next working day is the limit); the rest never.
            try await stack.unitActs([Actions.unit("sign", case: unit.value[0].id, unit: unit.key, id: "ua-sign-r001")])

            // Wednesday 10-14: the window (20 working days before) ends Tuesday 10-13, when the sign clocks ran out.
            try stack.setClock("2026-10-14T09:00:00+08:00")
            try await stack.waitUntil("the unit is under a low_rates supervision") {
                try await stack.count(
                    "SELECT count(*) FROM supervisions WHERE case_id IS NULL AND trigger = 'low_rates' AND unit_id = \(unit.key)") == 1
            }
            // Monday 11-16: the window 10-19 … 11-13 holds no sign clock but the six handling
            // clocks (第十三条: 5 working days from receipt, due 10-19), all overdue: still below.
            try stack.setClock("2026-11-16T09:00:00+08:00")
            try await stack.waitUntil("the supervision carries the new figures") {
                try await stack.count(
                    """
                    SELECT count(*) FROM supervisions WHERE case_id IS NULL AND unit_id = \(unit.key) AND closed_at IS NULL
                      AND rates->'below' = '["overdue_orders"]'::jsonb AND (rates->>'overdue_orders')::int = \(unit.value.count)
                    """) == 1
            }
            // Tuesday 11-17: the window starts 10-20, after every clock of these orders fell due.
            try stack.setClock("2026-11-17T09:00:00+08:00")
            try await stack.waitUntil("the unit's supervision closed as recovered") {
                try await stack.count(
                    """
                    SELECT count(*) FROM supervisions
                    WHERE case_id IS NULL AND unit_id = \(unit.key) AND closed_at IS NOT NULL AND close_reason = 'rates_recovered'
                    """) == 1
            }
            try await stack.waitUntil("the outbox is relayed") { try await stack.count("SELECT count(*) FROM outbox") == 0 }

            #expect(try await stack.count(
                "SELECT count(*) FROM unit_reviews WHERE review_day IN ('2026-10-12', '2026-10-14', '2026-11-16', '2026-11-17')") == 4)
            #expect(try await stack.count("SELECT count(*) FROM unit_reviews") == 4, "each reviewed day once, by one of two instances")
            let events = try await stack.readTopic("hotline.escalations.v1", expected: 2).compactMap { message -> [String: Any]? in
                guard let value = message.value,
                      let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      object["trigger"] as? String == "low_rates" else { return nil }
                #expect(message.key.map { String(decoding: $0, as: UTF8.self) } == unit.key, "keyed by unit id")
                return object
            }
            #expect(events.map { $0["type"] as? String ?? "" }.first == "supervision.opened")
            #expect(events.map { $0["type"] as? String ?? "" }.last == "supervision.closed")
            #expect(events.filter { $0["type"] as? String == "supervision.opened" }.count == 1)
            let opened = try #require(events.first)
            #expect(opened["case_id"] == nil)
            #expect((opened["basis"] as? [String: Any])?["article"] as? String == "第十五条（七）")
            let rates = try #require(opened["rates"] as? [String: Any])
            #expect(rates["orders_due"] as? Int == unit.value.count)
            #expect(rates["signed_in_time"] as? Int == 1)
            #expect(rates["below"] as? [String] == ["response_rate"])
            #expect(rates["window_to"] as? String == "2026-10-13")
            let closing = try #require(events.last?["rates"] as? [String: Any])
            #expect(closing["orders_due"] as? Int == 0 && closing["below"] as? [String] == [])
        }
    }
}
