/// How the centre calls the citizen back (回访) once a result is approved: who calls,
/// on which channel first, how long an automatic callback waits for the answer, and
/// what an unanswered or dissatisfied automatic callback becomes (长沙 第二十五、二十六条;
/// 鄂尔多斯 第二十一条; 巴林左旗 第十七条; 兰溪 四.5; 宜宾 第十一条（五）2). The time the
/// callback must be made in is `limits.callback`.
public struct CallbackRules: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// Who calls: the centre, or the unit that handled the case (宜宾 「责任单位…要跟踪回访」).
    /// A confidential caller is always called by the centre (兰溪 四.3).
    public var performer: CallbackPerformer
    /// The channel of the first callback.
    public var firstChannel: CallbackChannel
    /// Automatic channels only: how long the caller has to answer (长沙 第二十六条: 72 hours).
    public var answerWindow: TimeLimit?
    /// Automatic channels only: what an automatic callback left unanswered in the window becomes.
    public var unanswered: UnansweredCallback?
    /// Automatic channels only: the limit of the manual callback that follows an automatic
    /// 不满意 or an unanswered one (长沙 第二十六条 「应在1个工作日内再次进行人工回访」).
    public var followUpLimit: TimeLimit?
    /// Where the regulation sends a round rated 不满意 back to a unit (发回重办).
    public var reopenArticle: String
    /// Where the regulation lets the centre close a case whose demand is excessive and
    /// refuse repeat calls about it (兰溪 四.5), and what the caller is told; nil where it does not.
    public var excessiveDemand: ExcessiveDemandRule?

    enum CodingKeys: String, CodingKey {
        case article, note, performer, unanswered
        case firstChannel = "first_channel"
        case answerWindow = "answer_window"
        case followUpLimit = "follow_up_limit"
        case reopenArticle = "reopen_article"
        case excessiveDemand = "excessive_demand"
    }
}

/// 兰溪 四.5 「来电人要求过高，对处理结果仍不满意的，可视为办结，不再受理重复来电」.
public struct ExcessiveDemandRule: Sendable, Decodable, Equatable {
    public var article: String
    /// What intake tells a caller whose repeat call is about such a case.
    public var reason: String
}

public enum CallbackPerformer: String, Sendable, Decodable, Equatable {
    case centre, unit
}

/// The ways a callback reaches the citizen; the first two need no person.
public enum CallbackChannel: String, Sendable, Codable, Equatable, CaseIterable {
    case sms
    case automaticCall = "automatic_call"
    case manual

    public var isAutomatic: Bool { self != .manual }
}

public enum UnansweredCallback: String, Sendable, Decodable, Equatable {
    /// The silence is a rating (长沙 第二十六条 「视为基本满意」).
    case basicallySatisfied = "basically_satisfied"
    /// A person calls instead.
    case manualCallback = "manual_callback"
}

/// The citizen's rating (长沙 第二十六条 「满意、基本满意、不满意」).
public enum CallbackRating: String, Sendable, Codable, Equatable, CaseIterable {
    case satisfied
    case basicallySatisfied = "basically_satisfied"
    case dissatisfied
}

extension Policy {
    func callbackProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        let rules = callbacks
        if rules.article.isEmpty { problems.append(.init(key: "callbacks.article", problem: "must quote the article")) }
        if rules.reopenArticle.isEmpty { problems.append(.init(key: "callbacks.reopen_article", problem: "must quote the article")) }
        if let rule = rules.excessiveDemand, rule.article.isEmpty || rule.reason.isEmpty {
            problems.append(.init(key: "callbacks.excessive_demand", problem: "must quote the article and say what the caller is told"))
        }
        let automaticKeys: [(String, Bool)] = [
            ("answer_window", rules.answerWindow != nil), ("unanswered", rules.unanswered != nil),
            ("follow_up_limit", rules.followUpLimit != nil),
        ]
        for (key, present) in automaticKeys {
            if rules.firstChannel.isAutomatic, !present {
                problems.append(.init(key: "callbacks.\(key)", problem: "is missing; an automatic first channel (\(rules.firstChannel.rawValue)) needs it"))
            } else if !rules.firstChannel.isAutomatic, present {
                problems.append(.init(key: "callbacks.\(key)", problem: "only applies when first_channel is sms or automatic_call"))
            }
        }
        for (key, limit) in [("answer_window", rules.answerWindow), ("follow_up_limit", rules.followUpLimit)] {
            if let limit, !limit.isPositive { problems.append(.init(key: "callbacks.\(key)", problem: "must be at least 1 working day or 1 hour")) }
        }
        return problems
    }
}
