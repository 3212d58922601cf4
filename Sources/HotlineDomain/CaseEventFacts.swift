import Foundation

/// The fields of a `hotline.cases.v1` event that decide whether the caller is told of it.
public struct CaseEventFacts: Sendable, Equatable, Decodable {
    public var type: String
    /// The handling deadline after the step (an extension's new date).
    public var handlingDue: Date?
    public var article: String?
    /// Extensions only: the policy says the caller is told the new date (`lifecycle.extensions.caller_told`).
    public var callerToBeTold: Bool?
    /// `case.closed` of a direct answer (即时办结): the entry version the caller was answered from.
    public var answeredFrom: KnowledgeAnswer?
    /// `case.interim_replied` only: the date the unit committed to.
    public var committedDate: CalendarDate?

    public init(
        type: String, handlingDue: Date? = nil, article: String? = nil, callerToBeTold: Bool? = nil, answeredFrom: KnowledgeAnswer? = nil,
        committedDate: CalendarDate? = nil
    ) {
        self.type = type
        self.handlingDue = handlingDue
        self.article = article
        self.callerToBeTold = callerToBeTold
        self.answeredFrom = answeredFrom
        self.committedDate = committedDate
    }

    enum CodingKeys: String, CodingKey {
        case type, article
        case handlingDue = "handling_due"
        case callerToBeTold = "caller_to_be_told"
        case answeredFrom = "answered_from"
        case committedDate = "committed_date"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        article = try container.decodeIfPresent(String.self, forKey: .article)
        callerToBeTold = try container.decodeIfPresent(Bool.self, forKey: .callerToBeTold)
        answeredFrom = try container.decodeIfPresent(KnowledgeAnswer.self, forKey: .answeredFrom)
        committedDate = try container.decodeIfPresent(String.self, forKey: .committedDate).map { text in
            guard let date = CalendarDate(text) else {
                throw DecodingError.dataCorruptedError(forKey: .committedDate, in: container, debugDescription: "not a date YYYY-MM-DD")
            }
            return date
        }
        handlingDue = try container.decodeIfPresent(String.self, forKey: .handlingDue).map { text in
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: .handlingDue, in: container, debugDescription: "not an RFC 3339 date-time")
            }
            return date
        }
    }
}
