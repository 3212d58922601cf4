/// Decides an appeal's category. The adapter's category wins when the policy names
/// it; a category the policy folds into another follows `category_aliases`;
/// otherwise the text is classified by the policy's keyword patterns (`TextPattern`,
/// over the normalised text, a negated keyword not counted: 「我不是投诉」): the category
/// with the most distinct keywords found wins (a caller naming the category, its label
/// 投诉 or 表扬 as a keyword, counts twice: 「想表扬一下…帮我们楼加装电梯」 is praise), ties go
/// to the one listed first, and no hit at all gives `default_category`.
public struct CategoryClassifier: Sendable {
    public let policy: Policy
    private let keywords: [(code: CategoryCode, patterns: [(pattern: TextPattern, weight: Int)])]

    public init(policy: Policy) {
        self.policy = policy
        keywords = policy.categories.map { rule in
            (rule.code, Array(Set(rule.keywords)).sorted().map { (TextPattern.compiled($0), $0 == rule.label ? 2 : 1) })
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
            if hits > 0 && hits > (best?.hits ?? 0) { best = (code, hits) }
        }
        if let best { return (best.code, .text) }
        return (policy.defaultCategory, .default)
    }
}
