/// One unit's recorded work in a period, counted from the deadline clocks, the
/// callbacks and the supervisions (docs/ASSESSMENT.md says where each count comes from).
public struct UnitFigures: Sendable, Equatable, Codable {
    public var unitID: String
    public var unitName: String
    /// Rounds dispatched to the unit as lead in the period.
    public var ordersReceived: Int
    /// Rounds it sent back (退回 approved) in the period.
    public var returned: Int
    /// Extensions granted to it in the period.
    public var extended: Int
    /// Sign clocks due in the period, and of those signed by their deadline.
    public var signDue: Int
    public var signedOnTime: Int
    /// Handling clocks due in the period: met by the deadline, late or still open past it.
    public var handlingDue: Int
    public var finishedOnTime: Int
    public var overdue: Int
    public var stillOverdue: Int
    /// Rounds rated in the period, by final rating as assessed: an upheld appeal's rating
    /// replaces the citizen's, and a round it leaves uncounted is in none of the three.
    public var satisfied: Int
    public var basicallySatisfied: Int
    public var dissatisfied: Int
    /// Of the citizens who answered, how many said the matter was resolved.
    public var resolvedAnswers: Int
    public var resolvedYes: Int
    /// Rounds whose first callback was issued in the period, and of those rated.
    public var callbacksIssued: Int
    public var callbacksRated: Int
    /// Supervisions (督办) opened on the unit in the period, the highest ladder rank any reached,
    /// and how many stand on each rank, lowest first (ranks with none left out).
    public var supervisions: Int
    public var highestLevel: Int
    public var supervisionsByLevel: [SupervisionLevelCount]
    /// Rating appeals (满意度申诉) the centre upheld for the unit in the period (长沙 第二十七条).
    public var appealsUpheld: Int
    /// Knowledge upkeep in the period (巴林左旗 第十八条 「热线知识库建设更新等指标」; 长沙 第三十六条
    /// 「信息库建设更新」; 鄂尔多斯 第二十九条 「政务知识库建设」): entries added and updated, entries
    /// overdue for review at the period's end, versions uploaded late (巴林左旗 第十五条（八）).
    /// Figures only: no seed weighs them in the score.
    public var knowledgeAdded: Int
    public var knowledgeUpdated: Int
    public var knowledgeOverdue: Int
    public var knowledgeLate: Int

    public init(unitID: String, unitName: String) {
        self.unitID = unitID
        self.unitName = unitName
        (ordersReceived, returned, extended, signDue, signedOnTime) = (0, 0, 0, 0, 0)
        (handlingDue, finishedOnTime, overdue, stillOverdue) = (0, 0, 0, 0)
        (satisfied, basicallySatisfied, dissatisfied, resolvedAnswers, resolvedYes) = (0, 0, 0, 0, 0)
        (callbacksIssued, callbacksRated, supervisions, highestLevel, appealsUpheld) = (0, 0, 0, 0, 0)
        (knowledgeAdded, knowledgeUpdated, knowledgeOverdue, knowledgeLate) = (0, 0, 0, 0)
        supervisionsByLevel = []
    }

    public var rated: Int { satisfied + basicallySatisfied + dissatisfied }

    enum CodingKeys: String, CodingKey {
        case returned, extended, overdue, satisfied, dissatisfied, supervisions
        case unitID = "unit_id"
        case unitName = "unit_name"
        case ordersReceived = "orders_received"
        case signDue = "sign_due"
        case signedOnTime = "signed_on_time"
        case handlingDue = "handling_due"
        case finishedOnTime = "finished_on_time"
        case stillOverdue = "still_overdue"
        case basicallySatisfied = "basically_satisfied"
        case resolvedAnswers = "resolved_answers"
        case resolvedYes = "resolved_yes"
        case callbacksIssued = "callbacks_issued"
        case callbacksRated = "callbacks_rated"
        case highestLevel = "highest_level"
        case supervisionsByLevel = "supervisions_by_level"
        case appealsUpheld = "appeals_upheld"
        case knowledgeAdded = "knowledge_added"
        case knowledgeUpdated = "knowledge_updated"
        case knowledgeOverdue = "knowledge_overdue"
        case knowledgeLate = "knowledge_late"
    }
}

/// A unit's rates, composite score and rank for a period.
public struct UnitAssessment: Sendable, Equatable, Encodable {
    public var figures: UnitFigures
    /// 响应率: signed on time / sign clocks due (巴林左旗 第十五条（七）).
    public var responseRate: Double?
    /// 受理率: orders kept / orders received (巴林左旗 第三十条; 宜宾 退办).
    public var acceptanceRate: Double?
    /// 按时办结率: handling clocks met on time / handling clocks due (巴林左旗 第三十条 办结率; 宜宾 时效性).
    public var onTimeRate: Double?
    /// 回复率: handling clocks due that got a result, in time or late / handling clocks due (宜宾 第十一条（四）5);
    /// 1 − 巴林左旗 第三十条's 「逾期工单未办结」 share.
    public var replyRate: Double?
    /// 解决率: said resolved / citizens who answered (巴林左旗 第十五条（七）; 宜宾 满足率).
    public var resolutionRate: Double?
    /// 满意率: (满意 + w × 基本满意) / rated rounds (长沙 第二十六条 three levels; 巴林左旗 第三十条).
    public var satisfactionRate: Double?
    /// 1 − supervisions / orders received, at least 0 (宜宾 第十一条（四）5 「督办」).
    public var unsupervisedRate: Double?
    /// 回访率: rated / first callbacks issued (鄂尔多斯 第二十一条 「回访率要求达到百分之百」).
    public var callbackRate: Double?
    /// The policy's weighted sum of the rates it weighs; nil when the unit has none of them.
    public var score: Double?
    /// 1 for the best score; nil when not scored or below the policy's `minimum_orders`.
    public var rank: Int?

    public init(figures: UnitFigures) {
        self.figures = figures
    }

    /// The rate a measure names.
    public func rate(_ measure: AssessmentMeasure) -> Double? {
        switch measure {
        case .responseRate: responseRate
        case .acceptanceRate: acceptanceRate
        case .onTimeRate: onTimeRate
        case .replyRate: replyRate
        case .resolutionRate: resolutionRate
        case .satisfactionRate: satisfactionRate
        case .unsupervisedRate: unsupervisedRate
        }
    }

    enum CodingKeys: String, CodingKey {
        case figures, score, rank
        case responseRate = "response_rate"
        case acceptanceRate = "acceptance_rate"
        case onTimeRate = "on_time_rate"
        case replyRate = "reply_rate"
        case resolutionRate = "resolution_rate"
        case satisfactionRate = "satisfaction_rate"
        case unsupervisedRate = "unsupervised_rate"
        case callbackRate = "callback_rate"
    }

    /// A rate without data is written as null, not left out, so every row has every field.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(figures, forKey: .figures)
        try container.encode(responseRate, forKey: .responseRate)
        try container.encode(acceptanceRate, forKey: .acceptanceRate)
        try container.encode(onTimeRate, forKey: .onTimeRate)
        try container.encode(replyRate, forKey: .replyRate)
        try container.encode(resolutionRate, forKey: .resolutionRate)
        try container.encode(satisfactionRate, forKey: .satisfactionRate)
        try container.encode(unsupervisedRate, forKey: .unsupervisedRate)
        try container.encode(callbackRate, forKey: .callbackRate)
        try container.encode(score, forKey: .score)
        try container.encode(rank, forKey: .rank)
    }
}

/// The assessment of a period under a policy's `assessment` rules.
public struct Assessment: Sendable {
    public let rules: AssessmentRules

    public init(rules: AssessmentRules) {
        self.rules = rules
    }

    static func share(_ part: Int, of whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }

    public func assess(_ figures: UnitFigures) -> UnitAssessment {
        var unit = UnitAssessment(figures: figures)
        unit.satisfactionRate = figures.rated == 0 ? nil
            : (Double(figures.satisfied) + rules.basicallySatisfiedWeight * Double(figures.basicallySatisfied)) / Double(figures.rated)
        unit.responseRate = Self.share(figures.signedOnTime, of: figures.signDue)
        unit.acceptanceRate = Self.share(max(figures.ordersReceived - figures.returned, 0), of: figures.ordersReceived)
        unit.onTimeRate = Self.share(figures.finishedOnTime, of: figures.handlingDue)
        unit.replyRate = Self.share(max(figures.handlingDue - figures.stillOverdue, 0), of: figures.handlingDue)
        unit.resolutionRate = Self.share(figures.resolvedYes, of: figures.resolvedAnswers)
        unit.unsupervisedRate = Self.share(max(figures.ordersReceived - figures.supervisions, 0), of: figures.ordersReceived)
        unit.callbackRate = Self.share(figures.callbacksRated, of: figures.callbacksIssued)
        // A rate the unit has no data for (no order due, nobody answered) is left out and
        // the remaining weights are scaled to add up to 1 again.
        let scored = rules.weights.sorted { $0.key < $1.key }.compactMap { measure, weight in unit.rate(measure).map { ($0, weight) } }
        let weight = scored.map(\.1).reduce(0, +)
        if weight > 0 { unit.score = scored.map { $0.0 * $0.1 }.reduce(0, +) / weight }
        return unit
    }

    /// Every unit assessed and ranked, best first; units below `minimum_orders` follow the
    /// ranked ones by score, unranked, and units without a score come last, by id.
    public func rank(_ all: [UnitFigures]) -> [UnitAssessment] {
        let minimum = rules.minimumOrders
        var assessed = all.map(assess).sorted {
            let (leftRanked, rightRanked) = ($0.figures.ordersReceived >= minimum, $1.figures.ordersReceived >= minimum)
            if leftRanked != rightRanked, $0.score != nil, $1.score != nil { return leftRanked }
            switch ($0.score, $1.score) {
            case let (left?, right?) where left != right: return left > right
            case (.some, nil): return true
            case (nil, .some): return false
            default: return $0.figures.unitID < $1.figures.unitID
            }
        }
        var rank = 0
        var previous: Double?
        for index in assessed.indices where assessed[index].figures.ordersReceived >= minimum {
            guard let score = assessed[index].score else { continue }
            if score != previous { rank = index + 1 }
            assessed[index].rank = rank
            previous = score
        }
        return assessed
    }
}
