/// Checks of the patterns a policy's text rules are written in (`TextPattern`): a pattern
/// that does not compile is refused with its rule and the problem, at start-up and by
/// `hotline policy check`, rather than silently never matching.
extension Policy {
    func patternProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        func check(_ patterns: [String], key: String) {
            for (index, source) in patterns.enumerated() {
                do {
                    _ = try TextPattern(source)
                } catch {
                    problems.append(.init(key: "\(key)[\(index)]", problem: error.description))
                }
            }
        }
        for (list, rules) in [("scope.redirect", scope.redirect), ("scope.not_accepted", scope.notAccepted)] {
            for rule in rules {
                check(rule.keywords, key: "\(list).\(rule.code).keywords")
                check(rule.except, key: "\(list).\(rule.code).except")
                check(rule.exceptAnywhere, key: "\(list).\(rule.code).except_anywhere")
            }
        }
        for (index, rule) in categories.enumerated() {
            check(rule.keywords, key: "categories[\(index)].keywords")
            check(rule.names, key: "categories[\(index)].names")
        }
        problems += Self.groupProblems(synonyms, section: "synonyms", example: "[驾驶证, 驾照]")
        problems += Self.groupProblems(colloquial, section: "colloquial", example: "[没有, 冇得]")
        return problems
    }

    /// A group of words read as its first: at least two words, each one word, none in two groups.
    static func groupProblems(_ words: Synonyms, section: String, example: String) -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        var owner: [String: Int] = [:]
        for (index, group) in words.groups.enumerated() {
            let key = "\(section)[\(index)]"
            if group.count < 2 { problems.append(.init(key: key, problem: "must list the word read and at least one other, e.g. \(example)")) }
            for word in group {
                let normalized = NormalizedText(word)
                guard !normalized.isEmpty, !normalized.scalars.contains(NormalizedText.boundary) else {
                    problems.append(.init(key: key, problem: "'\(word)' must be one word of letters, digits or characters, without punctuation"))
                    continue
                }
                let form = normalized.readable
                if let first = owner[form], first != index {
                    problems.append(.init(key: key, problem: "'\(word)' is also in \(section)[\(first)]; a word belongs to one group"))
                }
                owner[form] = index
            }
        }
        return problems
    }
}
