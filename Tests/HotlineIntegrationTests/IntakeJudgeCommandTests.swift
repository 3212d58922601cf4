import Foundation
import HotlineDomain
import Testing

/// `hotline intake judge` as the demo's generator runs it: the real executable on a fixture
/// file, no database or broker.
@Suite struct IntakeJudgeCommandTests {
    func judge(_ file: String, _ arguments: [String] = []) throws -> ProgramResult {
        let values = try TestEnvironment.require()
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOTLINE_") }
        environment["HOTLINE_POLICY_DIR"] = values.root + "/Ops/policies"
        environment["HOTLINE_ROUTING_FILE"] = values.root + "/Ops/routing/changsha.yaml"
        return try TestStack.hotline(values, ["intake", "judge", file] + arguments, environment: environment)
    }

    /// The judgements of a file of lines, one object per line.
    func judged(_ lines: [FixtureLine]) throws -> [[String: JSONValue]] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("judge-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(lines.map(\.jsonLine).joined(separator: "\n").utf8).write(to: file)
        let result = try judge(file.path)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map { line in
            guard case let .object(object) = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)) else {
                throw StackError("not a JSON object: \(line)")
            }
            return object
        }
    }

    func appeal(
        _ id: String, phone: String, content: String, channel: String = "phone", receivedAt: String = "2026-10-12T09:00:00+08:00",
        category: String? = "consultation", area: String? = "430104", eventID: String? = nil, extra: [String: JSONValue] = [:]
    ) -> FixtureLine {
        var value: [String: JSONValue] = [
            "schema_version": .integer(1), "event_id": .string(eventID ?? "evt-judge-\(id)"), "channel": .string(channel),
            "external_id": .string(id), "received_at": .string(receivedAt),
            "caller": .object(["name": .string("测试来电人"), "phone": .string(phone)]), "content": .string(content),
        ]
        if let category { value["category"] = .string(category) }
        if let area { value["area_code"] = .string(area) }
        value.merge(extra) { _, new in new }
        return FixtureLine(key: "\(channel):\(id)", value: .object(value))
    }

    static let reimbursement = "请问在外地住院的医保报销流程是怎样的？异地就医需要提前备案吗？"

    /// 鄂尔多斯 第十八条（四）, as policy `repeat`: the caller's second call about the case still
    /// open is merged into it, even with the number written another way, while another caller
    /// with the same words gets a case of their own; the first appeal published again gets the
    /// same answer, not a second case.
    @Test func aRepeatOfTheSameCallerIsMergedAndARepublishedAppealIsADuplicate() throws {
        let results = try judged([
            appeal("J-1", phone: "13900000001", content: Self.reimbursement),
            appeal("J-2", phone: "+86-139-0000-0001", content: "再次反映：" + Self.reimbursement, channel: "wechat",
                   receivedAt: "2026-10-13T10:00:00+08:00"),
            appeal("J-1", phone: "13900000001", content: Self.reimbursement, eventID: "evt-judge-J-1-again"),
            appeal("J-4", phone: "13900000002", content: "再次反映：" + Self.reimbursement, receivedAt: "2026-10-12T11:00:00+08:00"),
        ])
        try #require(results.count == 4)
        #expect(results[0]["outcome"] == "accepted" && results[0]["case_number"] == "20261012-000001")
        #expect(results[0]["lead_unit"] == "city-medinsure" && results[0]["rule"] == "medical-insurance")
        #expect(results[1]["outcome"] == "merged" && results[1]["merged_into"] == "phone:J-1")
        #expect(results[1]["reason_code"] == "repeat_of_open_case" && results[1]["article"] == "第十三条（六）")
        #expect(results[2]["outcome"] == "accepted" && results[2]["duplicate"] == .bool(true))
        #expect(results[2]["case_number"] == "20261012-000001" && results[2]["line"] == .integer(3))
        #expect(results[3]["outcome"] == "accepted" && results[3]["case_number"] == "20261012-000002")
    }

    /// 长沙 第十三条（二） sends a fire to 119; a case no routing rule takes waits for a
    /// dispatcher; an appeal naming a case number joins that case when its own caller calls,
    /// and opens a case of its own when someone else names it; bad input gets the decoder's
    /// dead letter.
    @Test func redirectsManualQueueNamedCasesAndDeadLetters() throws {
        let results = try judged([
            appeal("K-1", phone: "13900000011", content: Self.reimbursement),
            appeal("K-2", phone: "13900000012", content: "我家楼下的餐馆着火了，火势很大，快来人！", category: nil),
            appeal("K-3", phone: "13900000013", content: "请问养犬登记在哪里办理，需要带什么证件？", area: nil),
            appeal("K-4", phone: "13900000011", content: "上次反映的报销问题还没有人联系我。", channel: "app", category: nil,
                   extra: ["refers_to_case": .string("20261012-000001")]),
            appeal("K-5", phone: "13900000015", content: Self.reimbursement, extra: ["priority": .string("high")]),
            FixtureLine(key: "phone:K-6", rawValue: Array("{\"schema_version\": 1, ".utf8)),
            appeal("K-7", phone: "13900000017", content: "上次反映的报销问题还没有人联系我。", channel: "app", category: nil,
                   extra: ["refers_to_case": .string("20261012-000001")]),
        ])
        try #require(results.count == 7)
        #expect(results[1]["outcome"] == "redirected" && results[1]["reason_code"] == "emergency_fire")
        #expect(results[1]["redirect_to"] == "119" && results[1]["case_number"] == nil)
        #expect(results[2]["outcome"] == "accepted" && results[2]["lead_unit"] == .null && results[2]["rule"] == .null)
        #expect(results[3]["outcome"] == "merged" && results[3]["merged_into"] == "phone:K-1")
        #expect(results[4]["outcome"] == "dead_letter" && results[4]["reason_code"] == "schema_violation")
        #expect(results[4]["field"] == "/priority")
        #expect(results[5]["outcome"] == "dead_letter" && results[5]["reason_code"] == "invalid_json" && results[5]["key"] == "phone:K-6")
        #expect(results[6]["outcome"] == "accepted" && results[6]["merged_into"] == nil, "a stranger naming the case is not merged into it")
    }

    /// The demo fixture's "expect" fields are what the judge says (the generator writes them
    /// from it): when a rule changes, this names the lines to regenerate.
    @Test func theDemoFixturesExpectationsAreTheJudges() throws {
        let root = try TestEnvironment.require().root
        let result = try judge(root + "/Ops/fixtures/demo-intake.jsonl")
        #expect(result.status == 0, "\(result.stderr)")
        let judgedLines = result.stdout.split(separator: "\n")
        let fixtureLines = try String(contentsOfFile: root + "/Ops/fixtures/demo-intake.jsonl", encoding: .utf8).split(separator: "\n")
        try #require(judgedLines.count == fixtureLines.count)
        var differences: [String] = []
        for (number, (fixture, judged)) in zip(fixtureLines, judgedLines).enumerated() {
            guard case let .object(line) = try JSONDecoder().decode(JSONValue.self, from: Data(fixture.utf8)),
                  case let .object(expect)? = line["expect"],
                  case let .object(answer) = try JSONDecoder().decode(JSONValue.self, from: Data(judged.utf8))
            else { throw StackError("line \(number + 1) is not a fixture line with an expect object") }
            let differing = expect.keys.sorted().filter { answer[$0] != expect[$0] }
            if !differing.isEmpty { differences.append("line \(number + 1): \(differing.joined(separator: ", ")) differ: \(judged)") }
        }
        #expect(differences.isEmpty, "regenerate with python3 Ops/fixtures/generate_demo_intake.py:\n\(differences.prefix(10).joined(separator: "\n"))")
    }

    @Test func aLineThatIsNotAFixtureLineIsRefusedNamingIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("judge-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data((appeal("L-1", phone: "13900000021", content: Self.reimbursement).jsonLine + "\nnot json\n").utf8).write(to: file)
        let result = try judge(file.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file.path):2: not a fixture line"), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "nothing is judged from a file that cannot be read whole")
    }
}
