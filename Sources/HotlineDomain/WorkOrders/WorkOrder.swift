import Foundation

/// What a 承办单位 receives to act on a case (`work_order.issued` on
/// `hotline.work-orders.v1`, keyed by unit id): one order per receiving unit on every
/// dispatch, re-dispatch and reopen, lead and co-units alike (长沙 第十六条（二）「按责转交责任单位限期办理」,
/// 「明确1个责任单位牵头办理，其他单位会同办理」; 巴林左旗 第十二条 「以派单的形式即时转派至承办单位办理」).
/// The fields here are in clear: codes, ids, the round and its due instants. The appeal's
/// words and the caller's contact travel in `sealed`, readable by the unit alone.
public struct WorkOrder: Sendable, Codable, Equatable {
    /// Why the order was issued.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The first dispatch of an accepted case.
        case dispatch
        /// The centre sent the case to other units (a re-dispatch, or a return approved with a new unit).
        case redispatch
        /// 发回重办: a round rated 不满意 sent back as a new round (长沙 第三十三条; 巴林左旗 第十七条).
        case reopen
    }

    public enum Role: String, Sendable, Codable {
        case lead
        case co
    }

    /// A unit of the round, as the order names it.
    public struct UnitRef: Sendable, Codable, Equatable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// An earlier round's result as the centre holds it, in clear: codes only. What the unit
    /// wrote (who handled it, what was done) is in the sealed content.
    public struct EarlierRound: Sendable, Equatable {
        public var round: Int
        public var unitID: String
        public var outcome: ResultReport.Outcome?
        public var handledAt: Date?
        public var rating: CallbackRating?

        public init(round: Int, unitID: String, outcome: ResultReport.Outcome?, handledAt: Date?, rating: CallbackRating?) {
            self.round = round
            self.unitID = unitID
            self.outcome = outcome
            self.handledAt = handledAt
            self.rating = rating
        }
    }

    public static let type = "work_order.issued"

    /// The order's id: the event id, and with the unit id the associated data of `sealed`.
    public var eventID: UUID
    public var kind: Kind
    public var unitID: String
    public var role: Role
    public var caseID: UUID
    public var caseNumber: String
    public var round: Int
    public var category: CategoryCode
    public var urgent: Bool
    /// How the case reached the unit (`leader`, `media`, `provincial`); nil for an ordinary appeal.
    public var source: String?
    /// The administrative division code of the place the appeal concerns, when the caller named one.
    public var areaCode: String?
    public var lead: UnitRef
    public var coUnits: [UnitRef]
    /// When the unit must sign (签收) the order.
    public var signDue: Date?
    /// When the round's handling ends; nil where the policy counts handling from signing.
    public var handlingDue: Date?
    /// The caller asked for confidentiality (长沙 第十五条; 兰溪 四.3): the order carries no contact.
    public var callerConfidential: Bool
    /// Reopen only: the earlier rounds' results, oldest first; empty otherwise.
    public var earlierRounds: [EarlierRound]
    public var policy: CaseEvent.PolicyRef
    /// The order this one issues again, once the unit's sealing key was enrolled.
    public var reissueOf: UUID?
    public var sealed: SealedToParty?
    /// Set when `sealed` is nil: the unit had no sealing key; the centre enrols it and reissues the order.
    public var withheld: SealingWithheld?
    public var occurredAt: Date

    public init(
        eventID: UUID, kind: Kind, unitID: String, role: Role, caseID: UUID, caseNumber: String, round: Int, category: CategoryCode,
        urgent: Bool, source: String?, areaCode: String?, lead: UnitRef, coUnits: [UnitRef], signDue: Date?, handlingDue: Date?,
        callerConfidential: Bool, earlierRounds: [EarlierRound], policy: CaseEvent.PolicyRef, reissueOf: UUID? = nil,
        sealed: SealedToParty? = nil, withheld: SealingWithheld? = nil, occurredAt: Date
    ) {
        self.eventID = eventID
        self.kind = kind
        self.unitID = unitID
        self.role = role
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.round = round
        self.category = category
        self.urgent = urgent
        self.source = source
        self.areaCode = areaCode
        self.lead = lead
        self.coUnits = coUnits
        self.signDue = signDue
        self.handlingDue = handlingDue
        self.callerConfidential = callerConfidential
        self.earlierRounds = earlierRounds
        self.policy = policy
        self.reissueOf = reissueOf
        self.sealed = sealed
        self.withheld = withheld
        self.occurredAt = occurredAt
    }

    /// The associated data the sealed content is bound to: the order's event id and the
    /// receiving unit's id, so a sealed content cannot be moved to another order or unit.
    public static func associatedData(eventID: UUID, unitID: String) -> [UInt8] {
        Array("\(eventID.uuidString.lowercased()) \(unitID)".utf8)
    }

    /// The HPKE `info` of every sealed order: the topic's contract.
    public static let sealingInfo = Array("hotline.work-orders.v1".utf8)

    enum CodingKeys: String, CodingKey {
        case kind, role, round, category, urgent, source, lead, policy, sealed, withheld, type
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case unitID = "unit_id"
        case caseID = "case_id"
        case caseNumber = "case_number"
        case areaCode = "area_code"
        case coUnits = "co_units"
        case signDue = "sign_due"
        case handlingDue = "handling_due"
        case callerConfidential = "caller_confidential"
        case earlierRounds = "earlier_rounds"
        case reissueOf = "reissue_of"
        case occurredAt = "occurred_at"
    }

    enum PolicyKeys: String, CodingKey {
        case id = "policy"
        case version = "policy_version"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(Self.type, forKey: .type)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(kind, forKey: .kind)
        try container.encode(unitID, forKey: .unitID)
        try container.encode(role, forKey: .role)
        try container.encode(caseID.uuidString.lowercased(), forKey: .caseID)
        try container.encode(caseNumber, forKey: .caseNumber)
        try container.encode(round, forKey: .round)
        try container.encode(category, forKey: .category)
        try container.encode(urgent, forKey: .urgent)
        try container.encode(source, forKey: .source)
        try container.encode(areaCode, forKey: .areaCode)
        try container.encode(lead, forKey: .lead)
        try container.encode(coUnits, forKey: .coUnits)
        try container.encode(signDue.map(RFC3339.formatSeconds), forKey: .signDue)
        try container.encode(handlingDue.map(RFC3339.formatSeconds), forKey: .handlingDue)
        try container.encode(callerConfidential, forKey: .callerConfidential)
        try container.encode(earlierRounds.map(EarlierRoundJSON.init), forKey: .earlierRounds)
        var policyContainer = container.nestedContainer(keyedBy: PolicyKeys.self, forKey: .policy)
        try policyContainer.encode(policy.id, forKey: .id)
        try policyContainer.encode(policy.version, forKey: .version)
        try container.encode(reissueOf?.uuidString.lowercased(), forKey: .reissueOf)
        try container.encode(sealed, forKey: .sealed)
        try container.encode(withheld, forKey: .withheld)
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func instant(_ key: CodingKeys) throws -> Date? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 instant")
            }
            return date
        }
        eventID = try container.decode(UUID.self, forKey: .eventID)
        kind = try container.decode(Kind.self, forKey: .kind)
        unitID = try container.decode(String.self, forKey: .unitID)
        role = try container.decode(Role.self, forKey: .role)
        caseID = try container.decode(UUID.self, forKey: .caseID)
        caseNumber = try container.decode(String.self, forKey: .caseNumber)
        round = try container.decode(Int.self, forKey: .round)
        category = try container.decode(CategoryCode.self, forKey: .category)
        urgent = try container.decode(Bool.self, forKey: .urgent)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        areaCode = try container.decodeIfPresent(String.self, forKey: .areaCode)
        lead = try container.decode(UnitRef.self, forKey: .lead)
        coUnits = try container.decode([UnitRef].self, forKey: .coUnits)
        signDue = try instant(.signDue)
        handlingDue = try instant(.handlingDue)
        callerConfidential = try container.decode(Bool.self, forKey: .callerConfidential)
        earlierRounds = try container.decode([EarlierRoundJSON].self, forKey: .earlierRounds).map(\.round)
        let policyContainer = try container.nestedContainer(keyedBy: PolicyKeys.self, forKey: .policy)
        policy = CaseEvent.PolicyRef(id: try policyContainer.decode(String.self, forKey: .id), version: try policyContainer.decode(String.self, forKey: .version))
        reissueOf = try container.decodeIfPresent(UUID.self, forKey: .reissueOf)
        sealed = try container.decodeIfPresent(SealedToParty.self, forKey: .sealed)
        withheld = try container.decodeIfPresent(SealingWithheld.self, forKey: .withheld)
        guard let occurred = try instant(.occurredAt) else {
            throw DecodingError.keyNotFound(CodingKeys.occurredAt, .init(codingPath: container.codingPath, debugDescription: "occurred_at is required"))
        }
        occurredAt = occurred
    }
}

/// An earlier round on the wire: its instant as RFC 3339 text like every instant of an event.
private struct EarlierRoundJSON: Codable {
    var round: WorkOrder.EarlierRound

    init(_ round: WorkOrder.EarlierRound) { self.round = round }

    enum CodingKeys: String, CodingKey {
        case round, outcome, rating
        case unitID = "unit_id"
        case handledAt = "handled_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(round.round, forKey: .round)
        try container.encode(round.unitID, forKey: .unitID)
        try container.encode(round.outcome, forKey: .outcome)
        try container.encode(round.handledAt.map(RFC3339.format), forKey: .handledAt)
        try container.encode(round.rating, forKey: .rating)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        round = WorkOrder.EarlierRound(
            round: try container.decode(Int.self, forKey: .round), unitID: try container.decode(String.self, forKey: .unitID),
            outcome: try container.decodeIfPresent(ResultReport.Outcome.self, forKey: .outcome),
            handledAt: try container.decodeIfPresent(String.self, forKey: .handledAt).flatMap(RFC3339.parse),
            rating: try container.decodeIfPresent(CallbackRating.self, forKey: .rating))
    }
}
