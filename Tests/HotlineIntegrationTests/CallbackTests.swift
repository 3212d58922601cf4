import Foundation
import HotlineDomain
import HotlineWorkers
import PostgresNIO
import Testing

/// Callbacks (回访) through the real workers under 长沙's rules (第二十五、二十六条): every
/// resolved case gets an automatic call; a rating closes the round; an automatic
/// 不满意 is called again by a person within 1 working day; silence for 72 hours
/// counts as 基本满意; a result for an unknown or already rated task, or a malformed
/// one, is refused and changes nothing.
@Suite(.serialized)
struct CallbackTests {
    static let contactKey = KeyConfiguration.DataKey(id: "contact1", key: Array(repeating: 5, count: 32))

    static func result(_ id: String, task: String, _ fields: [String: JSONValue]) -> FixtureLine {
        var value: [String: JSONValue] = [
            "schema_version": .integer(1), "event_id": .string(id), "task_id": .string(task),
            "called_by": "ivr-01", "called_at": "2026-10-12T11:00:00+08:00",
        ]
        value.merge(fields) { $1 }
        return FixtureLine(key: task, value: .object(value))
    }

    static let answered: [String: JSONValue] = ["outcome": "answered", "resolved": .bool(true)]

    /// The latest task (highest round, then attempt) issued per case, as an adapter reads them.
    func tasks(_ stack: TestStack, expected: Int) async throws -> [String: [String: Any]] {
        var byCase: [String: [String: Any]] = [:]
        for message in try await stack.readTopic("hotline.callback-tasks.v1", expected: expected) {
            guard let value = message.value, let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                  let caseID = object["case_id"] as? String else { continue }
            let order = { (task: [String: Any]?) in ((task?["round"] as? Int) ?? 0) * 100 + ((task?["attempt"] as? Int) ?? 0) }
            if order(byCase[caseID]) < order(object) { byCase[caseID] = object }
        }
        return byCase
    }

    @Test func changshaCallbacksRateFollowUpAndDeem() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            try stack.startWorker("callbacks", extraEnvironment: ["HOTLINE_CLOCK": "simulated"])
            let cases = try await stack.dispatchedCases((41...43).map { IntakeEvents.appeal($0, category: "consultation") })
            try #require(cases.count == 3)
            let (pleased, displeased, silent) = (cases[0], cases[1], cases[2])
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await stack.resolve(cases)
            try await stack.waitUntil("each resolved case has a callback task") {
                try await stack.count("SELECT count(*) FROM callback_tasks") == 3
            }

            let first = try await tasks(stack, expected: 3)
            let sealer = ContactSealer(key: Self.contactKey)
            for (order, number) in zip(cases, 41...43) {
                let task = try #require(first[order.id])
                #expect(task["channel"] as? String == "automatic_call")
                #expect(task["due_at"] as? String == "2026-10-13T23:59:59+08:00", "limits.callback: 1 working day")
                #expect(task["answer_by"] as? String == "2026-10-15T10:00:00+08:00", "第二十六条: 72 hours to answer")
                let contact = try #require(task["contact"] as? [String: String])
                let taskID = try #require(UUID(uuidString: task["task_id"] as? String ?? ""))
                #expect(try sealer.open(.init(keyID: contact["key_id"] ?? "", sealed: contact["sealed"] ?? ""), for: taskID)
                        == String(format: "139%08d", number))
            }
            let pleasedTask = try #require(first[pleased.id]?["task_id"] as? String)
            let displeasedTask = try #require(first[displeased.id]?["task_id"] as? String)
            try stack.publish([
                Self.result("ivr-res-0001", task: pleasedTask, Self.answered.merging(["rating": "satisfied"]) { $1 }),
                Self.result("ivr-res-0002", task: displeasedTask, ["outcome": "answered", "rating": "dissatisfied", "resolved": .bool(false)]),
                Self.result("ivr-res-0003", task: UUID().uuidString.lowercased(), Self.answered.merging(["rating": "satisfied"]) { $1 }),
                Self.result("ivr-res-0004", task: pleasedTask, ["outcome": "answered", "resolved": .bool(true)]),
            ], topic: "hotline.callback-results.v1")
            try await stack.waitUntil("the automatic 不满意 is followed by a manual callback") {
                try await stack.count("SELECT count(*) FROM callback_tasks WHERE attempt = 2 AND channel = 'manual'") == 1
            }
            let followUp = try #require(try await tasks(stack, expected: 4)[displeased.id])
            #expect(followUp["attempt"] as? Int == 2)
            #expect(followUp["due_at"] as? String == "2026-10-13T23:59:59+08:00", "第二十六条: a person calls within 1 working day")
            #expect(followUp["answer_by"] is NSNull)
            try stack.publish([
                Self.result("staff-res-0005", task: try #require(followUp["task_id"] as? String), [
                    "outcome": "answered", "rating": "basically_satisfied", "resolved": .bool(true),
                    "comment": "来电人李女士表示路已修好但施工噪音仍有", "called_by": "hf-wangfang",
                ]),
                Self.result("ivr-res-0006", task: pleasedTask, Self.answered.merging(["rating": "dissatisfied"]) { $1 }),
            ], topic: "hotline.callback-results.v1")

            try await stack.waitUntil("the manual callback's rating is recorded") {
                try await stack.count("SELECT count(*) FROM callback_tasks WHERE state = 'rated'") == 2
            }
            // 72 hours after the automatic call, the silent citizen's rating is 基本满意.
            try stack.setClock("2026-10-15T10:00:01+08:00")
            try await stack.waitUntil("three rounds are rated") {
                try await stack.count("SELECT count(*) FROM callback_tasks WHERE state = 'rated'") == 3
            }
            try await stack.waitUntil("the outbox is relayed") { try await stack.count("SELECT count(*) FROM outbox") == 0 }

            var ratings: [String: String] = [:]
            for message in try await stack.readTopic("hotline.cases.v1", expected: 30) {
                guard let value = message.value, let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      object["type"] as? String == "case.rated", let caseID = object["case_id"] as? String else { continue }
                #expect(object["comment"] == nil, "the comment never leaves PostgreSQL")
                ratings[caseID] = "\(object["rating"] ?? "") \(object["source"] ?? "") \(object["channel"] ?? "") \(object["attempt"] ?? "")"
            }
            #expect(ratings[pleased.id] == "satisfied caller automatic_call 1")
            #expect(ratings[displeased.id] == "basically_satisfied caller manual 2")
            #expect(ratings[silent.id] == "basically_satisfied deemed automatic_call 1")
            #expect(ratings.count == 3)

            var outcomes: [String: String] = [:]
            for message in try await stack.readTopic("hotline.callback-outcomes.v1", expected: 6) {
                guard let value = message.value, let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      let id = object["result_event_id"] as? String else { continue }
                outcomes[id] = object["type"] as? String == "callback.result_accepted" ? "accepted" : (object["reason_code"] as? String ?? "?")
            }
            #expect(outcomes == [
                "ivr-res-0001": "accepted", "ivr-res-0002": "accepted", "ivr-res-0003": "unknown_task",
                "ivr-res-0004": "malformed", "staff-res-0005": "accepted", "ivr-res-0006": "already_rated",
            ])
            #expect(try await stack.count("SELECT count(*) FROM dead_letters WHERE topic = 'hotline.callback-results.v1'") == 1)
            #expect(try await stack.count(
                "SELECT count(*) FROM callback_tasks WHERE id = \(UUID(uuidString: pleasedTask)!) AND rating = 'satisfied'") == 1,
                "a refused result changes nothing")
            #expect(try await stack.count(
                "SELECT count(*) FROM callback_tasks WHERE comment_sealed IS NOT NULL AND position(convert_to('李女士', 'UTF8') IN comment_sealed) = 0") == 1,
                "the comment is kept sealed")
            #expect(try await stack.count("SELECT count(*) FROM case_clocks WHERE obligation = 'callback' AND state = 'met'") == 3)
            // Rated 满意 or 基本满意, each case is closed; with no appeal possible, it is archived (归档).
            try await stack.waitUntil("each case is closed and archived") {
                try await stack.count("SELECT count(*) FROM cases WHERE status = 'archived' AND closed_at IS NOT NULL AND archived_at IS NOT NULL") == 3
            }

            // 巴林左旗 第二十四条: the caller looks the case up with the query code of its receipt
            // (derived from the case id as intake derives it), as the lookup's login.
            let issuer = try QueryCodeIssuer(configuration: try HotlineConfiguration.fromEnvironment(stack.environment).keys)
            let code = issuer.code(for: try #require(UUID(uuidString: pleased.id)))
            let asLookup = ["DATABASE_URL": stack.lookupDatabaseURL]
            let lookup = try stack.run(["lookup", "--case-number", pleased.number, "--query-code", code.description, "--json"], extraEnvironment: asLookup).stdout
            let progress = try #require(try JSONSerialization.jsonObject(with: Data(lookup.utf8)) as? [String: Any])
            #expect(progress["status"] as? String == "archived" && progress["rating"] as? String == "satisfied")
            #expect((progress["result"] as? [String: Any])?["outcome"] as? String == "resolved" && progress["category"] as? String == "consultation")
            #expect(!lookup.contains("13900000041") && !lookup.contains("测试来电人"), "no personal data")
            let wrongCode = QueryCode(derivedFrom: UInt64(code.digits)! + 1).description
            let wrong = try stack.run(["lookup", "--case-number", pleased.number, "--query-code", wrongCode], extraEnvironment: asLookup, expectSuccess: false)
            let unknown = try stack.run(["lookup", "--case-number", "20261012-999999", "--query-code", code.description], extraEnvironment: asLookup, expectSuccess: false)
            #expect(wrong.status != 0 && unknown.status != 0)
            let answer = { (result: ProgramResult, number: String) in
                result.output.split(separator: "\n").filter { $0.hasPrefix("hotline:") }.map { $0.replacingOccurrences(of: number, with: "N") }
            }
            #expect(!answer(wrong, pleased.number).isEmpty)
            #expect(answer(wrong, pleased.number) == answer(unknown, "20261012-999999"), "a wrong code and an unknown number look the same")
            #expect(try await stack.count("SELECT count(*) FROM lookup_attempts WHERE client = 'cli'") == 3, "the command line's tries are audited too")
            #expect(try await stack.count("SELECT count(*) FROM case_clocks WHERE obligation = 'callback' AND overdue_at IS NOT NULL") == 0)

            // The comment is sealed under its case's data key: a key rotation re-wraps that key and
            // the comment still opens, under the new key alone. The archive holds no ciphertext but
            // the history rows as stored, whose free text stays sealed under the case's data key.
            #expect(try await stack.count("SELECT count(*) FROM callback_tasks WHERE comment_sealed IS NOT NULL AND comment_key_id = 'case'") == 1)
            let rotated = ["HOTLINE_DATA_KEY": KeyRotationTests.newKey, "HOTLINE_DATA_KEYS_PREVIOUS": KeyRotationTests.oldKey]
            #expect(try stack.run(["keys", "reencrypt"], extraEnvironment: rotated).stdout.contains(": 3 case data keys re-wrapped, 0 older cases given their own data key, 0 callback comments"))
            let newOnly = ["HOTLINE_DATA_KEY": KeyRotationTests.newKey]
            #expect(try stack.run(["case", "show", "--case-number", displeased.number], extraEnvironment: newOnly).stdout.contains("来电人李女士表示路已修好"))
            #expect(try await stack.count("SELECT count(*) FROM case_archive WHERE (record - 'history')::text LIKE '%sealed%'") == 0)
        }
    }

    /// Answers a case's latest callback task and waits until it is applied.
    func answer(_ stack: TestStack, _ order: TrackedCase, id: String, rating: String, expectedTasks: Int) async throws {
        let task = try #require(try await tasks(stack, expected: expectedTasks)[order.id]?["task_id"] as? String)
        try stack.publish(
            [Self.result(id, task: task, ["outcome": "answered", "rating": .string(rating), "resolved": .bool(rating != "dissatisfied")])],
            topic: "hotline.callback-results.v1")
        try await stack.waitUntil("callback result \(id) is applied") {
            try await stack.count("SELECT count(*) FROM processed_events WHERE consumer = 'callbacks' AND event_id = \(id)") == 1
        }
    }

    /// 长沙 第三十三条 发回重办: a round the citizen rates 不满意 twice (the automatic call and
    /// the person after it) stays resolved for the centre; sent back, it is a new round
    /// with a new handling clock; rated 不满意 again, it is supervised (第三十四条（三）);
    /// the centre closes it. A close with excessive_demand is refused (长沙 has no 兰溪 四.5).
    @Test func aReopenedRoundStillDissatisfiedIsSupervisedAndClosedByTheCentre() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            try stack.startWorker("callbacks", extraEnvironment: ["HOTLINE_CLOCK": "simulated"])
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(51, category: "complaint")]).first)
            let caseID = UUID(uuidString: order.id)!
            func handle(_ round: Int) async throws {
                try await stack.unitActs([
                    Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-sign-r\(round)"),
                    Actions.unit("submit_result", case: order.id, unit: order.lead, id: "ua-res-r\(round)", Actions.result()),
                ])
                try await stack.centreActs([Actions.centre("approve_result", case: order.id, id: "ca-res-r\(round)")])
            }
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await handle(1)
            try await answer(stack, order, id: "ivr-r1-0001", rating: "dissatisfied", expectedTasks: 1)
            try await answer(stack, order, id: "staff-r1-0002", rating: "dissatisfied", expectedTasks: 2)
            #expect(try await stack.state(order).status == "resolved", "a 不满意 waits for the centre")

            try stack.setClock("2026-10-13T10:00:00+08:00")
            try await stack.centreActs([
                Actions.centre("close_case", case: order.id, id: "ca-close-excessive", ["excessive_demand": .bool(true)]),
                Actions.centre("reopen", case: order.id, id: "ca-reopen-0001"),
            ])
            #expect(try await stack.state(order).status == "dispatched")
            #expect(try await stack.count(
                """
                SELECT count(*) FROM case_clocks WHERE case_id = \(caseID) AND round = 2 AND obligation = 'sign' AND state = 'open'
                  AND due_at = '2026-10-14T23:59:59+08:00'
                """) == 1, "a new round: the unit signs again by the next working day (第十七条)")

            try await handle(2)
            try await answer(stack, order, id: "ivr-r2-0001", rating: "dissatisfied", expectedTasks: 3)
            try await answer(stack, order, id: "staff-r2-0002", rating: "dissatisfied", expectedTasks: 4)
            try await stack.waitUntil("the second 不满意 opens a repeat_dissatisfied 督办") {
                try await stack.count(
                    "SELECT count(*) FROM supervisions WHERE case_id = \(caseID) AND trigger = 'repeat_dissatisfied' AND closed_at IS NULL") == 1
            }
            try await stack.centreActs([Actions.centre("close_case", case: order.id, id: "ca-close-0002")])
            #expect(try await stack.state(order).status == "closed", "第二十七条: the unit may still appeal the 不满意 for 5 working days")
            try await stack.waitUntil("closing the case closes its 督办") {
                try await stack.count(
                    "SELECT count(*) FROM supervisions WHERE case_id = \(caseID) AND trigger = 'repeat_dissatisfied' AND close_reason = 'closed'") == 1
            }
            let outcomes = try await stack.outcomes(expected: 9)
            #expect(outcomes["ca-close-excessive"] == "not_provided")
            #expect(outcomes["ca-reopen-0001"] == "accepted")
            #expect(outcomes["ca-close-0002"] == "accepted")
            let steps = try await stack.readTopic("hotline.cases.v1", expected: 20).compactMap { message -> String? in
                guard let value = message.value, let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      let type = object["type"] as? String, ["case.reopened", "case.closed", "case.dispatched"].contains(type) else { return nil }
                return "\(type) \(object["round"] ?? "")"
            }
            #expect(steps.sorted() == ["case.closed 2", "case.dispatched 1", "case.dispatched 2", "case.reopened 2"])

            // Rated on 10-13, the appeal window closes at the end of 10-20: then the case is archived, read-only.
            try stack.setClock("2026-10-20T22:00:00+08:00")
            try await Task.sleep(for: .seconds(1))
            #expect(try await stack.state(order).status == "closed")
            try stack.setClock("2026-10-21T00:00:01+08:00")
            try await stack.waitUntil("the case is archived once no appeal can change it") { try await stack.state(order).status == "archived" }
            let shown = try stack.run(["archive", "--case-number", order.number]).stdout
            let archived = try #require(try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])
            let record = try #require(archived["record"] as? [String: Any])
            let history = try #require(record["history"] as? [[String: Any]])
            #expect(history.count == Int(try await stack.count("SELECT count(*) FROM case_history WHERE case_id = \(caseID) AND action <> 'archived'")),
                    "the whole history as it stood")
            #expect((record["callbacks"] as? [[String: Any]])?.count == 4 && (record["assignments"] as? [[String: Any]])?.count == 2)
            #expect(!shown.contains("13900000051") && !shown.contains("测试来电人"), "the caller's data stays sealed")
            await #expect(throws: (any Error).self, "the archive is read-only") {
                try await stack.client.query("UPDATE case_archive SET archived_at = now() WHERE case_id = \(caseID)", logger: stack.logger)
            }
            await #expect(throws: (any Error).self) {
                try await stack.client.query("DELETE FROM case_archive WHERE case_id = \(caseID)", logger: stack.logger)
            }
            let late = try stack.run(["archive", "--case-number", "20261012-999999"], expectSuccess: false)
            #expect(late.status != 0)
        }
    }

    /// 兰溪 四.5: the unit did its duty, the caller is still 不满意 and asks too much; the
    /// centre closes the case as an excessive demand, and the same caller's repeat call
    /// about it is not accepted again (receipt `closed_excessive_demand`).
    @Test func lanxiClosesAnExcessiveDemandAndRefusesItsRepeats() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "lanxi-2010", at: "2026-10-12T09:00:00+08:00")
            try stack.startWorker("callbacks", extraEnvironment: [
                "HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "lanxi-2010",
            ])
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(61, category: "complaint")]).first)
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await stack.unitActs([
                Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-sign-lx01"),
                Actions.unit("submit_result", case: order.id, unit: order.lead, id: "ua-res-lx01", Actions.result()),
            ])
            try await stack.centreActs([Actions.centre("approve_result", case: order.id, id: "ca-res-lx01")])
            try await answer(stack, order, id: "staff-lx-0001", rating: "dissatisfied", expectedTasks: 1)
            try await stack.centreActs([
                Actions.centre("close_case", case: order.id, id: "ca-close-lx01", ["excessive_demand": .bool(true)]),
            ])
            try await stack.waitUntil("兰溪 has no rating appeal: the closed case is archived at once") {
                try await stack.state(order).status == "archived"
            }

            var repeatCall = IntakeEvents.appeal(61, category: "complaint", eventID: "evt-test-repeat-61")
            if case var .object(fields)? = repeatCall.value {
                fields["external_id"] = "T-REPEAT-61"
                repeatCall = FixtureLine(key: "phone:T-REPEAT-61", value: .object(fields))
            }
            try stack.publish([repeatCall])
            try await stack.waitUntil("the repeat call is answered") {
                try await stack.count("SELECT count(*) FROM intake_requests WHERE external_id = 'T-REPEAT-61'") == 1
            }
            #expect(try await stack.count(
                "SELECT count(*) FROM intake_requests WHERE external_id = 'T-REPEAT-61' AND outcome = 'not_accepted' AND reason_code = 'closed_excessive_demand'") == 1)
            #expect(try await stack.count("SELECT count(*) FROM cases") == 1, "no new case")
        }
    }
}
