import Foundation

/// Turns a `hotline.knowledge.v1` message into a `KnowledgeEvent`, enforcing what the
/// topic's schema says: the fields of its type and nothing else, sizes, an entry id
/// and version, and a review-by date after the day of publication. Whether the unit
/// may own the entry is `KnowledgeOwnership`'s call; whether the version exists is the
/// store's.
public struct KnowledgeEventDecoder: Sendable {
    /// What could be read of a malformed message, so the refusal reaches its sender.
    public struct Failure: Error, Sendable, Equatable {
        public var rejection: IntakeRejection
        public var eventID: String?
        public var entryID: String?
        public var type: String?
    }

    public static let publishedType = "knowledge.entry_published"
    public static let approvedType = "knowledge.entry_approved"
    public static let rejectedType = "knowledge.entry_rejected"
    public static let supportedSchemaVersion: Int64 = 1
    public static let maximumBytes = 65_536
    /// A review-by date further out than this is a typo, not a plan.
    public static let longestReviewDays = 1096

    private static let commonFields: Set<String> = ["schema_version", "event_id", "type", "entry_id", "version", "staff_id", "occurred_at"]
    private static let typeFields: [String: Set<String>] = [
        publishedType: ["unit_id", "kind", "duty", "title", "body", "keywords", "review_by"],
        approvedType: ["reason"],
        rejectedType: ["reason"],
    ]

    public init() {}

    public func decode(_ value: [UInt8]?) -> Result<KnowledgeEvent, Failure> {
        var failure = Failure(rejection: IntakeRejection(.processingError, ""))
        do {
            let message = try JSONMessage.parse(value, maximumBytes: Self.maximumBytes)
            failure.eventID = try? message.optionalString("event_id")
            failure.entryID = try? message.optionalString("entry_id")
            failure.type = try? message.optionalString("type")
            return .success(try decode(message))
        } catch {
            failure.rejection = error as? IntakeRejection ?? IntakeRejection(.processingError, "\(error)")
            return .failure(failure)
        }
    }

    private func decode(_ message: JSONMessage) throws -> KnowledgeEvent {
        try message.requireSchemaVersion(Self.supportedSchemaVersion)
        let eventID = try message.requiredEventID()
        let type = try message.requiredString("type")
        guard let own = Self.typeFields[type] else {
            throw message.violation("type", "must be one of \(Self.typeFields.keys.sorted().joined(separator: ", "))")
        }
        try message.refuseUnknown(allowed: Self.commonFields.union(own), in: "\(type) on hotline.knowledge.v1")
        let entryID = try message.requiredString("entry_id")
        guard Self.isIdentifier(entryID) else {
            throw message.violation("entry_id", "must be 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        guard let version = try message.optionalInt("version"), (1...100_000).contains(version) else {
            throw message.violation("version", "is required: the entry's version number, 1 for a new entry, one more for each change")
        }
        let staff = try text(message, "staff_id", 1...64)
        guard let occurredAt = RFC3339.parse(try message.requiredString("occurred_at")) else {
            throw message.violation("occurred_at", "must be an RFC 3339 date-time with an offset")
        }
        guard type == Self.publishedType else {
            let reason = type == Self.rejectedType ? try text(message, "reason", 1...2000) : try message.optionalString("reason")
            if let reason, !(1...2000).contains(reason.unicodeScalars.count) {
                throw message.violation("reason", "must be 1 to 2000 characters")
            }
            return .reviewed(KnowledgeReview(
                eventID: eventID, entryID: entryID, version: Int(version), staffID: staff, approved: type == Self.approvedType,
                reason: reason, occurredAt: occurredAt))
        }
        let unit = try text(message, "unit_id", 1...64)
        guard let kind = KnowledgeEntry.Kind(rawValue: try message.requiredString("kind")) else {
            throw message.violation("kind", "must be one of \(KnowledgeEntry.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let duty = try message.optionalString("duty")
        if let duty, !Self.isIdentifier(duty) {
            throw message.violation("duty", "must be the id of a routing rule (Ops/routing/<network>.yaml rules[].id)")
        }
        let keywords = try message.optionalStrings("keywords") ?? []
        guard keywords.count <= 20, keywords.allSatisfy({ (1...32).contains($0.unicodeScalars.count) }) else {
            throw message.violation("keywords", "must list at most 20 keywords of 1 to 32 characters")
        }
        let reviewText = try message.requiredString("review_by")
        guard reviewText.allSatisfy({ $0.isASCIIDigit || $0 == "-" }), let reviewBy = CalendarDate(reviewText) else {
            throw message.violation("review_by", "must be a date like 2027-06-30")
        }
        let published = CalendarDate(containing: occurredAt)
        guard reviewBy > published, reviewBy <= published.adding(days: Self.longestReviewDays) else {
            throw message.violation("review_by", "must be after the day of publication (\(published)) and at most \(Self.longestReviewDays) days later")
        }
        return .published(KnowledgeEntry(
            eventID: eventID, entryID: entryID, version: Int(version), unitID: unit, staffID: staff, kind: kind, duty: duty,
            title: try text(message, "title", 1...200), body: try text(message, "body", 1...5000), keywords: keywords,
            publishedAt: occurredAt, reviewBy: reviewBy))
    }

    /// A required string of `range` code points (JSON Schema's counting), not only whitespace.
    private func text(_ message: JSONMessage, _ name: String, _ range: ClosedRange<Int>) throws(IntakeRejection) -> String {
        let value = try message.requiredString(name)
        guard range.contains(value.unicodeScalars.count), value.contains(where: { !$0.isWhitespace }) else {
            throw message.violation(name, "must be \(range.lowerBound) to \(range.upperBound) characters, not only whitespace")
        }
        return value
    }

    /// An entry id as the schemas' `identifier` allows it; intake's `answered_from` uses it too.
    static func isIdentifier(_ value: String) -> Bool {
        guard (1...64).contains(value.unicodeScalars.count), let first = value.unicodeScalars.first,
              first.isLowerAlphaNumeric
        else { return false }
        return value.unicodeScalars.allSatisfy { $0.isLowerAlphaNumeric || "._-".unicodeScalars.contains($0) }
    }
}

extension Unicode.Scalar {
    fileprivate var isLowerAlphaNumeric: Bool { ("a"..."z").contains(self) || ("0"..."9").contains(self) }
}
