import Foundation
import HotlineDomain
import Testing

/// The intake decoder enforces Topics/hotline.intake.v1/schema.json, so an adapter's
/// author gets the same answer from the schema's examples and from the worker
/// (docs/CONTRACTS.md, hotline.intake.v1).
@Suite struct IntakeEventDecoderTests {
    static let examples = "Topics/hotline.intake.v1/examples"
    static let validFiles = Repository.files(in: examples, prefix: "valid-", suffix: ".json")
    static let invalidFiles = Repository.files(in: examples, prefix: "invalid-", suffix: ".json")

    /// The field each invalid example gets wrong; a new example not listed here still has
    /// to name some field.
    static let expectedPointer: [String: String] = [
        "invalid-bad-area-code.json": "/area_code",
        "invalid-bad-external-id.json": "/external_id",
        "invalid-bad-id-number.json": "/caller/id_number",
        "invalid-bad-phone.json": "/caller/phone",
        "invalid-bad-refers-to-case.json": "/refers_to_case",
        "invalid-caller-not-object.json": "/caller",
        "invalid-content-too-long.json": "/content",
        "invalid-empty-caller-name.json": "/caller/name",
        "invalid-empty-content.json": "/content",
        "invalid-event-id-too-short.json": "/event_id",
        "invalid-fullwidth-whitespace-content.json": "/content",
        "invalid-missing-caller.json": "/caller",
        "invalid-missing-channel.json": "/channel",
        "invalid-missing-content.json": "/content",
        "invalid-missing-event-id.json": "/event_id",
        "invalid-missing-external-id.json": "/external_id",
        "invalid-missing-received-at.json": "/received_at",
        "invalid-missing-schema-version.json": "/schema_version",
        "invalid-received-at-without-offset.json": "/received_at",
        "invalid-schema-version-string.json": "/schema_version",
        "invalid-subject-too-long.json": "/subject",
        "invalid-unknown-caller-field.json": "/caller/gender",
        "invalid-unknown-category.json": "/category",
        "invalid-unknown-channel.json": "/channel",
        "invalid-unknown-schema-version.json": "/schema_version",
        "invalid-urgent-string.json": "/urgent",
        "invalid-whitespace-content.json": "/content",
    ]

    let decoder = IntakeEventDecoder()

    func decode(_ text: String) -> Result<IntakeEvent, IntakeRejection> {
        decoder.decode(Array(text.utf8))
    }

    func rejected(_ result: Result<IntakeEvent, IntakeRejection>) -> IntakeRejection? {
        if case let .failure(rejection) = result { return rejection }
        return nil
    }

    func example(_ name: String) throws -> IntakeEvent {
        try decoder.decode(try Repository.bytes("\(Self.examples)/\(name)")).get()
    }

    // MARK: The topic's examples

    @Test func theExampleFoldersAreNotEmpty() {
        #expect(Self.validFiles.count >= 5, "valid examples in \(Self.examples)")
        #expect(Self.invalidFiles.count >= 5, "invalid examples in \(Self.examples)")
    }

    @Test(arguments: validFiles)
    func everyValidExampleDecodes(file: String) throws {
        let result = decoder.decode(try Repository.bytes("\(Self.examples)/\(file)"))
        if case let .failure(rejection) = result {
            Issue.record("\(file) was rejected: \(rejection.reason.rawValue) \(rejection.field ?? "-") \(rejection.message)")
        }
    }

    @Test(arguments: invalidFiles)
    func everyInvalidExampleIsRejectedNamingTheField(file: String) throws {
        let result = decoder.decode(try Repository.bytes("\(Self.examples)/\(file)"))
        let rejection = try #require(rejected(result), "\(file) was accepted")
        if file == "invalid-unknown-schema-version.json" {
            #expect(rejection.reason == .unknownSchemaVersion)
        } else {
            #expect(rejection.reason == .schemaViolation, "\(file): \(rejection.message)")
        }
        let field = try #require(rejection.field, "\(file) names no field")
        #expect(field.hasPrefix("/"), "a JSON pointer")
        if let expected = Self.expectedPointer[file] {
            #expect(field == expected, "\(file)")
        }
        #expect(!rejection.message.isEmpty)
    }

    @Test func unknownFieldIsNamedByPointer() throws {
        let text = try Repository.text("\(Self.examples)/invalid-unknown-field.json")
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let known: Set<String> = [
            "schema_version", "event_id", "channel", "external_id", "received_at", "caller",
            "subject", "content", "category", "area_code", "urgent", "refers_to_case",
        ]
        let unknown = try #require(object.keys.filter { !known.contains($0) }.sorted().first)
        let rejection = try #require(rejected(decode(text)))
        #expect(rejection.reason == .schemaViolation)
        #expect(rejection.field == "/\(unknown)")
    }

    // MARK: Decoded values

    @Test func aFullPhoneComplaintKeepsEveryField() throws {
        let event = try example("valid-phone-complaint-full.json")
        #expect(event.eventID == "ivr-20261009-101500-0017")
        #expect(event.channel == .phone)
        #expect(event.externalID == "CALL-20261009-101500-8821")
        // 2026-10-09T10:15:00+08:00 is 02:15:00Z.
        #expect(event.receivedAt == Date(timeIntervalSince1970: 1_791_512_100))
        #expect(event.caller.name == "刘建华")
        #expect(event.caller.phone == "13874812345")
        #expect(event.caller.idNumber == "430104198506121238")
        #expect(event.caller.confidential == false)
        #expect(event.subject == "望月湖小区旁道路夜间施工噪音扰民")
        #expect(event.content.hasPrefix("近一周每天晚上十一点以后"))
        #expect(event.category == .complaint)
        #expect(event.areaCode == "430104007")
        #expect(event.urgent == false)
        #expect(event.refersToCase == nil)
        #expect(event.text == "望月湖小区旁道路夜间施工噪音扰民\n" + event.content)
    }

    /// 长沙 第十五条: "诉求人要求隐匿个人信息的…应对诉求人信息进行加密处理" — the flag must survive decoding.
    @Test func confidentialCallerFlagIsKept() throws {
        let event = try example("valid-wechat-confidential-report.json")
        #expect(event.channel == .wechat)
        #expect(event.externalID == "wx.o4Zr2t9mKq.20261009.0312")
        #expect(event.receivedAt == Date(timeIntervalSince1970: 1_791_553_710))
        #expect(event.caller.confidential == true)
        #expect(event.category == .report)
        #expect(event.areaCode == "430104005")
    }

    @Test func minimalEventWithUTCTimeAndDefaults() throws {
        let event = try example("valid-phone-minimal.json")
        #expect(event.receivedAt == Date(timeIntervalSince1970: 1_791_527_528))
        #expect(event.subject == nil)
        #expect(event.category == nil)
        #expect(event.areaCode == nil)
        #expect(event.urgent == false)
        #expect(event.caller == Caller(phone: "0731-88123456"))
    }

    @Test func fractionalSecondsAreKept() throws {
        let event = try example("valid-web-no-category.json")
        #expect(abs(event.receivedAt.timeIntervalSince1970 - 1_791_507_767.318) < 0.000_01)
        #expect(event.category == nil)
    }

    @Test func anonymousLetterHasAnEmptyCaller() throws {
        let event = try example("valid-letter-anonymous.json")
        #expect(event.channel == .letter)
        #expect(event.caller == Caller())
        #expect(event.caller.normalizedPhone == nil)
    }

    @Test func refersToCaseAndProvincialTransferChannel() throws {
        #expect(try example("valid-email-refers-to-case.json").refersToCase == "20260926-000318")
        let transfer = try example("valid-provincial-transfer.json")
        #expect(transfer.channel == .provincialTransfer)
        #expect(transfer.externalID == "HN12345/2026/1009/004512")
        #expect(try example("valid-app-urgent-village-code.json").urgent == true)
    }

    // MARK: Byte-level rejections

    @Test func noValueIsEmptyValue() {
        #expect(rejected(decoder.decode(nil))?.reason == .emptyValue)
        #expect(rejected(decoder.decode([]))?.reason == .emptyValue)
    }

    @Test func overTheSizeLimitIsTooLarge() {
        let rejection = rejected(decoder.decode([UInt8](repeating: 0x20, count: 70_000)))
        #expect(rejection?.reason == .tooLarge)
        #expect(rejection?.message.contains("65536") == true)
    }

    @Test func theLimitItselfIsAllowed() throws {
        // A valid event padded with JSON whitespace to exactly 65,536 bytes passes; one byte more does not.
        let bytes = try Repository.bytes("\(Self.examples)/valid-phone-minimal.json")
        let padded = bytes + [UInt8](repeating: 0x20, count: 65_536 - bytes.count)
        #expect(padded.count == 65_536)
        #expect((try? decoder.decode(padded).get()) != nil)
        #expect(rejected(decoder.decode(padded + [0x20]))?.reason == .tooLarge)
    }

    @Test func aSmallerConfiguredLimitApplies() throws {
        let bytes = try Repository.bytes("\(Self.examples)/valid-phone-complaint-full.json")
        #expect(rejected(IntakeEventDecoder(maximumBytes: 100).decode(bytes))?.reason == .tooLarge)
    }

    @Test func invalidUTF8() {
        #expect(rejected(decoder.decode([0xFF, 0xFE, 0x7B]))?.reason == .invalidUTF8)
        // A truncated multi-byte character (first two bytes of 长).
        #expect(rejected(decoder.decode([0x7B, 0xE9, 0x95, 0x7D]))?.reason == .invalidUTF8)
    }

    @Test(arguments: ["[1,2]", "{\"a\":", "\"text\"", "42", "null", "not json"])
    func notAJSONObjectIsInvalidJSON(text: String) {
        #expect(rejected(decode(text))?.reason == .invalidJSON)
    }

    /// Nesting past the limit is refused before decoding, whose time grows faster than the
    /// square of the depth; brackets inside strings do not count.
    @Test func nestingDeeperThanTheLimitIsInvalidJSON() {
        func nested(_ depth: Int) -> String {
            "{\"caller\": \(String(repeating: "[", count: depth - 1))\(String(repeating: "]", count: depth - 1))}"
        }
        let deep = rejected(decode(nested(33)))
        #expect(deep?.reason == .invalidJSON)
        #expect(deep?.message.contains("more than 32 levels") == true)
        #expect(rejected(decode(nested(32)))?.reason == .schemaViolation)
        let quoted = "{\"caller\": \"\(String(repeating: "[{\\\"", count: 40))\"}"
        #expect(rejected(decode(quoted))?.reason == .schemaViolation)
    }

    @Test func schemaVersionOfTheWrongType() {
        for value in ["true", "\"1\"", "1.5", "null", "[1]"] {
            let result = rejected(decode("{\"schema_version\": \(value)}"))
            #expect(result?.reason == .schemaViolation, "schema_version \(value)")
            #expect(result?.field == "/schema_version", "schema_version \(value)")
        }
    }

    @Test func otherIntegerSchemaVersionsAreUnknown() {
        for value in ["0", "2", "-1", "100"] {
            let result = rejected(decode("{\"schema_version\": \(value)}"))
            #expect(result?.reason == .unknownSchemaVersion, "schema_version \(value)")
            #expect(result?.field == "/schema_version")
        }
    }

    // MARK: Field rules

    /// The smallest valid event, with one field replaced.
    func minimal(_ replacing: [String: String] = [:], caller: String = "{}") -> String {
        var fields = [
            "schema_version": "1", "event_id": "\"evt-00000001\"", "channel": "\"web\"",
            "external_id": "\"W-1\"", "received_at": "\"2026-10-09T10:15:00+08:00\"",
            "caller": caller, "content": "\"路灯坏了\"",
        ]
        for (key, value) in replacing { fields[key] = value }
        return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ",") + "}"
    }

    @Test func theMinimalEventIsValid() throws {
        let event = try decode(minimal()).get()
        #expect(event.channel == .web)
        #expect(event.content == "路灯坏了")
    }

    @Test func unknownFieldNamesAreEscapedAsJSONPointers() {
        #expect(rejected(decode(minimal(["a/b~c": "1"])))?.field == "/a~1b~0c")
    }

    @Test(arguments: [
        ("area_code", "\"43010\"", "/area_code"),
        ("area_code", "\"4301040070\"", "/area_code"),
        ("area_code", "\"43010400700a\"", "/area_code"),
        ("refers_to_case", "\"2026100-0000123\"", "/refers_to_case"),
        ("event_id", "\"-bad-start-id\"", "/event_id"),
        ("event_id", "\"has space in it\"", "/event_id"),
        ("external_id", "\"\"", "/external_id"),
        ("received_at", "\"2026-02-30T10:00:00+08:00\"", "/received_at"),
        ("urgent", "1", "/urgent"),
        ("category", "\"Complaint\"", "/category"),
        ("content", "5", "/content"),
        ("subject", "\"\"", "/subject"),
    ])
    func fieldRulesAreEnforced(field: String, value: String, pointer: String) {
        let result = rejected(decode(minimal([field: value])))
        #expect(result?.reason == .schemaViolation, "\(field) = \(value)")
        #expect(result?.field == pointer, "\(field) = \(value)")
    }

    @Test(arguments: [
        ("area_code", "\"430104\""), ("area_code", "\"430104007\""), ("area_code", "\"430104007001\""),
        ("refers_to_case", "\"20261009-000123\""), ("external_id", "\"a\""),
        ("received_at", "\"2026-10-09t02:15:00.123456z\""), ("urgent", "true"),
    ])
    func boundaryValuesAreAccepted(field: String, value: String) {
        #expect((try? decode(minimal([field: value])).get()) != nil, "\(field) = \(value)")
    }

    @Test func callerPhoneAndIDNumberFormats() {
        #expect((try? decode(minimal(caller: #"{"phone": "+8613974856210", "id_number": "43010419520308400x"}"#)).get()) != nil)
        #expect((try? decode(minimal(caller: #"{"phone": "0731-88123456"}"#)).get()) != nil)
        #expect(rejected(decode(minimal(caller: #"{"phone": "1234"}"#)))?.field == "/caller/phone")
        #expect(rejected(decode(minimal(caller: #"{"phone": "-13800001111"}"#)))?.field == "/caller/phone")
        #expect(rejected(decode(minimal(caller: #"{"id_number": "43010419520308400Y"}"#)))?.field == "/caller/id_number")
        #expect(rejected(decode(minimal(caller: #"{"confidential": "yes"}"#)))?.field == "/caller/confidential")
    }

    @Test func contentLengthCountsCharactersNotBytes() {
        // 5,000 Chinese characters are 15,000 UTF-8 bytes and still within the 5,000-character limit.
        let atLimit = String(repeating: "长", count: 5000)
        #expect((try? decode(minimal(["content": "\"\(atLimit)\""])).get()) != nil)
        #expect(rejected(decode(minimal(["content": "\"\(atLimit)长\""])))?.field == "/content")
    }
}
