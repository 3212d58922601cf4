import Foundation
import HotlineDomain
import Testing

/// The action topics' examples and the decoder agree (docs/CONTRACTS.md,
/// hotline.unit-actions.v1 and hotline.centre-actions.v1), so a unit's or the centre's
/// developer gets the same answer from the schema and from the dispatch worker; and the
/// outcomes the worker answers with have the shape of hotline.action-outcomes.v1.
@Suite struct ActionContractTests {
    static let unitExamples = "Topics/hotline.unit-actions.v1/examples"
    static let centreExamples = "Topics/hotline.centre-actions.v1/examples"
    static let outcomes = "hotline.action-outcomes.v1"

    func decode(_ folder: String, _ file: String, _ source: CaseActionDecoder.Source) throws -> Result<CaseAction, CaseActionDecoder.Failure> {
        CaseActionDecoder(source).decode(try Repository.bytes("\(folder)/\(file)"))
    }

    // MARK: The action topics' examples

    @Test func theExampleFoldersAreNotEmpty() {
        for folder in [Self.unitExamples, Self.centreExamples] {
            #expect(Repository.files(in: folder, prefix: "valid-", suffix: ".json").count >= 5, "valid examples in \(folder)")
            #expect(Repository.files(in: folder, prefix: "invalid-", suffix: ".json").count >= 5, "invalid examples in \(folder)")
        }
    }

    @Test(arguments: Repository.files(in: unitExamples, prefix: "valid-", suffix: ".json"))
    func everyValidUnitActionDecodes(file: String) throws {
        if case let .failure(failure) = try decode(Self.unitExamples, file, .units) {
            Issue.record("\(file) was refused: \(failure.rejection.field ?? "-") \(failure.rejection.message)")
        }
    }

    @Test(arguments: Repository.files(in: unitExamples, prefix: "invalid-", suffix: ".json"))
    func everyInvalidUnitActionIsRefused(file: String) throws {
        guard case let .failure(failure) = try decode(Self.unitExamples, file, .units) else {
            Issue.record("\(file) was accepted")
            return
        }
        #expect(failure.rejection.field?.hasPrefix("/") == true, "\(file) names no field: \(failure.rejection.message)")
    }

    @Test(arguments: Repository.files(in: centreExamples, prefix: "valid-", suffix: ".json"))
    func everyValidCentreActionDecodes(file: String) throws {
        if case let .failure(failure) = try decode(Self.centreExamples, file, .centre) {
            Issue.record("\(file) was refused: \(failure.rejection.field ?? "-") \(failure.rejection.message)")
        }
    }

    @Test(arguments: Repository.files(in: centreExamples, prefix: "invalid-", suffix: ".json"))
    func everyInvalidCentreActionIsRefused(file: String) throws {
        guard case let .failure(failure) = try decode(Self.centreExamples, file, .centre) else {
            Issue.record("\(file) was accepted")
            return
        }
        #expect(failure.rejection.field?.hasPrefix("/") == true, "\(file) names no field: \(failure.rejection.message)")
    }

    /// A unit's action on the centre's topic (or the other way round) is not an action there.
    @Test func anActionOnTheOtherTopicIsRefused() throws {
        #expect(throws: CaseActionDecoder.Failure.self) { try decode(Self.unitExamples, "valid-sign.json", .centre).get() }
        #expect(throws: CaseActionDecoder.Failure.self) { try decode(Self.centreExamples, "valid-urge.json", .units).get() }
    }

    // MARK: As strict as the schemas

    /// The field each invalid example gets wrong, for the refusals the schemas' per-type
    /// rules, `unit_id` and `date` definitions add.
    static let expectedPointer: [String: String] = [
        "invalid-sign-with-committed-date.json": "/committed_date",
        "invalid-unit-id-whitespace.json": "/unit_id",
        "invalid-until-with-plus-sign.json": "/until",
        "invalid-reason-over-2000-code-points.json": "/reason",
        "invalid-deny-extension-with-until.json": "/until",
        "invalid-redispatch-lead-unit-empty.json": "/redispatch/lead_unit",
        "invalid-redispatch-lead-unit-whitespace.json": "/redispatch/lead_unit",
        "invalid-redispatch-lead-unit-too-long.json": "/redispatch/lead_unit",
        "invalid-redispatch-co-unit-whitespace.json": "/redispatch/co_units/1",
    ]

    @Test(arguments: expectedPointer.keys.sorted())
    func theNewRefusalsNameTheField(file: String) throws {
        let folder = Repository.files(in: Self.unitExamples).contains(file) ? Self.unitExamples : Self.centreExamples
        let result = try decode(folder, file, folder == Self.unitExamples ? .units : .centre)
        guard case let .failure(failure) = result else {
            Issue.record("\(file) was accepted")
            return
        }
        #expect(failure.rejection.reason == .schemaViolation)
        #expect(failure.rejection.field == Self.expectedPointer[file], "\(file): \(failure.rejection.message)")
    }

    /// A valid value for each optional field of the action topics.
    static func sampleValue(_ field: String) -> Any? {
        switch field {
        case "reason", "progress", "text", "statement": "已现场核查。"
        case "ground": "new_demand"
        case "evidence": ["callback-recording:1"]
        case "round": 1
        case "assessed_rating": "satisfied"
        case "until", "committed_date": "2026-10-30"
        case "result": ["handled_by": "望月湖街道", "handled_at": "2026-10-22T15:00:00+08:00", "action_taken": "已处理。", "outcome": "resolved"]
        case "redispatch": ["lead_unit": "city-urban"]
        case "excessive_demand": true
        default: nil
        }
    }

    /// The fields the schema forbids on a type (`then.properties.<field>: {not: {}}`).
    static func forbiddenFields(_ topic: String) throws -> [String: [String]] {
        let schema = try EventContractTests.object(try Repository.bytes("Topics/\(topic)/schema.json"))
        var forbidden: [String: [String]] = [:]
        for rule in try #require(schema["allOf"] as? [[String: Any]]) {
            let condition = try #require((rule["if"] as? [String: Any])?["properties"] as? [String: [String: Any]])
            let type = try #require(condition["type"]?["const"] as? String)
            let then = try #require(rule["then"] as? [String: Any])
            forbidden[type] = ((then["properties"] as? [String: [String: Any]]) ?? [:]).keys.sorted()
        }
        return forbidden
    }

    /// Every valid example with each field its schema forbids for that type added is
    /// refused, naming the field: the decoder's per-type fields are the schema's.
    @Test(arguments: [("hotline.unit-actions.v1", CaseActionDecoder.Source.units), ("hotline.centre-actions.v1", .centre)])
    func aFieldOfAnotherTypeIsRefused(topic: String, source: CaseActionDecoder.Source) throws {
        let forbidden = try Self.forbiddenFields(topic)
        for file in Repository.files(in: "Topics/\(topic)/examples", prefix: "valid-", suffix: ".json") {
            let example = try EventContractTests.example(topic, file)
            let type = try #require(example["type"] as? String)
            let fields = try #require(forbidden[type], "\(topic) has no per-type rule for \(type)")
            for field in fields {
                guard let value = Self.sampleValue(field) else {
                    Issue.record("no sample value for \(field)")
                    continue
                }
                var stray = example
                stray[field] = value
                let bytes = Array(try JSONSerialization.data(withJSONObject: stray))
                guard case let .failure(failure) = CaseActionDecoder(source).decode(bytes) else {
                    Issue.record("\(file) with \(field) was accepted")
                    continue
                }
                #expect(failure.rejection.field == "/\(field)", "\(file) with \(field): \(failure.rejection.message)")
            }
        }
    }

    @Test func aStrayFieldIsRefusedSayingWhatToDo() throws {
        let result = try decode(Self.unitExamples, "invalid-sign-with-committed-date.json", .units)
        guard case let .failure(failure) = result else {
            Issue.record("accepted")
            return
        }
        #expect(failure.rejection.message == "/committed_date does not belong to type sign, which carries only the common fields; remove it.")
        #expect(failure.type == "sign" && failure.caseID == caseID, "the refusal still reaches the unit")
    }

    /// The schemas count lengths in code points; a reason of 2000 code points is the
    /// longest allowed even when combining marks make it fewer characters on screen.
    @Test func textLengthsCountCodePoints() throws {
        var request = try EventContractTests.example("hotline.unit-actions.v1", "valid-request-return.json")
        request["reason"] = String(repeating: "e\u{301}", count: 1000)
        #expect(throws: Never.self) { try CaseActionDecoder(.units).decode(Array(try JSONSerialization.data(withJSONObject: request))).get() }
        request["reason"] = String(repeating: "e\u{301}", count: 1000) + "。"
        #expect(throws: CaseActionDecoder.Failure.self) { try CaseActionDecoder(.units).decode(Array(try JSONSerialization.data(withJSONObject: request))).get() }
    }

    // MARK: hotline.action-outcomes.v1

    func expectSameShape(_ outcome: ActionOutcome, as example: String) throws {
        let ours = EventContractTests.keyPaths(try EventContractTests.object(try EventJSON.encode(outcome)))
        let theirs = EventContractTests.keyPaths(try EventContractTests.example(Self.outcomes, example))
        #expect(ours.subtracting(theirs).isEmpty, "fields \(example) does not have: \(ours.subtracting(theirs).sorted())")
        #expect(theirs.subtracting(ours).isEmpty, "fields missing compared with \(example): \(theirs.subtracting(ours).sorted())")
    }

    let caseID = UUID(uuidString: "88EE787C-3396-5FB9-9F88-E99BF404320B")!
    let unit = ActionActor.unit(id: "yuelu-wangyuehu", staffID: "wyh-zhangli")
    let centre = ActionActor.centre(staffID: "zx-chenjing")

    func outcome(_ type: String, _ actor: ActionActor?, caseNumber: String? = "20261009-000871", status: CaseStatus?, _ refusal: ActionRefusal?) -> ActionOutcome {
        ActionOutcome(
            eventID: UUID(), actionEventID: "yuelu-wangyuehu:20261009:0001", actionType: type, actor: actor, caseID: caseID,
            caseNumber: caseNumber, occurredAt: Fixtures.receivedAt, status: status, refusal: refusal)
    }

    @Test func acceptedOutcomesHaveTheContractFields() throws {
        let sign = outcome("sign", unit, status: .signed, nil)
        try expectSameShape(sign, as: "valid-accepted-sign.json")
        try expectSameShape(outcome("approve_extension", centre, status: .signed, nil), as: "valid-accepted-approve-extension.json")
        let json = try EventContractTests.object(try EventJSON.encode(sign))
        #expect(json["type"] as? String == "action.accepted")
        #expect(json["case_id"] as? String == "88ee787c-3396-5fb9-9f88-e99bf404320b", "case ids are lower case")
    }

    /// A refusal always carries `article`, null when no regulation sets it.
    @Test func refusedOutcomesHaveTheContractFields() throws {
        let limit = ActionRefusal(.limitReached, "At most 1 extension per round.", article: "第二十条、第二十一条")
        try expectSameShape(outcome("request_extension", unit, status: .signed, limit), as: "valid-refused-limit-reached.json")
        let wrongState = outcome("approve_result", centre, status: .signed, ActionRefusal(.wrongState, "approve_result is allowed when …"))
        try expectSameShape(wrongState, as: "valid-refused-wrong-state.json")
        let unknownCase = outcome("sign", unit, caseNumber: nil, status: nil, ActionRefusal(.unknownCase, "There is no case …"))
        try expectSameShape(unknownCase, as: "valid-refused-unknown-case.json")
        let json = try EventContractTests.object(try EventJSON.encode(wrongState))
        #expect(json["type"] as? String == "action.refused")
        #expect(json["reason_code"] as? String == "wrong_state")
        #expect(json["article"] is NSNull)
    }

    /// A malformed action is refused with what could be read of it, as the dispatch worker
    /// builds the outcome from the decoder's failure: a unit action without `unit_id` has no actor.
    @Test func aMalformedActionIsRefusedWithWhatCouldBeRead() throws {
        guard case let .failure(noUnit) = try decode(Self.unitExamples, "invalid-missing-unit-id.json", .units) else {
            Issue.record("invalid-missing-unit-id.json was accepted")
            return
        }
        #expect(noUnit.actor == nil && noUnit.type == "sign" && noUnit.caseID == caseID)
        let refused = ActionOutcome(
            eventID: UUID(), actionEventID: noUnit.eventID, actionType: noUnit.type, actor: noUnit.actor, caseID: noUnit.caseID,
            caseNumber: nil, occurredAt: Fixtures.receivedAt, status: nil, refusal: ActionRefusal(.malformed, noUnit.rejection.message))
        try expectSameShape(refused, as: "valid-refused-malformed-no-actor.json")
        #expect(noUnit.rejection.message == "/unit_id is required.", "the sentence in valid-refused-malformed-no-actor.json")

        guard case let .failure(noTarget) = try decode(Self.centreExamples, "invalid-redispatch-missing-target.json", .centre) else {
            Issue.record("invalid-redispatch-missing-target.json was accepted")
            return
        }
        #expect(noTarget.actor == .centre(staffID: "zx-chenjing"))
        let centreRefused = ActionOutcome(
            eventID: UUID(), actionEventID: noTarget.eventID, actionType: noTarget.type, actor: noTarget.actor, caseID: noTarget.caseID,
            caseNumber: nil, occurredAt: Fixtures.receivedAt, status: nil, refusal: ActionRefusal(.malformed, noTarget.rejection.message))
        try expectSameShape(centreRefused, as: "valid-refused-malformed.json")
        #expect(noTarget.rejection.message == "/redispatch is required.", "the sentence in valid-refused-malformed.json")
    }
}
