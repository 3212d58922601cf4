import Foundation

/// A case lifecycle event on `hotline.cases.v1`, keyed by case id. It carries ids,
/// codes and units, never the caller's personal data.
public struct CaseEvent: Sendable, Encodable, Equatable {
    public struct PolicyRef: Sendable, Codable, Hashable {
        public var id: String
        public var version: String

        public init(id: String, version: String) {
            self.id = id
            self.version = version
        }
    }

    public struct UnitRef: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var level: UnitLevel

        public init(_ unit: HandlingUnit) {
            id = unit.id
            name = unit.name
            level = unit.level
        }
    }

    public enum Body: Sendable, Equatable {
        /// `answeredFrom`: answered at once from that entry version (即时办结); `replyDue`: the
        /// centre owes the caller a reply by then (长沙 第十六条（一）), counted provisionally when
        /// `replyDueProvisional` (a year without its notice yet).
        case accepted(
            category: CategoryCode, channel: Channel, areaCode: String?, urgent: Bool, confidential: Bool, receivedAt: Date,
            answeredFrom: KnowledgeAnswer? = nil, replyDue: Date? = nil, replyDueProvisional: Bool = false)
        case urged(urgeCount: Int, channel: Channel, basis: PolicyBasis)
        case dispatched(round: Int, lead: UnitRef, coUnits: [UnitRef], ruleID: String)
        case dispatchPending(reason: String)
        case lifecycle(LifecycleNotice)
        case deadline(DeadlineNotice)
        case replanned(ReplanNotice)
        case rated(CaseRating)
        case ratingAppeal(RatingAppealNotice)
    }

    public var eventID: UUID
    public var caseID: UUID
    public var caseNumber: String
    public var occurredAt: Date
    public var policy: PolicyRef
    public var body: Body

    public init(eventID: UUID, caseID: UUID, caseNumber: String, occurredAt: Date, policy: PolicyRef, body: Body) {
        self.eventID = eventID
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.occurredAt = occurredAt
        self.policy = policy
        self.body = body
    }

    public var type: String {
        switch body {
        case .accepted: "case.accepted"
        case .urged: "case.urged"
        case .dispatched: "case.dispatched"
        case .dispatchPending: "case.dispatch_pending"
        case let .lifecycle(notice): notice.step.rawValue
        case let .deadline(notice): notice.kind.rawValue
        case .replanned: "deadline.replanned"
        case .rated: "case.rated"
        case let .ratingAppeal(notice): notice.step.rawValue
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, policy, category, channel, urgent, confidential, round, basis, queue, reason
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case caseID = "case_id"
        case caseNumber = "case_number"
        case occurredAt = "occurred_at"
        case areaCode = "area_code"
        case receivedAt = "received_at"
        case urgeCount = "urge_count"
        case reasonCode = "reason_code"
        case leadUnit = "lead_unit"
        case coUnits = "co_units"
        case ruleID = "rule_id"
        case unitID = "unit_id"
        case status, article, outcome, obligation
        case handlingDue = "handling_due"
        case callerToBeTold = "caller_to_be_told"
        case committedDate = "committed_date"
        case clockID = "clock_id"
        case dueAt = "due_at"
        case rating, resolved, source, attempt, reopened, ground
        case appealBy = "appeal_by"
        case answeredFrom = "answered_from"
        case replyDue = "reply_due"
        case assessedRating = "assessed_rating"
        case provisional
        case previousDueAt = "previous_due_at"
        case calendarBasis = "calendar_basis"
        case handlingDueProvisional = "handling_due_provisional"
        case replyDueProvisional = "reply_due_provisional"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(type, forKey: .type)
        try container.encode(caseID.uuidString.lowercased(), forKey: .caseID)
        try container.encode(caseNumber, forKey: .caseNumber)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
        try container.encode(policy, forKey: .policy)
        switch body {
        case let .accepted(category, channel, areaCode, urgent, confidential, receivedAt, answeredFrom, replyDue, replyDueProvisional):
            try container.encode(category, forKey: .category)
            try container.encode(channel, forKey: .channel)
            try container.encode(areaCode, forKey: .areaCode)
            try container.encode(urgent, forKey: .urgent)
            try container.encode(confidential, forKey: .confidential)
            try container.encode(RFC3339.format(receivedAt), forKey: .receivedAt)
            try container.encodeIfPresent(answeredFrom, forKey: .answeredFrom)
            try container.encodeIfPresent(replyDue.map(RFC3339.formatSeconds), forKey: .replyDue)
            if replyDueProvisional { try container.encode(true, forKey: .replyDueProvisional) }
        case let .urged(urgeCount, channel, basis):
            try container.encode(urgeCount, forKey: .urgeCount)
            try container.encode(channel, forKey: .channel)
            try container.encode(IntakeDecision.repeatOfOpenCase, forKey: .reasonCode)
            try container.encode(basis, forKey: .basis)
        case let .dispatched(round, lead, coUnits, ruleID):
            try container.encode(round, forKey: .round)
            try container.encode(lead, forKey: .leadUnit)
            try container.encode(coUnits, forKey: .coUnits)
            try container.encode(ruleID, forKey: .ruleID)
        case let .dispatchPending(reason):
            try container.encode("manual", forKey: .queue)
            try container.encode("no_rule_matched", forKey: .reasonCode)
            try container.encode(reason, forKey: .reason)
        case let .lifecycle(notice):
            try container.encode(notice.round, forKey: .round)
            try container.encode(notice.unitID, forKey: .unitID)
            try container.encode(notice.status, forKey: .status)
            try container.encode(notice.handlingDue.map(RFC3339.formatSeconds), forKey: .handlingDue)
            if notice.handlingDueProvisional { try container.encode(true, forKey: .handlingDueProvisional) }
            try container.encodeIfPresent(notice.article, forKey: .article)
            try container.encodeIfPresent(notice.callerToBeTold, forKey: .callerToBeTold)
            try container.encodeIfPresent(notice.outcome, forKey: .outcome)
            try container.encodeIfPresent(notice.committedDate.map { "\($0)" }, forKey: .committedDate)
            try container.encodeIfPresent(notice.answeredFrom, forKey: .answeredFrom)
        case let .deadline(notice):
            try container.encode(notice.clockID, forKey: .clockID)
            try container.encode(notice.obligation.rawValue, forKey: .obligation)
            try container.encode(notice.round, forKey: .round)
            try container.encode(notice.unitID, forKey: .unitID)
            try container.encode(RFC3339.formatSeconds(notice.dueAt), forKey: .dueAt)
            try container.encode(notice.article, forKey: .article)
            if notice.provisional { try container.encode(true, forKey: .provisional) }
        case let .replanned(notice):
            try container.encode(notice.clockID, forKey: .clockID)
            try container.encode(notice.obligation.rawValue, forKey: .obligation)
            try container.encode(notice.round, forKey: .round)
            try container.encode(notice.unitID, forKey: .unitID)
            try container.encode(RFC3339.formatSeconds(notice.previousDueAt), forKey: .previousDueAt)
            try container.encode(RFC3339.formatSeconds(notice.dueAt), forKey: .dueAt)
            try container.encode(notice.provisional, forKey: .provisional)
            try container.encode(notice.calendarBasis, forKey: .calendarBasis)
            try container.encode(notice.article, forKey: .article)
        case let .rated(rating):
            try container.encode(rating.round, forKey: .round)
            try container.encode(rating.unitID, forKey: .unitID)
            try container.encode(rating.rating, forKey: .rating)
            try container.encode(rating.resolved, forKey: .resolved)
            try container.encode(rating.source, forKey: .source)
            try container.encode(rating.channel, forKey: .channel)
            try container.encode(rating.attempt, forKey: .attempt)
            try container.encode(rating.article, forKey: .article)
            try container.encode(rating.reopened, forKey: .reopened)
        case let .ratingAppeal(notice):
            try container.encode(notice.round, forKey: .round)
            try container.encode(notice.unitID, forKey: .unitID)
            try container.encode(notice.rating, forKey: .rating)
            try container.encode(notice.ground.code, forKey: .ground)
            try container.encodeIfPresent(notice.appealBy.map(RFC3339.formatSeconds), forKey: .appealBy)
            try container.encodeIfPresent(notice.assessedRating, forKey: .assessedRating)
            try container.encode(notice.article, forKey: .article)
        }
    }
}
