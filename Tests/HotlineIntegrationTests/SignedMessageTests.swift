import Foundation
import HotlineDomain
import HotlineWorkers
import PostgresNIO
import Testing

/// Issue 19 through the real workers: only a party acts for itself. An action signed by
/// another unit's key, by a revoked key, unsigned, or replayed with other content is
/// refused and changes nothing; a knowledge approval not signed by the centre is refused;
/// under 宜宾 a unit's result for a callback task it did not perform is refused.
@Suite(.serialized)
struct SignedMessageIntegrationTests {
    /// Waits until the dead letters of `topic` number `count`, and the outbox is empty.
    func deadLetters(_ stack: TestStack, topic: String, count: Int) async throws -> [String: Int64] {
        try await stack.waitUntil(timeout: .seconds(60), "\(count) dead letters on \(topic)") {
            let letters = try await stack.count("SELECT count(*) FROM dead_letters WHERE topic = \(topic)")
            let outbox = try await stack.count("SELECT count(*) FROM outbox")
            return letters == count && outbox == 0
        }
        return try await stack.pairs("SELECT reason_code, count(*) FROM dead_letters WHERE topic = \(topic) GROUP BY reason_code")
    }

    /// A unit that is not `unit`, from the routing file.
    static func another(than unit: String) -> String { unit == "city-urban" ? "city-eco" : "city-urban" }

    @Test func onlyTheLeadUnitsOwnValidKeyMovesItsCase() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(1)]).first)
            let other = Self.another(than: order.lead)

            // Signed by another unit's key while naming the lead: forbidden, answered to the signer only.
            var forged = Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-forged")
            forged.signAs = other
            try stack.publish([forged], topic: TopicName.unitActions)
            // Unsigned: written without sign_as.
            let unsigned = stack.directory.appendingPathComponent("unsigned.jsonl")
            try Data(Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-unsigned").jsonLine.utf8).write(to: unsigned)
            try stack.run(["publish", "--topic", TopicName.unitActions, unsigned.path])
            #expect(try await deadLetters(stack, topic: TopicName.unitActions, count: 2) == ["forbidden": 1, "unauthenticated": 1])
            #expect(try await stack.state(order).status == "dispatched")
            let refusal = try #require(try await stack.readTopic(TopicName.actionOutcomes, expected: 1).first?.value)
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(refusal)) as? [String: Any])
            #expect(answer["reason_code"] as? String == "forbidden")
            #expect((answer["actor"] as? [String: Any])?["unit_id"] as? String == other, "the outcome goes to the true sender")
            #expect((answer["reason"] as? String)?.contains(order.lead) == false, "the refusal names no other party")

            // The lead's own sign is accepted; the same event id with other content is a replay.
            try await stack.unitActs([Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-sign-0001")])
            #expect(try await stack.state(order).status == "signed")
            try stack.publish([Actions.unit("submit_result", case: order.id, unit: order.lead, id: "ua-sign-0001", Actions.result())], topic: TopicName.unitActions)
            #expect(try await deadLetters(stack, topic: TopicName.unitActions, count: 3)["unauthenticated"] == 2)
            #expect(try await stack.state(order).status == "signed")

            // After the lead's key is revoked, nothing it signs counts.
            let keyID = try #require(stack.run(["parties", "keys", "list", "--party", order.lead]).stdout.split(separator: "\t").first.map(String.init))
            try stack.run(["parties", "keys", "revoke", "--key-id", keyID, "--reason", "test: the key file was lost", "--by", "test"],
                          extraEnvironment: ["DATABASE_URL": stack.ownerDatabaseURL])
            try stack.publish([Actions.unit("submit_result", case: order.id, unit: order.lead, id: "ua-res-revoked", Actions.result())], topic: TopicName.unitActions)
            #expect(try await deadLetters(stack, topic: TopicName.unitActions, count: 4)["unauthenticated"] == 3)
            #expect(try await stack.state(order).status == "signed")
            #expect(try await stack.count("SELECT count(*) FROM party_key_changes WHERE change = 'key_revoked' AND changed_by = 'test'") == 1)
        }
    }

    /// Issue 19: event ids are each sender's own. Another unit's action carrying the id the
    /// lead will use is refused for what it is (not its case) and takes nothing from the lead:
    /// the lead's own action with that id is applied, not refused as a replay.
    @Test func anotherPartysMessageCannotTakeAUnitsEventID() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(1)]).first)
            let other = Self.another(than: order.lead)
            try await stack.unitActs([Actions.unit("sign", case: order.id, unit: other, id: "ua-shared-0001")])
            #expect(try await stack.state(order).status == "dispatched")
            try stack.publish([Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-shared-0001")], topic: TopicName.unitActions)
            try await stack.waitUntil(timeout: .seconds(60), "the lead's sign is applied") { try await stack.state(order).status == "signed" }
            #expect(try await stack.count("SELECT count(*) FROM dead_letters WHERE topic = \(TopicName.unitActions)") == 0)
            #expect(try await stack.pairs(
                "SELECT sender, count(*) FROM processed_events WHERE consumer = 'dispatch' AND event_id = 'ua-shared-0001' GROUP BY sender")
                == [other: 1, order.lead: 1])
        }
    }

    @Test func aKnowledgeApprovalNotSignedByTheCentreIsRefused() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-21T09:00:00+08:00")
            let entry = KnowledgeBaseTests.published("water-cut", unit: "water", duty: "water-supply", id: "kb-entry")
            var selfApproval = KnowledgeBaseTests.reviewed("water-cut", version: 1, id: "kb-self-approval")
            selfApproval.signAs = "water"
            try stack.publish([entry, selfApproval], topic: TopicName.knowledge)
            #expect(try await deadLetters(stack, topic: TopicName.knowledge, count: 1) == ["forbidden": 1])
            #expect(try await stack.count("SELECT count(*) FROM knowledge_entries WHERE state = 'pending'") == 1)
            try stack.publish([KnowledgeBaseTests.reviewed("water-cut", version: 1, id: "kb-centre-approval")], topic: TopicName.knowledge)
            try await stack.waitUntil("the centre's approval is applied") {
                try await stack.count("SELECT count(*) FROM knowledge_entries WHERE state = 'approved'") == 1
            }
        }
    }

    /// 宜宾 第十一条（五）2 「责任单位对所经办的信件，要跟踪回访」: the lead unit calls back, and only it.
    @Test func underYibinAUnitsResultForATaskItDidNotPerformIsRefused() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "yibin-2007", at: "2026-10-12T09:00:00+08:00")
            try stack.startWorker("callbacks", extraEnvironment: ["HOTLINE_CLOCK": "simulated"])
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(1)]).first)
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await stack.resolve([order])
            try await stack.waitUntil("the resolved case has a callback task") {
                try await stack.count("SELECT count(*) FROM callback_tasks WHERE performer_unit_id IS NOT NULL") == 1
            }
            let task = try #require(try await stack.readTopic(TopicName.callbackTasks, expected: 1).first?.value)
            let taskID = try #require((try JSONSerialization.jsonObject(with: Data(task)) as? [String: Any])?["task_id"] as? String)
            let rating: [String: JSONValue] = ["outcome": "answered", "resolved": .bool(true), "rating": "satisfied"]
            var byOther = CallbackTests.result("cb-other-unit-0001", task: taskID, rating)
            byOther.signAs = Self.another(than: order.lead)
            var byDesk = CallbackTests.result("cb-desk-0001", task: taskID, rating)
            byDesk.signAs = TestStack.callbackDesk
            try stack.publish([byOther, byDesk], topic: TopicName.callbackResults)
            #expect(try await deadLetters(stack, topic: TopicName.callbackResults, count: 2) == ["forbidden": 2])
            #expect(try await stack.count("SELECT count(*) FROM callback_tasks WHERE state = 'open'") == 1)
            var byLead = CallbackTests.result("cb-lead-0001", task: taskID, rating)
            byLead.signAs = order.lead
            try stack.publish([byLead], topic: TopicName.callbackResults)
            try await stack.waitUntil("the performer's result rates the task") {
                try await stack.count("SELECT count(*) FROM callback_tasks WHERE state = 'rated'") == 1
            }
        }
    }
}
