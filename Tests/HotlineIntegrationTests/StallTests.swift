import Foundation
import HotlineDomain
import Testing

/// DESIGN.md "A deterministic failure never stalls a partition or the relay: it is set aside
/// with its reason after bounded retries", through the real workers.
@Suite(.serialized)
struct StallTests {
    /// Text holding U+0000, a 2 KB key and a message whose dead letter the broker refuses are
    /// each set aside with their reason; the appeals around them get their receipts.
    @Test func badMessagesAndARefusedOutboxRowStallNothing() async throws {
        try await TestStack.with { stack in
            try stack.startWorker("intake")
            // The relay's producer refuses messages over 100,000 bytes, as a broker with a smaller
            // message.max.bytes would: the dead letter of a 90 KB message (base64) is one.
            try stack.startWorker("relay", extraEnvironment: ["HOTLINE_KAFKA_MESSAGE_MAX_BYTES": "100000"])
            var nul = IntakeEvents.appeal(2)
            if case var .object(fields)? = nul.value {
                fields["content"] = .string("小区门口道路破损\u{0}严重，希望尽快修复。")
                nul.value = .object(fields)
            }
            let longKey = FixtureLine(key: String(repeating: "k", count: 2048), value: IntakeEvents.appeal(3).value)
            let tooLarge = FixtureLine(key: "phone:huge", rawValue: Array(repeating: 0x20, count: 90_000))
            let lines = [IntakeEvents.appeal(1), nul, longKey, tooLarge, IntakeEvents.appeal(4)]
            try stack.publish(lines)
            try await stack.waitUntil(timeout: .seconds(120), "every message is answered or set aside, and the outbox drains") {
                let answered = try await stack.count("SELECT coalesce(sum(times_received), 0)::bigint FROM intake_requests")
                let dead = try await stack.count("SELECT count(*) FROM dead_letters")
                let outbox = try await stack.count("SELECT count(*) FROM outbox")
                return answered + dead == lines.count && outbox == 0
            }
            #expect(try await stack.pairs("SELECT reason_code || ' ' || coalesce(field, '-'), count(*) FROM dead_letters GROUP BY 1") == [
                "nul_character /content": 1, "too_large /key": 1, "too_large -": 1,
            ])
            #expect(try await stack.count("SELECT count(*) FROM cases") == 2)
            #expect(try await stack.count("SELECT count(*) FROM outbox_parked WHERE topic = 'hotline.intake.dlq.v1' AND attempts = 3") == 1)
            let parked = try stack.run(["outbox", "parked"], expectSuccess: false)
            #expect(parked.status == 1 && parked.stdout.contains("1 parked row(s)"), "\(parked.output)")
            let reason = try await stack.count("SELECT count(*) FROM dead_letters WHERE reason LIKE '%PostgresTransactionError%' OR reason LIKE '%file:%'")
            #expect(reason == 0, "a reason is a sentence for the sender, never an error dump")

            let receipts = try await stack.readTopic("hotline.intake.receipts.v1", expected: 2)
            #expect(Set(receipts.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == ["phone:T-00000001", "phone:T-00000004"])
            let letters = try await stack.readTopic("hotline.intake.dlq.v1", expected: 2)
            let published = Set(letters.compactMap { letter in letter.headers.first { $0.key == "hotline-event-id" }?.value })
            #expect(published.count == 2, "the two dead letters that fit are published; the third is parked")
            #expect(letters.allSatisfy { ($0.key?.count ?? 0) <= MessageBounds.maximumKeyBytes })
        }
    }

    /// A centre re-dispatch naming the same co-unit twice (the schema allows it) is one
    /// co-unit, and the actions after it on the same partition are applied.
    @Test func aCoUnitNamedTwiceDoesNotStallDispatch() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-09T09:00:00+08:00")
            let cases = try await stack.dispatchedCases([IntakeEvents.appeal(1)])
            let tracked = try #require(cases.first)
            try await stack.centreActs([
                Actions.centre("redispatch", case: tracked.id, id: "ca-redispatch-twice", [
                    "redispatch": .object(["lead_unit": .string("city-urban"), "co_units": .array([.string("city-eco"), .string("city-eco")])]),
                ]),
                Actions.centre("urge", case: tracked.id, id: "ca-urge-after"),
            ])
            #expect(try await stack.count(
                "SELECT count(*) FROM assignments WHERE case_id = \(UUID(uuidString: tracked.id)!) AND current AND role = 'co' AND unit_id = 'city-eco'") == 1)
            let outcomes = try await stack.outcomes(expected: 2)
            #expect(outcomes["ca-redispatch-twice"] == "accepted")
            #expect(outcomes["ca-urge-after"] == "accepted")
            #expect(try await stack.count("SELECT count(*) FROM dead_letters") == 0)
        }
    }
}
