/// Decides an appeal's category. The adapter's category wins when the policy names
/// it; a category the policy folds into another follows `category_aliases`;
/// otherwise the text is classified by the policy's keyword patterns (`TextPattern`,
/// over the normalised text, a negated keyword not counted: 「我不是投诉」): the category
/// with the most distinct keywords found wins. A caller naming the kind of appeal (its
/// label 投诉 or 表扬, or one of its `names`: 谢谢, 点个赞, 请问) says more than a word of
/// the matter does, so a name counts twice: 「想表扬一下…帮我们楼加装电梯」 is praise, 「路灯修好了，
/// 给你们点个赞」 too. Ties go to the category listed first, except that the default
/// category yields to any other: its words (坏了, 不方便) are those of any matter, so a tie
/// with a more specific category is that category (「不方便，能不能在社区开个老年食堂」 is a
/// suggestion). No hit at all gives `default_category`.
public struct CategoryClassifier: Sendable {
    public let policy: Policy
    private let keywords: [(code: CategoryCode, patterns: [(pattern: TextPattern, weight: Int)])]

    public init(policy: Policy) {
        self.policy = policy
        keywords = policy.categories.map { rule in
            let names = Set(rule.names + [rule.label])
            return (rule.code, Array(Set(rule.keywords + rule.names)).sorted().map { (TextPattern.compiled($0), names.contains($0) ? 2 : 1) })
        }
    }

    public func classify(given: CategoryCode?, text: String) -> (CategoryCode, CategorySource) {
        classify(given: given, text: NormalizedText(text))
    }

    public func classify(given: CategoryCode?, text: NormalizedText) -> (CategoryCode, CategorySource) {
        if let given {
            if policy.categories.contains(where: { $0.code == given }) { return (given, .event) }
            if let alias = policy.categoryAliases[given] { return (alias, .alias) }
        }
        var best: (code: CategoryCode, hits: Int)?
        for (code, patterns) in keywords {
            let hits = patterns.reduce(0) { $0 + ($1.pattern.matches(text) ? $1.weight : 0) }
            guard hits > 0 else { continue }
            if hits > (best?.hits ?? 0) || (hits == best?.hits && best?.code == policy.defaultCategory) { best = (code, hits) }
        }
        if let best { return (best.code, .text) }
        return (policy.defaultCategory, .default)
    }
}
