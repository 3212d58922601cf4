/// 长沙 第十三条（六）「已依法办理完毕且诉求人无新情况、新理由…再次提出的事项」 is not accepted.
///
/// How "no new situation or reason" is judged: the appeal repeats one of the same caller's
/// cases closed within `withinDays` (same category and area, text as similar as the
/// policy's `repeat.similarity`, the test an urge of an open case passes), and the caller
/// states nothing new: none of `newReason` (「又」「再次」「还是没解决」「新情况」…, not negated)
/// occurs in the appeal. A caller who says the matter came back or was never solved gives
/// a new reason, and the appeal is accepted as a new case; so is anything less similar.
public struct ClosedCaseRepeatRule: Sendable, Decodable, Equatable {
    public var article: String
    /// What the caller is told.
    public var reason: String
    /// How long after closing a case a repeat of it is refused, in calendar days.
    public var withinDays: Int
    /// Patterns (`TextPattern`) by which a caller states a new situation or reason.
    public var newReason: [String]

    enum CodingKeys: String, CodingKey {
        case article, reason
        case withinDays = "within_days"
        case newReason = "new_reason"
    }

    /// The code the receipt carries.
    public static let code = "closed_no_new_reason"

    /// As a scope rule, for the receipt.
    public var scopeRule: ScopeRule { ScopeRule(code: Self.code, article: article, reason: reason) }
}

extension Policy {
    func closedCaseRepeatProblems() -> [PolicyProblem] {
        guard let rule = `repeat`.closedCase else { return [] }
        var problems: [PolicyProblem] = []
        let key = "repeat.closed_case"
        if rule.article.isEmpty { problems.append(.init(key: "\(key).article", problem: "must quote the article")) }
        if rule.reason.isEmpty { problems.append(.init(key: "\(key).reason", problem: "must say what the caller is told")) }
        if rule.withinDays < 1 { problems.append(.init(key: "\(key).within_days", problem: "must be at least 1, found \(rule.withinDays)")) }
        if rule.newReason.isEmpty {
            problems.append(.init(key: "\(key).new_reason", problem: "must list how a caller states a new situation or reason, e.g. 又, 再次, 新情况"))
        }
        for (index, source) in rule.newReason.enumerated() {
            do {
                _ = try TextPattern(source)
            } catch {
                problems.append(.init(key: "\(key).new_reason[\(index)]", problem: error.description))
            }
        }
        return problems
    }
}
