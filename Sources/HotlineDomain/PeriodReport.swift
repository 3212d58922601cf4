/// A period's report under one policy version: every unit assessed and ranked, the
/// top and the bottom unit, and the hot spots (docs/ASSESSMENT.md). `hotline report
/// --format json` prints it and `report.period_closed` carries it, so both say the same.
public struct PeriodReport: Sendable, Equatable, Encodable {
    /// The best and the worst scored unit of the period.
    public struct Standing: Sendable, Equatable, Encodable {
        public var unitID: String
        public var unitName: String
        public var score: Double
        public var rank: Int

        enum CodingKeys: String, CodingKey {
            case score, rank
            case unitID = "unit_id"
            case unitName = "unit_name"
        }
    }

    /// The centre's own figures: cases accepted in the period and of those answered at once
    /// from the knowledge base (即时办结).
    public struct Centre: Sendable, Equatable, Encodable {
        public var accepted: Int
        public var directAnswers: Int

        public init(accepted: Int, directAnswers: Int) {
            self.accepted = accepted
            self.directAnswers = directAnswers
        }

        /// 即时办结率: direct answers / cases accepted; nil without accepted cases.
        public var directAnswerRate: Double? { accepted == 0 ? nil : Double(directAnswers) / Double(accepted) }

        enum CodingKeys: String, CodingKey {
            case accepted
            case directAnswers = "direct_answers"
            case directAnswerRate = "direct_answer_rate"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(accepted, forKey: .accepted)
            try container.encode(directAnswers, forKey: .directAnswers)
            try container.encode(directAnswerRate, forKey: .directAnswerRate)
        }
    }

    public var period: AssessmentPeriod
    public var policyID: String
    public var policyVersion: String
    public var units: [UnitAssessment]
    /// Nil unless at least two units are scored.
    public let top: Standing?
    public let bottom: Standing?
    public var hotSpots: [HotSpot]
    public var centre: Centre

    /// `units` ranked best first (`Assessment.rank`).
    public init(
        period: AssessmentPeriod, policyID: String, policyVersion: String, units: [UnitAssessment], hotSpots: [HotSpot],
        centre: Centre = Centre(accepted: 0, directAnswers: 0)
    ) {
        self.period = period
        self.policyID = policyID
        self.policyVersion = policyVersion
        self.units = units
        self.hotSpots = hotSpots
        self.centre = centre
        let scored = units.compactMap { unit in
            unit.score.flatMap { score in
                unit.rank.map { Standing(unitID: unit.figures.unitID, unitName: unit.figures.unitName, score: score, rank: $0) }
            }
        }
        (top, bottom) = scored.count > 1 ? (scored.first, scored.last) : (nil, nil)
    }

    enum CodingKeys: String, CodingKey {
        case period, policy, units, top, bottom, centre
        case periodKind = "period_kind"
        case firstDay = "first_day"
        case lastDay = "last_day"
        case policyVersion = "policy_version"
        case hotSpots = "hot_spots"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(period.label, forKey: .period)
        try container.encode(period.kind.rawValue, forKey: .periodKind)
        try container.encode(period.firstDay.description, forKey: .firstDay)
        try container.encode(period.lastDay.description, forKey: .lastDay)
        try container.encode(policyID, forKey: .policy)
        try container.encode(policyVersion, forKey: .policyVersion)
        try container.encode(units, forKey: .units)
        try container.encode(top, forKey: .top)
        try container.encode(bottom, forKey: .bottom)
        try container.encode(hotSpots, forKey: .hotSpots)
        try container.encode(centre, forKey: .centre)
    }
}
