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
/// suggestion). No hit at all gives `default_category`. Where the policy has labelled
/// examples (`ExampleAppeals`), what they say weighs in (`chosen`): on a blind part by a
/// writer who had seen no rule or example, the keywords alone chose 0.66 of categories
/// right, with the examples 0.88 (Ops/fixtures/labelled/README.md).
public struct CategoryClassifier: Sendable {
    public let policy: Policy
    /// Each pattern's weight among keywords (a name 2, a keyword 1) and as a name (the
    /// label 2, another name 1, a keyword 0).
    private let keywords: [(code: CategoryCode, patterns: [(pattern: TextPattern, weight: Int, naming: Int)])]

    public init(policy: Policy) {
        self.policy = policy
        keywords = policy.categories.map { rule in
            let names = Set(rule.names + [rule.label])
            return (rule.code, Array(Set(rule.keywords + rule.names)).sorted().map { word in
                (TextPattern.compiled(word), names.contains(word) ? 2 : 1, word == rule.label ? 2 : names.contains(word) ? 1 : 0)
            })
        }
    }

    public func classify(given: CategoryCode?, text: String) -> (CategoryCode, CategorySource) {
        classify(given: given, text: NormalizedText(text))
    }

    /// `learned`: the policy's `AppealModel` ranking of the text, where it has one.
    public func classify(given: CategoryCode?, text: NormalizedText, learned: [AppealModel.Score]? = nil) -> (CategoryCode, CategorySource) {
        if let given {
            if policy.categories.contains(where: { $0.code == given }) { return (given, .event) }
            if let alias = policy.categoryAliases[given] { return (alias, .alias) }
        }
        if let learned, let margin = policy.examples?.categoryMargin {
            if let named = mostHits(in: text, \.naming) { return (named, .text) }
            if let chosen = Self.chosen(keyword: mostHits(in: text, \.weight), learned: learned, margin: margin) { return (chosen, .text) }
        }
        if let keyword = mostHits(in: text, \.weight) { return (keyword, .text) }
        return (policy.defaultCategory, .default)
    }

    /// Where the caller names no kind of appeal (投诉, 批评, 请问: the label above any other
    /// name), the keywords' category while the examples find it nearly as likely as their
    /// own likeliest (within `margin`), the examples' otherwise: the keywords settle a near
    /// tie, the examples overrule a keyword that the rest of the appeal contradicts.
    static func chosen(keyword: CategoryCode?, learned: [AppealModel.Score], margin: Double) -> CategoryCode? {
        let categories = learned.compactMap { score in CategoryCode(rawValue: score.label).map { (code: $0, logScore: score.logScore) } }
        guard let top = categories.first else { return nil }
        if let keyword, let own = categories.first(where: { $0.code == keyword }), top.logScore - own.logScore <= margin { return keyword }
        return top.code
    }

    /// The category whose patterns found weigh most (`weight` among keywords, `naming` among
    /// names); nil when nothing of weight matched.
    private func mostHits(in text: NormalizedText, _ weight: KeyPath<(pattern: TextPattern, weight: Int, naming: Int), Int>) -> CategoryCode? {
        var best: (code: CategoryCode, hits: Int)?
        for (code, patterns) in keywords {
            let hits = patterns.reduce(0) { $0 + ($1[keyPath: weight] > 0 && $1.pattern.matches(text) ? $1[keyPath: weight] : 0) }
            guard hits > 0 else { continue }
            if hits > (best?.hits ?? 0) || (hits == best?.hits && best?.code == policy.defaultCategory) { best = (code, hits) }
        }
        return best?.code
    }
}
