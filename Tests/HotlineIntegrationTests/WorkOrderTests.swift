import Crypto
import Foundation
import HotlineDomain
import HotlineKafka
import HotlineWorkers
import PostgresNIO
import Testing

/// Work orders through the real workers (issue 19): every unit of a round gets its order
/// on `hotline.work-orders.v1`, sealed to its own key in the directory of parties; no other
/// key opens it; a confidential caller's contact is in no order and on no topic (长沙 第十五条,
/// 兰溪 四.3); a re-dispatch and a reopen issue orders for their rounds; a unit without a key
/// gets the order withheld, and the centre reissues it once the key is enrolled; the
/// Python example of CONTRACTS.md opens what the worker sealed.
@Suite(.serialized)
struct WorkOrderTests {
    static let noise = "望月湖小区旁边的工地夜间施工，噪音很大，影响休息。"

    /// A unit's private sealing key, on disk as the unit's system holds it.
    struct UnitKey {
        var file: String
        var privateKey: Curve25519.KeyAgreement.PrivateKey
    }

    /// An appeal about the building site next to 望月湖: 长沙's rules send it to city-housing
    /// with city-urban as co-unit.
    static func noiseAppeal(_ number: Int) -> FixtureLine {
        var line = IntakeEvents.appeal(number, area: "430104007")
        if case var .object(value)? = line.value {
            value["content"] = .string(noise)
            line.value = .object(value)
        }
        return line
    }

    /// The orders on the topic so far, decoded.
    func orders(_ stack: TestStack, expected: Int) async throws -> [WorkOrder] {
        try await stack.readTopic(TopicName.workOrders, expected: expected).map { message in
            #expect(message.key.map { String(decoding: $0, as: UTF8.self) } != nil)
            let order = try JSONDecoder().decode(WorkOrder.self, from: Data(message.value ?? []))
            #expect(message.key.map { String(decoding: $0, as: UTF8.self) } == order.unitID, "keyed by the receiving unit")
            return order
        }
    }

    @Test func eachUnitOpensItsOwnOrderAndNoOther() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            let keys = try enrolSealingKeys(stack, units: try Self.units(stack))
            let appeals = [Self.noiseAppeal(1), IntakeEvents.appeal(2), IntakeEvents.appeal(14)]
            let cases = try await stack.dispatchedCases(appeals)
            try #require(cases.count == 3)
            let assignments = try await stack.count("SELECT count(*) FROM assignments")
            let orders = try await orders(stack, expected: Int(assignments))
            #expect(orders.count == Int(assignments), "one order per unit of each round")
            #expect(try await stack.count("SELECT count(*) FROM work_orders_withheld") == 0)

            let noise = orders.filter { $0.caseNumber == cases[0].number }
            #expect(noise.map { "\($0.unitID) \($0.role.rawValue)" }.sorted() == ["city-housing lead", "city-urban co"])
            for order in orders {
                let key = try #require(keys[order.unitID])
                let content = try WorkOrderSealer.open(order, as: order.unitID, with: key.privateKey)
                let number = try caseFixtureNumber(order, cases: cases)
                #expect(order.kind == .dispatch && order.round == 1)
                #expect(order.signDue.map(RFC3339.formatSeconds) == "2026-10-13T23:59:59+08:00", "长沙 第十七条: sign by the next working day")
                #expect(order.callerConfidential == (number == 14))
                if number == 14 {
                    #expect(content.caller == nil, "长沙 第十五条: a confidential caller is never in a unit's order")
                } else {
                    #expect(content.caller?.name == "测试来电人\(number)")
                    #expect(content.caller?.phone == String(format: "139%08d", number))
                }
                #expect(content.content == (number == 1 ? Self.noise : "第\(number)号诉求：小区门口道路破损严重，坑洼积水，市民出行很不方便，希望尽快修复路面。编号\(number * 7919)"))
                for (unit, other) in keys where unit != order.unitID {
                    #expect(throws: WorkOrderSealingError.self, "\(unit)'s key does not open \(order.unitID)'s order") {
                        try WorkOrderSealer.open(order, as: order.unitID, with: other.privateKey)
                    }
                    #expect(throws: WorkOrderSealingError.self) { try WorkOrderSealer.open(order, as: unit, with: other.privateKey) }
                    break
                }
            }

            // The reference client: a unit's own orders, opened; another unit's key opens none of them.
            let housing = try #require(keys["city-housing"])
            let own = try stack.run(["units", "orders", "--unit", "city-housing", "--key", housing.file, "--from-beginning",
                                     "--idle-timeout", "3", "--format", "json"])
            let printed = own.stdout.split(separator: "\n")
            #expect(printed.count == orders.filter { $0.unitID == "city-housing" }.count)
            #expect(own.stdout.contains(Self.noise) && own.stdout.contains("测试来电人1"))
            #expect(own.stderr.contains("orders of other units passed over"))
            let urban = try #require(keys["city-urban"])
            let stolen = try stack.run(["units", "orders", "--unit", "city-housing", "--key", urban.file, "--from-beginning",
                                        "--idle-timeout", "3"], expectSuccess: false)
            #expect(stolen.status == 1)
            #expect(stolen.stderr.contains("does not open with this private key"))
            #expect(!stolen.stdout.contains(Self.noise) && !stolen.stdout.contains("测试来电人1"))

            // The confidential caller (appeal 14) is on no topic the hotline publishes, sealed or
            // in clear: only in the adapter's own appeal on hotline.intake.v1.
            let everything = try await readEveryTopic(stack)
            #expect(everything.count > orders.count)
            #expect(everything.contains { $0.topic == TopicName.intake && String(decoding: $0.value ?? [], as: UTF8.self).contains("测试来电人14") },
                    "the search would find the caller where the adapter sent it")
            for message in everything where message.topic != TopicName.intake {
                let text = String(decoding: message.value ?? [], as: UTF8.self)
                #expect(!text.contains("测试来电人14") && !text.contains("13900000014"), "\(message.topic) carries the confidential caller")
            }
            let confidential = try #require(orders.first { $0.callerConfidential })
            let opened = try WorkOrderSealer.open(confidential, as: confidential.unitID, with: try #require(keys[confidential.unitID]).privateKey)
            #expect(!String(decoding: try EventJSON.encode(opened), as: UTF8.self).contains("13900000014"))

            // CONTRACTS.md's Python example opens the order the worker sealed, as Swift does.
            let order = try #require(noise.first { $0.unitID == "city-housing" })
            let python = try stack.contractsOpeningExample()
            let orderFile = stack.directory.appendingPathComponent("order.json").path
            try Data(try EventJSON.encode(order)).write(to: URL(fileURLWithPath: orderFile))
            let output = try stack.runTool("/usr/bin/python3", [python, "order", orderFile, "city-housing", housing.file])
            let fromPython = try JSONDecoder().decode(WorkOrderContent.self, from: Data(output.utf8))
            #expect(fromPython == (try WorkOrderSealer.open(order, as: "city-housing", with: housing.privateKey)))
            let refused = try stack.runTool("/usr/bin/python3", [python, "order", orderFile, "city-housing", urban.file], allowFailure: true)
            #expect(refused.contains("InvalidTag"), "the Python example fails on another unit's key")
        }
    }

    /// A re-dispatch (长沙 第二十三条) issues round 2's orders to the new units; a round rated
    /// 不满意 sent back (发回重办, 长沙 第三十三条) issues round 3's with the earlier rounds'
    /// results: round 1 without one, round 2's outcome, rating and (sealed) what was done.
    @Test func aRedispatchAndAReopenIssueOrdersForTheirRounds() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            let keys = try enrolSealingKeys(stack, units: try Self.units(stack))
            try stack.startWorker("callbacks", extraEnvironment: ["HOTLINE_CLOCK": "simulated"])
            let order = try #require(try await stack.dispatchedCases([Self.noiseAppeal(3)]).first)
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await stack.centreActs([Actions.centre("redispatch", case: order.id, id: "ca-redispatch-1", [
                "redispatch": .object(["lead_unit": "city-urban", "co_units": .array(["yuelu-wangyuehu"])]),
            ])])
            let moved = TrackedCase(id: order.id, number: order.number, lead: "city-urban")
            try await stack.resolve([moved])
            try await CallbackTests().answer(stack, moved, id: "ivr-wo-1", rating: "dissatisfied", expectedTasks: 1)
            try await CallbackTests().answer(stack, moved, id: "staff-wo-2", rating: "dissatisfied", expectedTasks: 2)
            try stack.setClock("2026-10-13T10:00:00+08:00")
            try await stack.centreActs([Actions.centre("reopen", case: order.id, id: "ca-reopen-wo")])

            let orders = try await orders(stack, expected: 5)
            #expect(orders.map { "\($0.round) \($0.kind.rawValue) \($0.unitID) \($0.role.rawValue)" }.sorted() == [
                "1 dispatch city-housing lead", "1 dispatch city-urban co",
                "2 redispatch city-urban lead", "2 redispatch yuelu-wangyuehu co",
                "3 reopen city-urban lead", "3 reopen yuelu-wangyuehu co",
            ])
            let redispatched = try #require(orders.first { $0.round == 2 && $0.role == .lead })
            #expect(redispatched.lead.id == "city-urban" && redispatched.coUnits.map(\.id) == ["yuelu-wangyuehu"])
            #expect(redispatched.earlierRounds.isEmpty)
            #expect(redispatched.signDue.map(RFC3339.formatSeconds) == "2026-10-13T23:59:59+08:00")
            for reopened in orders where reopened.round == 3 {
                #expect(reopened.earlierRounds.map { "\($0.round) \($0.unitID) \($0.outcome?.rawValue ?? "-") \($0.rating?.rawValue ?? "-")" }
                    == ["1 city-housing - -", "2 city-urban resolved dissatisfied"])
                #expect(reopened.signDue.map(RFC3339.formatSeconds) == "2026-10-14T23:59:59+08:00")
                let content = try WorkOrderSealer.open(reopened, as: reopened.unitID, with: try #require(keys[reopened.unitID]).privateKey)
                #expect(content.earlierResults.map { "\($0.round) \($0.handledBy ?? "-") \($0.actionTaken ?? "-")" }
                    == ["1 - -", "2 城管执法中队 王某 已现场查看并修复破损路面"])
                #expect(content.caller?.name == "测试来电人3")
            }
        }
    }

    /// No key, no text: a unit without a sealing key gets its order withheld (the clear part
    /// only), `hotline status` names it, and once its key is enrolled `hotline units reissue`
    /// publishes the order again, sealed, naming the first; a second run finds nothing.
    @Test func anOrderWithheldForWantOfAKeyIsReissuedOnceTheKeyIsEnrolled() async throws {
        try await TestStack.with { stack in
            let units = try Self.units(stack).filter { $0 != "city-urban" }
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            var keys = try enrolSealingKeys(stack, units: units)
            let tracked = try #require(try await stack.dispatchedCases([Self.noiseAppeal(4)]).first)
            let first = try await orders(stack, expected: 2)
            let withheld = try #require(first.first { $0.unitID == "city-urban" })
            #expect(withheld.sealed == nil && withheld.withheld == .noSealingKey)
            #expect(first.first { $0.unitID == "city-housing" }?.sealed != nil)
            #expect(try await stack.count("SELECT count(*) FROM work_orders_withheld WHERE unit_id = 'city-urban' AND settled_at IS NULL") == 1)
            let status = try stack.run(["status"], extraEnvironment: ["DATABASE_URL": stack.readerDatabaseURL], expectSuccess: false)
            #expect(status.stdout.contains("WORK ORDERS: 1 withheld, their units had no sealing key: city-urban (1)"))

            keys.merge(try enrolSealingKeys(stack, units: ["city-urban"])) { $1 }
            let reissue = try stack.run(["units", "reissue"])
            #expect(reissue.stdout.contains("reissued 1 work orders; 0 superseded"))
            try await stack.waitUntil("the reissued order is published") { try await stack.count("SELECT count(*) FROM outbox") == 0 }
            let all = try await orders(stack, expected: 3)
            let reissued = try #require(all.first { $0.reissueOf == withheld.eventID })
            #expect(reissued.eventID != withheld.eventID && reissued.caseNumber == tracked.number && reissued.round == 1)
            let content = try WorkOrderSealer.open(reissued, as: "city-urban", with: try #require(keys["city-urban"]).privateKey)
            #expect(content.content == Self.noise && content.caller?.name == "测试来电人4")
            #expect(try stack.run(["units", "reissue"]).stdout.contains("reissued 0 work orders"))
            let after = try stack.run(["status"], extraEnvironment: ["DATABASE_URL": stack.readerDatabaseURL], expectSuccess: false)
            #expect(!after.stdout.contains("WORK ORDERS:"))
        }
    }

    /// The centre reads a case's whole record with its caller opened (`hotline case show`).
    @Test func theCentreReadsACasesWholeRecord() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-12T09:00:00+08:00")
            let tracked = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(14)]).first)
            let shown = try stack.run(["case", "show", "--case-number", tracked.number])
            let record = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            let row = try #require(record["case"] as? [String: Any])
            let caller = try #require(row["caller"] as? [String: Any])
            #expect(caller["name"] as? String == "测试来电人14" && caller["phone"] as? String == "13900000014")
            #expect(caller["confidential"] as? Bool == true)
            #expect((row["content"] as? String)?.hasPrefix("第14号诉求") == true)
            #expect(row["caller_sealed"] == nil)
            #expect((record["assignments"] as? [Any])?.count == 1)
            #expect((record["history"] as? [[String: Any]])?.map { $0["action"] as? String } == ["accepted", "dispatched"])
            let missing = try stack.run(["case", "show", "--case-number", "20261012-999999"], expectSuccess: false)
            #expect(missing.status != 0 && missing.stderr.contains("there is no case 20261012-999999"))
        }
    }

    // MARK: support

    static func units(_ stack: TestStack) throws -> [String] {
        try RoutingLoader.load(file: stack.values.root + "/Ops/routing/changsha.yaml").network.units.map(\.id)
    }

    /// Which of the first test's appeals (1, 2, 14) an order is about: the cases come ordered by external id.
    func caseFixtureNumber(_ order: WorkOrder, cases: [TrackedCase]) throws -> Int {
        let index = try #require(cases.firstIndex { $0.number == order.caseNumber })
        return [1, 2, 14][index]
    }

    /// Every message on every topic of `Topics/`, read by one consumer until the topics are quiet.
    func readEveryTopic(_ stack: TestStack) async throws -> [ConsumedMessage] {
        let topics = try TopicCatalog.load(directory: stack.values.root + "/Topics").map(\.name)
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: stack.kafkaBrokers), groupID: "test-every-topic-\(UUID().uuidString)",
            topics: topics, logger: stack.logger)
        var messages: [ConsumedMessage] = []
        while true {
            let batch = await consumer.nextBatch(maxMessages: 1000, timeout: messages.isEmpty ? .seconds(20) : .seconds(4))
            if batch.isEmpty { break }
            messages += batch
        }
        consumer.stopFetching()
        await consumer.close()
        return messages
    }
}

extension WorkOrderTests {
    /// Gives each unit a sealing key as the directory's administrator does on a test stack
    /// (`hotline parties sync-units`, `hotline parties keys issue`, over the owner's login):
    /// the private key in `<unit>.sealing.key` in the test's folder, as the unit's system
    /// keeps it, the public key enrolled, valid from the shared simulated clock's now.
    func enrolSealingKeys(_ stack: TestStack, units: [String]) throws -> [String: UnitKey] {
        let owner = ["DATABASE_URL": stack.ownerDatabaseURL, "HOTLINE_CLOCK": "simulated"]
        try stack.run(["parties", "sync-units", "--routing-file", stack.values.root + "/Ops/routing/changsha.yaml", "--by", "test"], extraEnvironment: owner)
        let folder = stack.directory.appendingPathComponent("keys").path
        try stack.run(["parties", "keys", "issue", "--purpose", "sealing", "--key-dir", folder, "--by", "test"] + units.flatMap { ["--party", $0] },
                      extraEnvironment: owner)
        var keys: [String: UnitKey] = [:]
        for unit in units {
            let file = "\(folder)/\(unit).sealing.key"
            keys[unit] = UnitKey(file: file, privateKey: try PartyKeyFile.sealingKey(at: file))
        }
        return keys
    }
}
