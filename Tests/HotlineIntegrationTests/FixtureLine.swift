import Foundation
import HotlineDomain

/// One message as `hotline publish` reads it.
struct FixtureLine {
    var wave: Int?
    var key: String?
    var value: JSONValue?
    var rawValue: [UInt8]?
    /// The party whose key signs the line on a signed topic (`hotline publish --key-dir`).
    var signAs: String?
    /// Headers sent with the message (an adapter's `traceparent`).
    var headers: [String: String] = [:]

    var jsonLine: String {
        var object: [String: JSONValue] = [:]
        if let wave { object["wave"] = .integer(Int64(wave)) }
        if let key { object["key"] = .string(key) }
        if let value { object["value"] = value }
        if let rawValue { object["value_base64"] = .string(Data(rawValue).base64EncodedString()) }
        if let signAs { object["sign_as"] = .string(signAs) }
        if !headers.isEmpty { object["headers"] = .object(headers.mapValues { .string($0) }) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(JSONValue.object(object)), as: UTF8.self)
    }
}

/// Builds intake events whose outcome the test knows in advance: the category is
/// given, the text names no scope keyword, every caller has their own phone.
enum IntakeEvents {
    static func appeal(_ number: Int, category: String = "complaint", area: String? = "430104", phone: String? = nil, eventID: String? = nil) -> FixtureLine {
        var value: [String: JSONValue] = [
            "schema_version": .integer(1),
            "event_id": .string(eventID ?? String(format: "evt-test-%08d", number)),
            "channel": .string("phone"),
            "external_id": .string(String(format: "T-%08d", number)),
            "received_at": .string("2026-10-12T09:\(String(format: "%02d", number % 60)):00+08:00"),
            "caller": .object([
                "name": .string("测试来电人\(number)"),
                "phone": .string(phone ?? String(format: "139%08d", number)),
                "confidential": .bool(number % 7 == 0),
            ]),
            "content": .string("第\(number)号诉求：小区门口道路破损严重，坑洼积水，市民出行很不方便，希望尽快修复路面。编号\(number * 7919)"),
            "category": .string(category),
        ]
        if let area { value["area_code"] = .string(area) }
        return FixtureLine(key: String(format: "phone:T-%08d", number), value: .object(value))
    }

    /// Each invalid message and the dead-letter reason it must get.
    static let invalid: [(FixtureLine, String)] = [
        (FixtureLine(key: "phone:bad-1", rawValue: Array("{\"schema_version\": 1, ".utf8)), "invalid_json"),
        (FixtureLine(key: "phone:bad-2", rawValue: [0xFF, 0xFE, 0x7B, 0x7D]), "invalid_utf8"),
        (FixtureLine(key: "phone:bad-3", rawValue: []), "empty_value"),
        (FixtureLine(key: "phone:bad-4", rawValue: Array(repeating: 0x20, count: 70_000)), "too_large"),
        (FixtureLine(key: "phone:bad-5", value: .object(["schema_version": .integer(2)])), "unknown_schema_version"),
        (FixtureLine(key: "phone:bad-6", value: .object(["schema_version": .integer(1), "event_id": .string("evt-bad-000006")])), "schema_violation"),
        (FixtureLine(key: "phone:bad-7", value: .array([.integer(1)])), "invalid_json"),
    ]
}
