import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Citizen notifications through the real workers (巴林左旗 第二十四条 the right to know
/// progress and result): the caller hears that the case was accepted, extended and
/// resolved and that a callback is coming, on `hotline.notifications.v1`, with the phone
/// and the unit's reply sealed for the SMS/WeChat adapter and nothing else personal; a
/// confidential caller hears the result from the centre (兰溪 四.3).
@Suite(.serialized)
struct NotificationTests {
    static let sealer = ContactSealer(key: CallbackTests.contactKey)

    /// Notifications requested so far (rows in the case history), once the outbox is relayed.
    func requested(_ stack: TestStack, _ expected: Int) async throws {
        try await stack.waitUntil("\(expected) notifications are requested and relayed") {
            let notified = try await stack.count("SELECT count(*) FROM case_history WHERE action = 'notified'")
            let outbox = try await stack.count("SELECT count(*) FROM outbox")
            return notified == expected && outbox == 0
        }
    }

    /// The topic's messages as the adapter reads them: raw text and decoded object, by kind and case id.
    func notifications(_ stack: TestStack, expected: Int) async throws -> [(text: String, json: [String: Any])] {
        try await stack.readTopic("hotline.notifications.v1", expected: expected).compactMap { message in
            guard let value = message.value,
                  let json = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any] else { return nil }
            return (String(decoding: value, as: UTF8.self), json)
        }
    }

    /// What the adapter does: opens a sealed field with the contact key and the notification's event_id.
    func open(_ field: Any?, of notification: [String: Any]) throws -> String {
        let sealed = try #require(field as? [String: String])
        let id = try #require(UUID(uuidString: notification["event_id"] as? String ?? ""))
        return try Self.sealer.open(SealedContact(keyID: sealed["key_id"] ?? "", sealed: sealed["sealed"] ?? ""), for: id)
    }

    /// 长沙: accepted (case number, look up with the phone's last four digits), extended
    /// (第二十一条 「责任单位应向诉求人告知延长期限」), result (第二十二条, told by the unit) and
    /// the automatic callback to come (第二十六条); a redelivered lifecycle event sends nothing twice.
    @Test func changshaTellsAcceptanceExtensionResultAndTheCallback() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            try stack.startWorker("callbacks", extraEnvironment: ["HOTLINE_CLOCK": "simulated"])
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(45, category: "complaint")]).first)
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await stack.unitActs([
                Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-sign-n45"),
                Actions.unit("request_extension", case: order.id, unit: order.lead, id: "ua-ext-n45",
                             ["reason": "需协调多个部门现场勘查", "until": "2026-10-30"]),
            ])
            try await stack.centreActs([Actions.centre("approve_extension", case: order.id, id: "ca-ext-n45")])
            try await stack.unitActs([Actions.unit("submit_result", case: order.id, unit: order.lead, id: "ua-res-n45", Actions.result())])
            try await stack.centreActs([Actions.centre("approve_result", case: order.id, id: "ca-res-n45")])
            try await requested(stack, 4)

            var byKind: [String: [String: Any]] = [:]
            for (text, json) in try await notifications(stack, expected: 4) {
                #expect(json["case_id"] as? String == order.id && json["case_number"] as? String == order.number)
                #expect(try open(json["contact"], of: json) == "13900000045", "the adapter opens the phone with its key and the event_id")
                for personal in ["13900000045", "测试来电人", "小区门口道路破损", "已现场查看", "王某"] {
                    #expect(!text.contains(personal), "no personal data or free text in clear: \(personal)")
                }
                byKind[json["kind"] as? String ?? "?"] = json
            }
            #expect(Set(byKind.keys) == ["accepted", "extended", "result", "callback_request"])

            let accepted = try #require(byKind["accepted"])
            #expect(accepted["lookup_verifier"] as? String == "query_code")
            let extended = try #require(byKind["extended"])
            #expect(extended["handling_due"] as? String == "2026-10-30T23:59:59+08:00")
            #expect((extended["basis"] as? [String: String])?["article"] == "第二十条、第二十一条")
            let result = try #require(byKind["result"])
            #expect(result["outcome"] as? String == "resolved" && result["sender"] as? String == "unit")
            #expect((result["unit"] as? [String: String])?["id"] == order.lead)
            let version = try PolicyFileReader.policy("changsha-2020", root: stack.values.root).version
            #expect((result["basis"] as? [String: String]) == ["policy": "changsha-2020", "policy_version": version, "article": "第二十二条"])
            #expect(try open(result["reply"], of: result) == "已现场查看并修复破损路面", "the unit's reply travels sealed")
            let callback = try #require(byKind["callback_request"])
            #expect(callback["channel"] as? String == "automatic_call")
            let taskID = try #require(UUID(uuidString: callback["task_id"] as? String ?? ""))
            #expect(try await stack.count("SELECT count(*) FROM callback_tasks WHERE id = \(taskID)") == 1)

            // Redelivered: the accepted and extended events again, then the extension under a
            // new event id, which is a new event and is told once more.
            let lifecycle = try await stack.readTopic("hotline.cases.v1", expected: 7).filter { message in
                guard let value = message.value, let json = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any] else { return false }
                return ["case.accepted", "case.extended"].contains(json["type"] as? String)
            }
            let originals = lifecycle.compactMap(\.value)
            try #require(originals.count == 2)
            let extendedOriginal = try #require(originals.first { String(decoding: $0, as: UTF8.self).contains("\"case.extended\"") })
            var renamed = try #require(try JSONSerialization.jsonObject(with: Data(extendedOriginal)) as? [String: Any])
            let markerID = UUID().uuidString.lowercased()
            renamed["event_id"] = markerID
            let marker = Array(try JSONSerialization.data(withJSONObject: renamed))
            try stack.publish(
                originals.map { FixtureLine(key: order.id, rawValue: $0) } + [FixtureLine(key: order.id, rawValue: marker)],
                topic: "hotline.cases.v1")
            try await stack.waitUntil("the new extension event is processed after the redelivered ones") {
                try await stack.count("SELECT count(*) FROM processed_events WHERE consumer = 'callbacks' AND event_id = \(markerID)") == 1
            }
            #expect(try await stack.count("SELECT count(*) FROM case_history WHERE action = 'notified'") == 5)
        }
    }

    /// 兰溪 四.3 「来电人要求保密的,办理结果由市长热线直接向来电人反馈」: the confidential caller's
    /// result comes from the centre, the other caller's from the unit (「办理结果由承办的网络
    /// 成员单位…反馈给来电人」).
    @Test func lanxiTellsAConfidentialCallerTheResultFromTheCentre() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "lanxi-2010", at: "2026-10-12T09:00:00+08:00")
            try stack.startWorker("callbacks", extraEnvironment: [
                "HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "lanxi-2010",
            ])
            // Appeal 63 asks for confidentiality (IntakeEvents: every seventh), 61 does not.
            let cases = try await stack.dispatchedCases([IntakeEvents.appeal(61), IntakeEvents.appeal(63)])
            try #require(cases.count == 2)
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await stack.unitActs(cases.flatMap { order in [
                Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-sign-\(order.number)"),
                Actions.unit("submit_result", case: order.id, unit: order.lead, id: "ua-res-\(order.number)", Actions.result("explained")),
            ] })
            try await stack.centreActs(cases.map { Actions.centre("approve_result", case: $0.id, id: "ca-res-\($0.number)") })
            try await requested(stack, 6)

            var senders: [String: String] = [:]
            for (text, json) in try await notifications(stack, expected: 6) {
                #expect(!text.contains("测试来电人") && !text.contains("139000000"))
                guard json["kind"] as? String == "result", let caseID = json["case_id"] as? String else { continue }
                senders[caseID] = json["sender"] as? String
                #expect(json["outcome"] as? String == "explained")
                #expect((json["basis"] as? [String: String])?["article"] == "四.3")
            }
            #expect(senders == [cases[0].id: "unit", cases[1].id: "centre"])
        }
    }
}
