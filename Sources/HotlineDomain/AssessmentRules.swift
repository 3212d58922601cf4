/// How a unit's period is scored (长沙 第三十六、三十七条; 巴林左旗 第十八、三十条; 鄂尔多斯
/// 第二十九条; 兰溪 六.1; 宜宾 第十一条（四）5). No seed gives weights; the presets use
/// a common practice elsewhere, 0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率, 基本满意 at 0.9.
public struct AssessmentRules: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    public var weights: Weights
    /// What a 基本满意 counts for in 满意率 (满意 counts 1, 不满意 0).
    public var basicallySatisfiedWeight: Double

    public struct Weights: Sendable, Decodable, Equatable {
        public var responseRate: Double
        public var resolutionRate: Double
        public var satisfactionRate: Double

        enum CodingKeys: String, CodingKey {
            case responseRate = "response_rate"
            case resolutionRate = "resolution_rate"
            case satisfactionRate = "satisfaction_rate"
        }
    }

    enum CodingKeys: String, CodingKey {
        case article, note, weights
        case basicallySatisfiedWeight = "basically_satisfied_weight"
    }
}

extension Policy {
    func assessmentProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if assessment.article.isEmpty { problems.append(.init(key: "assessment.article", problem: "must quote the article")) }
        let weights = assessment.weights
        let all = [("response_rate", weights.responseRate), ("resolution_rate", weights.resolutionRate), ("satisfaction_rate", weights.satisfactionRate)]
        for (key, weight) in all where !(0...1).contains(weight) {
            problems.append(.init(key: "assessment.weights.\(key)", problem: "must be between 0 and 1, found \(weight)"))
        }
        let sum = all.map(\.1).reduce(0, +)
        if abs(sum - 1) > 1e-9 { problems.append(.init(key: "assessment.weights", problem: "must add up to 1, found \(sum)")) }
        if !(0...1).contains(assessment.basicallySatisfiedWeight) {
            problems.append(.init(key: "assessment.basically_satisfied_weight", problem: "must be between 0 and 1, found \(assessment.basicallySatisfiedWeight)"))
        }
        return problems
    }
}
