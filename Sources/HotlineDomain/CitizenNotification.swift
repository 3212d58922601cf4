import Foundation

/// A message for the caller (`notification.requested` on `hotline.notifications.v1`,
/// keyed by case id), for the SMS/WeChat adapter. The only personal data is sealed for
/// that adapter with its contact key, the notification's own `event_id` as
/// authenticated data: the caller's phone (`contact`) and, on a result, the unit's reply
/// (`reply`, the `action_taken` of its result: free text that may name people). Names,
/// addresses and any other text typed by staff or units never appear.
public struct CitizenNotification: Sendable, Encodable, Equatable {
    /// The notification's id: the event id, and the authenticated data of what is sealed in it.
    public var id: UUID
    public var caseID: UUID
    public var caseNumber: String
    public var plan: NotificationPlan
    public var contact: SealedContact
    /// Results only: the unit's reply, sealed like the contact; nil when there is none.
    public var reply: SealedContact?
    public var basis: PolicyBasis
    public var occurredAt: Date

    public init(
        id: UUID, caseID: UUID, caseNumber: String, plan: NotificationPlan, contact: SealedContact, reply: SealedContact?,
        basis: PolicyBasis, occurredAt: Date
    ) {
        self.id = id
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.plan = plan
        self.contact = contact
        self.reply = reply
        self.basis = basis
        self.occurredAt = occurredAt
    }

    public static let type = "notification.requested"

    /// 巴林左旗 第二十四条: the progress lookup asks for the case number and the query code
    /// given with the receipt (README "Progress lookup"); the message says so, without the code.
    static let lookupVerifier = "query_code"

    enum CodingKeys: String, CodingKey {
        case type, kind, contact, basis, outcome, unit, sender, reply, channel
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case caseID = "case_id"
        case caseNumber = "case_number"
        case lookupVerifier = "lookup_verifier"
        case handlingDue = "handling_due"
        case committedDate = "committed_date"
        case taskID = "task_id"
        case occurredAt = "occurred_at"
    }

    struct Unit: Encodable {
        var id: String
        var name: String
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(id.uuidString.lowercased(), forKey: .eventID)
        try container.encode(Self.type, forKey: .type)
        try container.encode(plan.kind, forKey: .kind)
        try container.encode(caseID.uuidString.lowercased(), forKey: .caseID)
        try container.encode(caseNumber, forKey: .caseNumber)
        try container.encode(contact, forKey: .contact)
        try container.encode(basis, forKey: .basis)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
        switch plan.content {
        case .accepted:
            try container.encode(Self.lookupVerifier, forKey: .lookupVerifier)
        case let .extended(handlingDue):
            try container.encode(RFC3339.formatSeconds(handlingDue), forKey: .handlingDue)
        case let .interimReply(committedDate):
            try container.encode("\(committedDate)", forKey: .committedDate)
        case let .result(result, sender):
            try container.encode(result.outcome, forKey: .outcome)
            try container.encode(Unit(id: result.unitID, name: result.unitName), forKey: .unit)
            try container.encode(sender, forKey: .sender)
            try container.encode(reply, forKey: .reply)
        case let .callbackRequest(taskID, channel):
            try container.encode(taskID.uuidString.lowercased(), forKey: .taskID)
            try container.encode(channel, forKey: .channel)
        }
    }
}
