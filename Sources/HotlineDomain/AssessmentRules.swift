/// How a unit's period is scored (长沙 第三十六、三十七条; 巴林左旗 第十八、三十条; 鄂尔多斯
/// 第二十九条; 兰溪 六.1; 宜宾 第十一条（四）5): the rates the regulation names, each with a
/// weight (no seed gives numbers; each preset's note says what it chose), and the fewest
/// orders a unit must have received to be ranked, so a unit with one order cannot top a
/// period on it.
public struct AssessmentRules: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    public var weights: [AssessmentMeasure: Double]
    /// What a 基本满意 counts for in 满意率 (满意 counts 1, 不满意 0).
    public var basicallySatisfiedWeight: Double
    /// Units that received fewer orders in the period are shown, scored, but not ranked.
    public var minimumOrders: Int
    /// Weight keys that name no measure, kept for `Policy.problems()` to refuse.
    var unknownWeights: [String]

    enum CodingKeys: String, CodingKey {
        case article, note, weights
        case basicallySatisfiedWeight = "basically_satisfied_weight"
        case minimumOrders = "minimum_orders"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        article = try container.decode(String.self, forKey: .article)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        let raw = try container.decode([String: Double].self, forKey: .weights)
        weights = [:]
        unknownWeights = []
        for (key, weight) in raw {
            if let measure = AssessmentMeasure(rawValue: key) { weights[measure] = weight } else { unknownWeights.append(key) }
        }
        basicallySatisfiedWeight = try container.decode(Double.self, forKey: .basicallySatisfiedWeight)
        minimumOrders = try container.decode(Int.self, forKey: .minimumOrders)
    }

    /// The score formula as people read it, e.g. `0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率`.
    public var formula: String {
        weights.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key.label)" }.joined(separator: " + ")
    }
}

extension Policy {
    func assessmentProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if assessment.article.isEmpty { problems.append(.init(key: "assessment.article", problem: "must quote the article")) }
        for key in assessment.unknownWeights.sorted() {
            problems.append(.init(key: "assessment.weights.\(key)", problem: "is not a measure; known: \(AssessmentMeasure.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        for (measure, weight) in assessment.weights.sorted(by: { $0.key < $1.key }) where !(weight > 0 && weight <= 1) {
            problems.append(.init(key: "assessment.weights.\(measure.rawValue)", problem: "must be above 0 and at most 1 (leave out a measure the policy does not weigh), found \(weight)"))
        }
        if assessment.weights.isEmpty { problems.append(.init(key: "assessment.weights", problem: "must weigh at least one measure")) }
        let sum = assessment.weights.values.reduce(0, +)
        if !assessment.weights.isEmpty, abs(sum - 1) > 1e-9 { problems.append(.init(key: "assessment.weights", problem: "must add up to 1, found \(sum)")) }
        if !(0...1).contains(assessment.basicallySatisfiedWeight) {
            problems.append(.init(key: "assessment.basically_satisfied_weight", problem: "must be between 0 and 1, found \(assessment.basicallySatisfiedWeight)"))
        }
        if assessment.minimumOrders < 1 {
            problems.append(.init(key: "assessment.minimum_orders", problem: "must be at least 1, found \(assessment.minimumOrders)"))
        }
        return problems
    }
}
