import Foundation

/// The answer to every unit or centre action, on `hotline.action-outcomes.v1`
/// keyed by case id: accepted (with the case's status after it) or refused (with a
/// reason code and a sentence; the case is untouched).
public struct ActionOutcome: Sendable, Encodable, Equatable {
    public var eventID: UUID
    public var actionEventID: String?
    public var actionType: String?
    public var actor: ActionActor?
    public var caseID: UUID?
    public var caseNumber: String?
    public var occurredAt: Date
    /// The case's status after the action (accepted), or as it stays (refused, when known).
    public var status: CaseStatus?
    public var refusal: ActionRefusal?

    public init(
        eventID: UUID, actionEventID: String?, actionType: String?, actor: ActionActor?, caseID: UUID?,
        caseNumber: String?, occurredAt: Date, status: CaseStatus?, refusal: ActionRefusal?
    ) {
        self.eventID = eventID
        self.actionEventID = actionEventID
        self.actionType = actionType
        self.actor = actor
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.occurredAt = occurredAt
        self.status = status
        self.refusal = refusal
    }

    public var type: String { refusal == nil ? "action.accepted" : "action.refused" }

    enum CodingKeys: String, CodingKey {
        case type, actor, status, reason, article
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case actionEventID = "action_event_id"
        case actionType = "action_type"
        case caseID = "case_id"
        case caseNumber = "case_number"
        case occurredAt = "occurred_at"
        case reasonCode = "reason_code"
    }

    enum ActorKeys: String, CodingKey {
        case kind
        case unitID = "unit_id"
        case staffID = "staff_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(type, forKey: .type)
        try container.encode(actionEventID, forKey: .actionEventID)
        try container.encode(actionType, forKey: .actionType)
        if let actor {
            var nested = container.nestedContainer(keyedBy: ActorKeys.self, forKey: .actor)
            switch actor {
            case let .unit(id, staff):
                try nested.encode("unit", forKey: .kind)
                try nested.encode(id, forKey: .unitID)
                try nested.encode(staff, forKey: .staffID)
            case let .centre(staff):
                try nested.encode("centre", forKey: .kind)
                try nested.encode(staff, forKey: .staffID)
            }
        } else {
            try container.encodeNil(forKey: .actor)
        }
        try container.encode(caseID?.uuidString.lowercased(), forKey: .caseID)
        try container.encode(caseNumber, forKey: .caseNumber)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
        try container.encode(status, forKey: .status)
        if let refusal {
            try container.encode(refusal.code.rawValue, forKey: .reasonCode)
            try container.encode(refusal.reason, forKey: .reason)
            try container.encode(refusal.article, forKey: .article)
        }
    }
}
