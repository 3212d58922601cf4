import Foundation

/// What a unit's or the centre's knowledge system hears back on
/// `hotline.knowledge-outcomes.v1`, keyed by entry id: every knowledge event is
/// accepted (with the version's state after it) or refused (reason code and sentence,
/// nothing changed); and an entry whose review-by date passed is flagged to its unit
/// once per version (`knowledge.review_overdue`, 巴林左旗 第二十条 「确保内容的全面性、准确性和有效性」).
public struct KnowledgeOutcome: Sendable, Encodable, Equatable {
    public enum Body: Sendable, Equatable {
        case accepted(state: String)
        case refused(KnowledgeRefusal)
        case reviewOverdue(reviewBy: CalendarDate, article: String)
    }

    public var eventID: UUID
    /// The knowledge event answered; nil for a review-overdue flag.
    public var knowledgeEventID: String?
    public var knowledgeEventType: String?
    public var entryID: String?
    public var version: Int?
    public var unitID: String?
    public var occurredAt: Date
    public var body: Body

    public init(
        eventID: UUID, knowledgeEventID: String?, knowledgeEventType: String?, entryID: String?, version: Int?, unitID: String?,
        occurredAt: Date, body: Body
    ) {
        self.eventID = eventID
        self.knowledgeEventID = knowledgeEventID
        self.knowledgeEventType = knowledgeEventType
        self.entryID = entryID
        self.version = version
        self.unitID = unitID
        self.occurredAt = occurredAt
        self.body = body
    }

    public var type: String {
        switch body {
        case .accepted: "knowledge.accepted"
        case .refused: "knowledge.refused"
        case .reviewOverdue: "knowledge.review_overdue"
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, version, state, reason, article
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case knowledgeEventID = "knowledge_event_id"
        case knowledgeEventType = "knowledge_event_type"
        case entryID = "entry_id"
        case unitID = "unit_id"
        case occurredAt = "occurred_at"
        case reasonCode = "reason_code"
        case reviewBy = "review_by"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(type, forKey: .type)
        // Echoed as read, cut to the topic's 200 code points.
        try container.encode(knowledgeEventID.map { String(String.UnicodeScalarView($0.unicodeScalars.prefix(200))) }, forKey: .knowledgeEventID)
        try container.encode(knowledgeEventType.map { String(String.UnicodeScalarView($0.unicodeScalars.prefix(64))) }, forKey: .knowledgeEventType)
        try container.encode(entryID.map { String(String.UnicodeScalarView($0.unicodeScalars.prefix(64))) }, forKey: .entryID)
        try container.encode(version, forKey: .version)
        try container.encode(unitID, forKey: .unitID)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
        switch body {
        case let .accepted(state):
            try container.encode(state, forKey: .state)
        case let .refused(refusal):
            try container.encode(refusal.code.rawValue, forKey: .reasonCode)
            try container.encode(refusal.reason, forKey: .reason)
        case let .reviewOverdue(reviewBy, article):
            try container.encode(reviewBy.description, forKey: .reviewBy)
            try container.encode(article, forKey: .article)
        }
    }
}
