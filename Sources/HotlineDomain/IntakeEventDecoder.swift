import Foundation

/// Turns the bytes of a `hotline.intake.v1` message into an `IntakeEvent`, or into a
/// precise rejection. It enforces exactly what Topics/hotline.intake.v1/schema.json
/// says (a test runs every example there through it), so an adapter's author gets
/// the same answer from the schema and from the worker.
public struct IntakeEventDecoder: Sendable {
    public static let supportedSchemaVersion: Int64 = 1
    public static let defaultMaximumBytes = 65_536

    public var maximumBytes: Int

    public init(maximumBytes: Int = IntakeEventDecoder.defaultMaximumBytes) {
        self.maximumBytes = maximumBytes
    }

    public func decode(_ value: [UInt8]?) -> Result<IntakeEvent, IntakeRejection> {
        Result { try decodeOrThrow(value) }.mapError { $0 as! IntakeRejection }
    }

    private static let topLevelFields: Set<String> = [
        "schema_version", "event_id", "channel", "external_id", "received_at", "caller",
        "subject", "content", "category", "area_code", "urgent", "refers_to_case",
        "answered_from", "knowledge_not_found",
    ]
    private static let callerFields: Set<String> = ["name", "phone", "id_number", "address", "confidential"]

    private func decodeOrThrow(_ value: [UInt8]?) throws -> IntakeEvent {
        let message = try JSONMessage.parse(value, maximumBytes: maximumBytes)
        try message.requireSchemaVersion(Self.supportedSchemaVersion)
        try message.refuseUnknown(allowed: Self.topLevelFields, in: "hotline.intake.v1")
        let fields = message.fields

        let eventID = try requiredString(fields, "event_id")
        guard eventID.utf8.count >= 8, eventID.utf8.count <= 64,
              eventID.first.map(Self.isAlphanumeric) == true,
              eventID.allSatisfy({ Self.isAlphanumeric($0) || "._:-".contains($0) })
        else { throw violation("/event_id", "must be 8 to 64 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit") }

        let channelText = try requiredString(fields, "channel")
        guard let channel = Channel(rawValue: channelText) else {
            throw violation("/channel", "must be one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        let externalID = try requiredString(fields, "external_id")
        guard externalID.utf8.count >= 1, externalID.utf8.count <= 128,
              externalID.first.map(Self.isAlphanumeric) == true,
              externalID.allSatisfy({ Self.isAlphanumeric($0) || "._:/-".contains($0) })
        else { throw violation("/external_id", "must be 1 to 128 characters of A-Z a-z 0-9 . _ : / - starting with a letter or digit") }

        let receivedText = try requiredString(fields, "received_at")
        guard let receivedAt = RFC3339.parse(receivedText) else {
            throw violation("/received_at", "must be an RFC 3339 date-time with an offset, e.g. 2026-10-09T10:15:00+08:00")
        }

        guard let callerValue = fields["caller"] else { throw violation("/caller", "is required") }
        guard case let .object(callerFields) = callerValue else {
            throw violation("/caller", "must be an object, not a \(callerValue.typeName)")
        }
        let caller = try decodeCaller(callerFields)

        let subject = try optionalString(fields, "subject")
        if let subject, !(1...200).contains(subject.unicodeScalars.count) {
            throw violation("/subject", "must be 1 to 200 characters")
        }
        let content = try requiredString(fields, "content")
        guard (1...5000).contains(content.unicodeScalars.count) else {
            throw violation("/content", "must be 1 to 5000 characters")
        }
        guard content.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw violation("/content", "must contain more than whitespace")
        }
        let category = try optionalString(fields, "category").map { text in
            guard let code = CategoryCode(rawValue: text) else {
                throw violation("/category", "must be one of \(CategoryCode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return code
        }
        let areaCode = try optionalString(fields, "area_code")
        if let areaCode, !([6, 9, 12].contains(areaCode.utf8.count) && areaCode.allSatisfy(\.isASCIIDigit)) {
            throw violation("/area_code", "must be an administrative division code of 6, 9 or 12 digits")
        }
        let urgent = try optionalBool(fields, "urgent") ?? false
        let refersToCase = try optionalString(fields, "refers_to_case")
        if let refersToCase, !CaseNumber.isWellFormed(refersToCase) {
            throw violation("/refers_to_case", "must be a case number like 20261009-000123")
        }
        let answeredFrom = try decodeAnswer(JSONMessage(fields: fields).optionalObject("answered_from"))
        let knowledgeNotFound = try optionalBool(fields, "knowledge_not_found") ?? false
        if answeredFrom != nil && knowledgeNotFound {
            throw violation("/knowledge_not_found", "cannot be true when answered_from names the entry the operator answered from")
        }
        return IntakeEvent(
            eventID: eventID, channel: channel, externalID: externalID, receivedAt: receivedAt, caller: caller,
            subject: subject, content: content, category: category, areaCode: areaCode, urgent: urgent,
            refersToCase: refersToCase, answeredFrom: answeredFrom, knowledgeNotFound: knowledgeNotFound)
    }

    private static let answerFields: Set<String> = ["entry_id", "version"]

    /// `answered_from`: the entry id as units publish it and a version number; whether that
    /// version exists and was approved is the intake worker's check against the knowledge base.
    private func decodeAnswer(_ answer: JSONMessage?) throws -> KnowledgeAnswer? {
        guard let answer else { return nil }
        try answer.refuseUnknown(allowed: Self.answerFields, in: "answered_from")
        let entryID = try answer.requiredString("entry_id")
        guard KnowledgeEventDecoder.isIdentifier(entryID) else {
            throw answer.violation("entry_id", "must be an entry id: 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        guard let version = try answer.optionalInt("version"), (1...100_000).contains(version) else {
            throw answer.violation("version", "is required: the version number of the entry the operator answered from (1 to 100000)")
        }
        return KnowledgeAnswer(entryID: entryID, version: Int(version))
    }

    private func decodeCaller(_ fields: [String: JSONValue]) throws -> Caller {
        try JSONMessage(fields: fields, prefix: "/caller").refuseUnknown(allowed: Self.callerFields, in: "caller")
        let name = try optionalString(fields, "name", prefix: "/caller")
        if let name, !(1...64).contains(name.unicodeScalars.count) {
            throw violation("/caller/name", "must be 1 to 64 characters")
        }
        let phone = try optionalString(fields, "phone", prefix: "/caller")
        if let phone {
            let body = phone.hasPrefix("+") ? Substring(phone.dropFirst()) : Substring(phone)
            guard (5...20).contains(body.utf8.count), body.first?.isASCIIDigit == true,
                  body.allSatisfy({ $0.isASCIIDigit || $0 == "-" })
            else { throw violation("/caller/phone", "must be digits and dashes (5 to 20), optionally after +") }
        }
        let idNumber = try optionalString(fields, "id_number", prefix: "/caller")
        if let idNumber {
            let characters = Array(idNumber)
            guard characters.count == 18, characters.prefix(17).allSatisfy(\.isASCIIDigit),
                  characters[17].isASCIIDigit || characters[17] == "X" || characters[17] == "x"
            else { throw violation("/caller/id_number", "must be an 18-character resident ID number") }
        }
        let address = try optionalString(fields, "address", prefix: "/caller")
        if let address, !(1...200).contains(address.unicodeScalars.count) {
            throw violation("/caller/address", "must be 1 to 200 characters")
        }
        let confidential = try optionalBool(fields, "confidential", prefix: "/caller") ?? false
        return Caller(name: name, phone: phone, idNumber: idNumber, address: address, confidential: confidential)
    }

    private func requiredString(_ fields: [String: JSONValue], _ name: String) throws -> String {
        try JSONMessage(fields: fields).requiredString(name)
    }

    private func optionalString(_ fields: [String: JSONValue], _ name: String, prefix: String = "") throws -> String? {
        try JSONMessage(fields: fields, prefix: prefix).optionalString(name)
    }

    private func optionalBool(_ fields: [String: JSONValue], _ name: String, prefix: String = "") throws -> Bool? {
        try JSONMessage(fields: fields, prefix: prefix).optionalBool(name)
    }

    private func violation(_ pointer: String, _ problem: String) -> IntakeRejection {
        IntakeRejection(.schemaViolation, "\(pointer) \(problem).", field: pointer)
    }

    private static func isAlphanumeric(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber)
    }
}
