/// On which grounds a unit may appeal a 不满意 rating (满意度申诉, 长沙 第二十七条
/// 「责任单位可在5个工作日内提供佐证材料发起满意度申诉」); how long it has is the
/// `limits.rating-appeal` obligation. Only 长沙 lists grounds; a policy without this
/// section refuses every appeal `not_provided`.
public struct RatingAppealRules: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// The grounds the regulation lists; an appeal on any other is refused.
    public var grounds: [AppealGround]

    public func ground(_ code: String) -> AppealGround? {
        grounds.first { $0.code == code }
    }
}

/// One listed ground of a rating appeal, e.g. 长沙 第二十七条（一）「回访结果与录音不一致的」.
public struct AppealGround: Sendable, Decodable, Equatable {
    public var code: String
    public var label: String
    public var article: String
}

extension Policy {
    func ratingAppealProblems() -> [PolicyProblem] {
        guard let rules = ratingAppeals else { return [] }
        var problems: [PolicyProblem] = []
        if rules.article.isEmpty { problems.append(.init(key: "rating_appeals.article", problem: "must quote the article")) }
        if rules.grounds.isEmpty { problems.append(.init(key: "rating_appeals.grounds", problem: "must list at least one ground")) }
        var seen: Set<String> = []
        for (index, ground) in rules.grounds.enumerated() {
            let key = "rating_appeals.grounds[\(index)]"
            if !ground.code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) || ground.code.isEmpty {
                problems.append(.init(key: "\(key).code", problem: "must be lower-case letters, digits and _, found '\(ground.code)'"))
            }
            if !seen.insert(ground.code).inserted { problems.append(.init(key: "\(key).code", problem: "'\(ground.code)' is listed twice")) }
            if ground.article.isEmpty || ground.label.isEmpty {
                problems.append(.init(key: key, problem: "must quote the article and give the label"))
            }
        }
        return problems
    }
}
