import Foundation

/// Reads a Kafka message value as one JSON object and its fields, with rejections
/// that name the JSON pointer at fault. Shared by every topic's decoder.
public struct JSONMessage: Sendable {
    public let fields: [String: JSONValue]
    let prefix: String

    init(fields: [String: JSONValue], prefix: String = "") {
        self.fields = fields
        self.prefix = prefix
    }

    /// How deep arrays and objects may nest. No topic's fields nest deeper than 3, and decoding
    /// deeper nesting (Foundation stops only at 512) takes time growing faster than the square
    /// of the depth: a second for the 1 KB message 511 levels deep kept as a fuzzing seed
    /// (Tests/Fuzz/regressions/every-target/deep-field-511), four under AddressSanitizer.
    static let maximumDepth = 32

    /// Parses the bytes, enforcing the size limit, UTF-8, the nesting limit and "one JSON object".
    static func parse(_ value: [UInt8]?, maximumBytes: Int) throws(IntakeRejection) -> JSONMessage {
        guard let value, !value.isEmpty else {
            throw IntakeRejection(.emptyValue, "The message has no value; publish it as a JSON object.")
        }
        guard value.count <= maximumBytes else {
            throw IntakeRejection(.tooLarge, "The message is \(value.count) bytes, over the limit of \(maximumBytes); shorten the text or send attachments by reference.")
        }
        guard let text = String(validating: value, as: UTF8.self) else {
            throw IntakeRejection(.invalidUTF8, "The message is not valid UTF-8; encode the JSON as UTF-8.")
        }
        guard !nests(value, deeperThan: maximumDepth) else {
            throw IntakeRejection(.invalidJSON, "The message nests arrays and objects more than \(maximumDepth) levels deep, which no field of the topic does; send one JSON object of the topic's fields.")
        }
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw IntakeRejection(.invalidJSON, "The message is not parseable JSON; send one JSON object per message.")
        }
        guard case let .object(fields) = document else {
            throw IntakeRejection(.invalidJSON, "The message is a JSON \(document.typeName), not an object; send one JSON object per message.")
        }
        // Only an escape can put U+0000 in JSON text (a raw one is invalid JSON): look only then.
        if RoutingRule.bytes(value, contain: Array("u0000".utf8)), let pointer = nulPointer(in: document, at: "") {
            throw IntakeRejection(
                .nulCharacter, "The text at \(pointer.isEmpty ? "/" : pointer) holds the character U+0000, which is never part of an appeal and cannot be stored; remove it and publish again.",
                field: pointer)
        }
        return JSONMessage(fields: fields)
    }

    /// The JSON pointer of the first key or string holding U+0000, in key order.
    private static func nulPointer(in value: JSONValue, at pointer: String) -> String? {
        switch value {
        case let .string(text):
            return text.unicodeScalars.contains("\u{0}") ? pointer : nil
        case let .array(items):
            for (index, item) in items.enumerated() {
                if let found = nulPointer(in: item, at: "\(pointer)/\(index)") { return found }
            }
            return nil
        case let .object(fields):
            for (key, item) in fields.sorted(by: { $0.key < $1.key }) {
                // The pointer goes into the reason, which is stored as text: show U+0000 as its escape.
                let escaped = key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                    .replacingOccurrences(of: "\u{0}", with: "\\u0000")
                if key.unicodeScalars.contains("\u{0}") { return "\(pointer)/\(escaped)" }
                if let found = nulPointer(in: item, at: "\(pointer)/\(escaped)") { return found }
            }
            return nil
        case .null, .bool, .integer, .number:
            return nil
        }
    }

    /// Whether arrays and objects nest deeper than `limit`, counting brackets outside strings:
    /// one pass over the bytes, exact for any well-formed JSON.
    private static func nests(_ bytes: [UInt8], deeperThan limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }

    /// Requires `schema_version` to be the one this worker reads.
    func requireSchemaVersion(_ supported: Int64) throws(IntakeRejection) {
        switch fields["schema_version"] {
        case nil:
            throw violation("schema_version", "is required")
        case let .integer(version)? where version != supported:
            throw IntakeRejection(.unknownSchemaVersion, "schema_version \(version) is not supported; this worker reads version \(supported).", field: "/schema_version")
        case .integer?:
            break
        case let other?:
            throw violation("schema_version", "must be an integer, not a \(other.typeName)")
        }
    }

    /// Refuses a field the schema does not define.
    func refuseUnknown(allowed: Set<String>, in what: String) throws(IntakeRejection) {
        if let unknown = fields.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw violation(unknown, "is not a field of \(what)")
        }
    }

    func requiredString(_ name: String) throws(IntakeRejection) -> String {
        guard let value = try optionalString(name) else { throw violation(name, "is required") }
        return value
    }

    /// An adapter's idempotency key: 8 to 64 characters of `A-Z a-z 0-9 . _ : -`.
    func requiredEventID() throws(IntakeRejection) -> String {
        let eventID = try requiredString("event_id")
        guard (8...64).contains(eventID.utf8.count), eventID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._:-".contains($0)) }) else {
            throw violation("event_id", "must be 8 to 64 characters of A-Z a-z 0-9 . _ : -")
        }
        return eventID
    }

    func optionalString(_ name: String) throws(IntakeRejection) -> String? {
        switch fields[name] {
        case nil: return nil
        case let .string(text)?: return text
        case let other?: throw violation(name, "must be a string, not a \(other.typeName)")
        }
    }

    func optionalBool(_ name: String) throws(IntakeRejection) -> Bool? {
        switch fields[name] {
        case nil: return nil
        case let .bool(flag)?: return flag
        case let other?: throw violation(name, "must be a boolean, not a \(other.typeName)")
        }
    }

    func optionalInt(_ name: String) throws(IntakeRejection) -> Int64? {
        switch fields[name] {
        case nil: return nil
        case let .integer(value)?: return value
        case let other?: throw violation(name, "must be an integer, not a \(other.typeName)")
        }
    }

    /// The nested object at `name`, its pointers prefixed with the parent's.
    func optionalObject(_ name: String) throws(IntakeRejection) -> JSONMessage? {
        switch fields[name] {
        case nil: return nil
        case let .object(nested)?: return JSONMessage(fields: nested, prefix: pointer(name))
        case let other?: throw violation(name, "must be an object, not a \(other.typeName)")
        }
    }

    func optionalStrings(_ name: String) throws(IntakeRejection) -> [String]? {
        switch fields[name] {
        case nil: return nil
        case let .array(items)?:
            var strings: [String] = []
            for item in items {
                guard case let .string(text) = item else { throw violation(name, "must be an array of strings") }
                strings.append(text)
            }
            return strings
        case let other?: throw violation(name, "must be an array of strings, not a \(other.typeName)")
        }
    }

    func violation(_ name: String, _ problem: String) -> IntakeRejection {
        IntakeRejection(.schemaViolation, "\(pointer(name)) \(problem).", field: pointer(name))
    }

    func pointer(_ name: String) -> String {
        "\(prefix)/\(name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1"))"
    }
}
