import Foundation

/// A supervision opened, climbed or closed, on `hotline.escalations.v1`:
/// self-contained (case number, unit, rung, trigger, article, deadline) and free of
/// personal data. A case's supervision is keyed by case id; a unit's (`low_rates`)
/// has no case, carries the unit's figures and is keyed by unit id.
public struct EscalationEvent: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable {
        case opened = "supervision.opened"
        case climbed = "supervision.climbed"
        case closed = "supervision.closed"
    }

    public var eventID: UUID
    public var kind: Kind
    public var supervisionID: UUID
    /// The case supervised; nil when the supervision is about a unit.
    public var caseID: UUID?
    public var caseNumber: String?
    public var unitID: String
    public var unitName: String
    public var rank: Int
    public var levelCode: String
    public var levelName: String
    public var trigger: String
    public var basis: PolicyBasis
    public var deadline: Date?
    /// The deadline falls in a year counted provisionally: it may still move with the year's notice.
    public var deadlineProvisional = false
    public var closeReason: String?
    /// A unit's supervision: the figures that opened it, or on closure those that closed it.
    public var rates: UnitRateFigures?
    /// A `knowledge_late` supervision: the late uploads that opened it, or on closure those that closed it.
    public var knowledge: KnowledgeLateFigures?
    public var occurredAt: Date

    public init(
        eventID: UUID, kind: Kind, supervisionID: UUID, caseID: UUID?, caseNumber: String?, unitID: String,
        unitName: String, rank: Int, levelCode: String, levelName: String, trigger: String, basis: PolicyBasis,
        deadline: Date?, closeReason: String?, rates: UnitRateFigures? = nil, knowledge: KnowledgeLateFigures? = nil,
        occurredAt: Date
    ) {
        self.eventID = eventID
        self.kind = kind
        self.supervisionID = supervisionID
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.unitID = unitID
        self.unitName = unitName
        self.rank = rank
        self.levelCode = levelCode
        self.levelName = levelName
        self.trigger = trigger
        self.basis = basis
        self.deadline = deadline
        self.closeReason = closeReason
        self.rates = rates
        self.knowledge = knowledge
        self.occurredAt = occurredAt
    }

    enum CodingKeys: String, CodingKey {
        case type, unit, level, trigger, basis, deadline, rates, knowledge
        case deadlineProvisional = "deadline_provisional"
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case supervisionID = "supervision_id"
        case caseID = "case_id"
        case caseNumber = "case_number"
        case closeReason = "close_reason"
        case occurredAt = "occurred_at"
    }

    struct Unit: Encodable { var id: String; var name: String }
    struct Level: Encodable { var rank: Int; var code: String; var name: String }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(kind.rawValue, forKey: .type)
        try container.encode(supervisionID.uuidString.lowercased(), forKey: .supervisionID)
        try container.encodeIfPresent(caseID?.uuidString.lowercased(), forKey: .caseID)
        try container.encodeIfPresent(caseNumber, forKey: .caseNumber)
        try container.encode(Unit(id: unitID, name: unitName), forKey: .unit)
        try container.encode(Level(rank: rank, code: levelCode, name: levelName), forKey: .level)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(basis, forKey: .basis)
        try container.encode(kind == .closed ? nil : deadline.map(RFC3339.formatSeconds), forKey: .deadline)
        if kind != .closed, deadline != nil, deadlineProvisional { try container.encode(true, forKey: .deadlineProvisional) }
        try container.encodeIfPresent(closeReason, forKey: .closeReason)
        try container.encodeIfPresent(rates, forKey: .rates)
        try container.encodeIfPresent(knowledge, forKey: .knowledge)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
    }

    /// The message key: the case's id, or the unit's for a unit's supervision.
    public var key: String { caseID?.uuidString.lowercased() ?? unitID }
}
