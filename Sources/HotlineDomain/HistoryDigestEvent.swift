import Foundation

/// `history.day_digested` on `hotline.history-digests.v1`: a day's digest of the case
/// history (`HistoryDigest`), for a copy kept outside the database.
public struct HistoryDigestEvent: Sendable, Encodable, Equatable {
    public var eventID: UUID
    public var day: CalendarDate
    public var digest: [UInt8]
    public var previousDay: CalendarDate?
    public var previousDigest: [UInt8]
    public var heads: Int
    public var occurredAt: Date

    public init(
        eventID: UUID, day: CalendarDate, digest: [UInt8], previousDay: CalendarDate?, previousDigest: [UInt8], heads: Int,
        occurredAt: Date
    ) {
        self.eventID = eventID
        self.day = day
        self.digest = digest
        self.previousDay = previousDay
        self.previousDigest = previousDigest
        self.heads = heads
        self.occurredAt = occurredAt
    }

    /// One key for every digest: they stay in order on one partition.
    public static let key = "case-history"

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case type, day, digest, algorithm, heads
        case previousDay = "previous_day"
        case previousDigest = "previous_digest"
        case occurredAt = "occurred_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode("history.day_digested", forKey: .type)
        try container.encode(day.description, forKey: .day)
        try container.encode("sha-256", forKey: .algorithm)
        try container.encode(Hex.string(digest), forKey: .digest)
        try container.encode(previousDay?.description, forKey: .previousDay)
        try container.encode(Hex.string(previousDigest), forKey: .previousDigest)
        try container.encode(heads, forKey: .heads)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
    }
}
