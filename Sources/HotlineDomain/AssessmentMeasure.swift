/// A rate a policy may weigh in a unit's score, each the share of a unit's work in a period
/// that went right (higher is better), named as the regulations name what they assess:
/// 巴林左旗 第三十条 「受理率、办结率、满意率、逾期工单未办结」; 宜宾 第十一条（四）5 「回复率、满足率、
/// 时效性…受到催办、强制办理、退办及督办等方面的实际情况」; 长沙 第三十六条 「办理情况、满意度」;
/// 鄂尔多斯 第二十九条 「工作效率、群众满意度」. Formulas in docs/ASSESSMENT.md.
public enum AssessmentMeasure: String, Sendable, CaseIterable, Codable, Comparable {
    /// 响应率: orders signed by the sign limit / sign clocks due.
    case responseRate = "response_rate"
    /// 受理率 (a unit's): orders kept / orders received, a return (退办) counting against it.
    case acceptanceRate = "acceptance_rate"
    /// 按时办结率 (办结率, 时效性): handling clocks met on time / handling clocks due.
    case onTimeRate = "on_time_rate"
    /// 回复率 (宜宾): handling clocks due that got a result, in time or late / handling clocks
    /// due; its complement is 巴林左旗's 「逾期工单未办结」, the orders still open past their deadline.
    case replyRate = "reply_rate"
    /// 解决率 (满足率): citizens who said the matter was resolved / citizens who answered.
    case resolutionRate = "resolution_rate"
    /// 满意率: (满意 + w × 基本满意) / rated rounds.
    case satisfactionRate = "satisfaction_rate"
    /// 1 − 督办 / orders received (at least 0): orders that needed no supervision.
    case unsupervisedRate = "unsupervised_rate"

    /// The regulations' word for it.
    public var label: String {
        switch self {
        case .responseRate: "响应率"
        case .acceptanceRate: "受理率"
        case .onTimeRate: "按时办结率"
        case .replyRate: "回复率"
        case .resolutionRate: "解决率"
        case .satisfactionRate: "满意率"
        case .unsupervisedRate: "督办"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
