import Foundation

/// What a citizen may learn of their case (巴林左旗 第二十四条 「诉求人对其提出的热线事项的办理进度和
/// 办理结果享有知情权，但涉及国家秘密、商业秘密、他人隐私的除外」; 鄂尔多斯 第十九条（八） tells the caller of
/// an extension): its status, when it was received and accepted, the unit handling it and
/// the due date while it is open, and once the centre approved the result, the outcome and
/// the unit's reply. Never staff-only data (staff ids, supervisions, clocks, reasons for
/// returns or extensions, co-units) nor anyone's personal data; given only to whoever gives
/// the case's query code.
public struct CaseProgress: Sendable, Equatable, Encodable {
    public var caseNumber: String
    public var status: CaseStatus
    public var category: CategoryCode
    public var receivedAt: Date
    public var acceptedAt: Date
    public var unitName: String?
    public var handlingDue: Date?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var result: Result?
    public var rating: CallbackRating?

    /// The approved result as the citizen is told it (the same reply the result
    /// notification carries, 长沙 第二十二条).
    public struct Result: Sendable, Equatable, Encodable {
        public var outcome: ResultReport.Outcome
        public var reply: String?

        public init(outcome: ResultReport.Outcome, reply: String?) {
            self.outcome = outcome
            self.reply = reply
        }

        enum CodingKeys: String, CodingKey { case outcome, reply }

        /// `reply` present as null when the unit gave none.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(outcome, forKey: .outcome)
            try container.encode(reply, forKey: .reply)
        }
    }

    /// What the database holds about the case, before the rule of what the citizen sees.
    public struct Facts: Sendable, Equatable {
        public var caseNumber: String
        public var status: CaseStatus
        public var category: CategoryCode
        public var receivedAt: Date
        public var acceptedAt: Date
        public var leadUnitName: String?
        public var handlingDue: Date?
        public var resolvedAt: Date?
        public var closedAt: Date?
        public var latestResultOutcome: ResultReport.Outcome?
        public var latestResultReply: String?
        public var latestRating: CallbackRating?

        public init(
            caseNumber: String, status: CaseStatus, category: CategoryCode, receivedAt: Date, acceptedAt: Date, leadUnitName: String?,
            handlingDue: Date?, resolvedAt: Date?, closedAt: Date?, latestResultOutcome: ResultReport.Outcome?, latestResultReply: String?,
            latestRating: CallbackRating?
        ) {
            self.caseNumber = caseNumber
            self.status = status
            self.category = category
            self.receivedAt = receivedAt
            self.acceptedAt = acceptedAt
            self.leadUnitName = leadUnitName
            self.handlingDue = handlingDue
            self.resolvedAt = resolvedAt
            self.closedAt = closedAt
            self.latestResultOutcome = latestResultOutcome
            self.latestResultReply = latestResultReply
            self.latestRating = latestRating
        }
    }

    /// The progress shown for these facts: the due date only while the case is open; a
    /// result only once the centre approved it (a submitted result under review, or one it
    /// rejected, is the unit's draft, not the answer).
    public init(_ facts: Facts) {
        caseNumber = facts.caseNumber
        status = facts.status
        category = facts.category
        receivedAt = facts.receivedAt
        acceptedAt = facts.acceptedAt
        unitName = facts.leadUnitName
        handlingDue = facts.status.isOpen ? facts.handlingDue : nil
        resolvedAt = facts.status.isOpen ? nil : facts.resolvedAt
        closedAt = facts.closedAt
        result = facts.status.isOpen ? nil : facts.latestResultOutcome.map { Result(outcome: $0, reply: facts.latestResultReply) }
        rating = facts.latestRating
    }

    enum CodingKeys: String, CodingKey {
        case status, category, result, rating
        case caseNumber = "case_number"
        case receivedAt = "received_at"
        case acceptedAt = "accepted_at"
        case unitName = "unit_name"
        case handlingDue = "handling_due"
        case resolvedAt = "resolved_at"
        case closedAt = "closed_at"
    }

    /// Every member present (null when there is none), instants to the second in China time.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(caseNumber, forKey: .caseNumber)
        try container.encode(status, forKey: .status)
        try container.encode(category, forKey: .category)
        try container.encode(RFC3339.formatSeconds(receivedAt), forKey: .receivedAt)
        try container.encode(RFC3339.formatSeconds(acceptedAt), forKey: .acceptedAt)
        try container.encode(unitName, forKey: .unitName)
        try container.encode(handlingDue.map(RFC3339.formatSeconds), forKey: .handlingDue)
        try container.encode(resolvedAt.map(RFC3339.formatSeconds), forKey: .resolvedAt)
        try container.encode(closedAt.map(RFC3339.formatSeconds), forKey: .closedAt)
        try container.encode(result, forKey: .result)
        try container.encode(rating, forKey: .rating)
    }
}
