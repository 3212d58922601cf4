/// Decides an appeal's category. The adapter's category wins when the policy names
/// it; a category the policy folds into another follows `category_aliases`;
/// otherwise the text is classified by the policy's keywords: the category with the
/// most distinct keywords found wins, ties go to the one listed first, and no hit
/// at all gives `default_category`.
public struct CategoryClassifier: Sendable {
    public let policy: Policy

    public init(policy: Policy) {
        self.policy = policy
    }

    public func classify(given: CategoryCode?, text: String) -> (CategoryCode, CategorySource) {
        if let given {
            if policy.categories.contains(where: { $0.code == given }) { return (given, .event) }
            if let alias = policy.categoryAliases[given] { return (alias, .alias) }
        }
        var best: (code: CategoryCode, hits: Int)?
        for rule in policy.categories {
            let hits = Set(rule.keywords).filter { text.contains($0) }.count
            if hits > 0 && hits > (best?.hits ?? 0) { best = (rule.code, hits) }
        }
        if let best { return (best.code, .text) }
        return (policy.defaultCategory, .default)
    }
}
