import Foundation

/// The answer to one intake event on `hotline.intake.receipts.v1`, keyed like it:
/// the case number to read to the caller, or why it was not accepted (长沙 第十四条
/// "对不予受理的事项，应当告知诉求人不予受理及其依据"), or where it was redirected.
public struct IntakeReceipt: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case accepted, merged
        case notAccepted = "not_accepted"
        case redirected
    }

    public struct Reply: Sendable, Codable, Equatable {
        public var eventID: String
        public var channel: Channel
        public var externalID: String

        enum CodingKeys: String, CodingKey {
            case channel
            case eventID = "event_id"
            case externalID = "external_id"
        }
    }

    public var schemaVersion = 1
    public var eventID: String
    public var inReplyTo: Reply
    public var outcome: Outcome
    public var duplicate: Bool
    public var caseID: String?
    public var caseNumber: String?
    public var category: CategoryCode?
    public var reasonCode: String?
    public var reason: String?
    public var redirectTo: String?
    public var basis: PolicyBasis?
    /// For an accepted case: the code that, with the case number, opens the progress lookup
    /// (巴林左旗 第二十四条), for the adapter to read out or text to the caller. Never stored:
    /// intake derives it from the case id again for a re-published appeal.
    public var queryCode: String?
    public var issuedAt: String

    enum CodingKeys: String, CodingKey {
        case outcome, duplicate, category, reason, basis
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case inReplyTo = "in_reply_to"
        case caseID = "case_id"
        case caseNumber = "case_number"
        case reasonCode = "reason_code"
        case redirectTo = "redirect_to"
        case issuedAt = "issued_at"
        case queryCode = "query_code"
    }

    public init(
        eventID: UUID, replyingTo event: IntakeEvent, outcome: Outcome, duplicate: Bool = false,
        caseID: UUID? = nil, caseNumber: String? = nil, category: CategoryCode? = nil,
        reasonCode: String? = nil, reason: String? = nil, redirectTo: String? = nil,
        basis: PolicyBasis? = nil, issuedAt: Date
    ) {
        self.eventID = eventID.uuidString.lowercased()
        self.inReplyTo = Reply(eventID: event.eventID, channel: event.channel, externalID: event.externalID)
        self.outcome = outcome
        self.duplicate = duplicate
        self.caseID = caseID?.uuidString.lowercased()
        self.caseNumber = caseNumber
        self.category = category
        self.reasonCode = reasonCode
        self.reason = reason
        self.redirectTo = redirectTo
        self.basis = basis
        self.issuedAt = RFC3339.format(issuedAt)
    }

    /// The receipt as intake keeps it (`intake_requests.receipt`): without the query code,
    /// which exists at rest only as its verifier's keyed hash.
    public var withoutQueryCode: IntakeReceipt {
        var copy = self
        copy.queryCode = nil
        return copy
    }

    /// The same answer again, for a re-published event: new receipt id, the new
    /// event it replies to, marked as a duplicate.
    public func reissued(eventID: UUID, replyingTo event: IntakeEvent, issuedAt: Date) -> IntakeReceipt {
        var copy = self
        copy.eventID = eventID.uuidString.lowercased()
        copy.inReplyTo = Reply(eventID: event.eventID, channel: event.channel, externalID: event.externalID)
        copy.duplicate = true
        copy.issuedAt = RFC3339.format(issuedAt)
        return copy
    }
}
