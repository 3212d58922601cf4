/// A policy's scope rules (长沙 第十三条; 巴林左旗 第六条; 鄂尔多斯 第十七条、第十八条（一）)
/// compiled once into patterns, in file order: the first rule with a keyword pattern that
/// matches, outside a clause one of its `except` patterns also matches, applies. `except`
/// keeps a rule to what the article means: 「请问交通事故的责任认定书去哪里领」 names an accident
/// but asks about paperwork, not for 122; `except_anywhere` does so for the whole appeal:
/// 「那天我犯病，急救的护士一路握着我的手，太感谢了」 is thanks, not a call for 120.
public struct ScopeMatcher: Sendable {
    struct Compiled: Sendable {
        var rule: ScopeRule
        var keywords: [TextPattern]
        var exceptions: [TextPattern]
        var appealExceptions: [TextPattern]

        func finding(in text: NormalizedText) -> ScopeFinding? {
            if appealExceptions.contains(where: { $0.matches(text) }) { return nil }
            for keyword in keywords {
                var from = 0
                while from < text.scalars.count, let match = keyword.firstMatch(in: text, within: from..<text.scalars.count) {
                    let clause = Self.clause(around: match.range, in: text)
                    if !exceptions.contains(where: { $0.firstMatch(in: text, within: clause) != nil }) {
                        return ScopeFinding(rule: rule, match: match)
                    }
                    from = match.range.lowerBound + 1
                }
            }
            return nil
        }

        static func clause(around range: Range<Int>, in text: NormalizedText) -> Range<Int> {
            let scalars = text.scalars
            var lower = range.lowerBound
            while lower > 0, scalars[lower - 1] != NormalizedText.boundary { lower -= 1 }
            var upper = range.upperBound
            while upper < scalars.count, scalars[upper] != NormalizedText.boundary { upper += 1 }
            return lower..<upper
        }
    }

    let redirect: [Compiled]
    let notAccepted: [Compiled]

    public init(policy: Policy) {
        func compile(_ rules: [ScopeRule]) -> [Compiled] {
            rules.map {
                Compiled(rule: $0, keywords: $0.keywords.map(TextPattern.compiled), exceptions: $0.except.map(TextPattern.compiled),
                         appealExceptions: $0.exceptAnywhere.map(TextPattern.compiled))
            }
        }
        redirect = compile(policy.scope.redirect)
        notAccepted = compile(policy.scope.notAccepted)
    }

    /// The emergency line or other body the appeal belongs to, if any.
    public func redirect(_ text: NormalizedText) -> ScopeFinding? {
        redirect.lazy.compactMap { $0.finding(in: text) }.first
    }

    /// The matter out of scope the appeal is about, if any.
    public func notAccepted(_ text: NormalizedText) -> ScopeFinding? {
        notAccepted.lazy.compactMap { $0.finding(in: text) }.first
    }
}

/// A scope rule that applies, with the words that made it apply.
public struct ScopeFinding: Sendable, Equatable {
    public var rule: ScopeRule
    public var match: TextMatch
}

extension TextPattern {
    /// A policy's pattern; one that does not compile (which `Policy.problems()` refuses at
    /// load, so only a policy built in code can hold it) is matched as its literal text.
    static func compiled(_ source: String) -> TextPattern {
        (try? TextPattern(source)) ?? TextPattern(literal: source)
    }
}
