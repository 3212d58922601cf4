import Foundation

/// A callback to make, on `hotline.callback-tasks.v1` keyed by case id, for the
/// SMS gateway, the IVR or the callback staff's console. The only personal data is
/// the caller's phone number, sealed for the adapters (`contact`); a caller without
/// a phone number gets `contact: null` and the adapter reports `unreachable`.
public struct CallbackTaskEvent: Sendable, Encodable, Equatable {
    public var eventID: UUID
    public var taskID: UUID
    public var caseID: UUID
    public var caseNumber: String
    public var round: Int
    public var plan: CallbackTaskPlan
    /// The phone number sealed for the adapters (the task id as authenticated data).
    public var contact: SealedContact?
    public var basis: PolicyBasis
    public var occurredAt: Date

    public init(
        eventID: UUID, taskID: UUID, caseID: UUID, caseNumber: String, round: Int, plan: CallbackTaskPlan, contact: SealedContact?,
        basis: PolicyBasis, occurredAt: Date
    ) {
        self.eventID = eventID
        self.taskID = taskID
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.round = round
        self.plan = plan
        self.contact = contact
        self.basis = basis
        self.occurredAt = occurredAt
    }

    enum CodingKeys: String, CodingKey {
        case type, round, attempt, channel, performer, contact, basis
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case taskID = "task_id"
        case caseID = "case_id"
        case caseNumber = "case_number"
        case dueAt = "due_at"
        case dueProvisional = "due_provisional"
        case answerBy = "answer_by"
        case occurredAt = "occurred_at"
    }

    struct Performer: Encodable {
        var kind: String
        var unitID: String?

        enum CodingKeys: String, CodingKey {
            case kind
            case unitID = "unit_id"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode("callback.task_issued", forKey: .type)
        try container.encode(taskID.uuidString.lowercased(), forKey: .taskID)
        try container.encode(caseID.uuidString.lowercased(), forKey: .caseID)
        try container.encode(caseNumber, forKey: .caseNumber)
        try container.encode(round, forKey: .round)
        try container.encode(plan.attempt, forKey: .attempt)
        try container.encode(plan.channel, forKey: .channel)
        try container.encode(Performer(kind: plan.performerUnitID == nil ? "centre" : "unit", unitID: plan.performerUnitID), forKey: .performer)
        try container.encode(RFC3339.formatSeconds(plan.dueAt), forKey: .dueAt)
        if plan.dueProvisional { try container.encode(true, forKey: .dueProvisional) }
        try container.encode(plan.answerBy.map(RFC3339.formatSeconds), forKey: .answerBy)
        try container.encode(contact, forKey: .contact)
        try container.encode(basis, forKey: .basis)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
    }
}
