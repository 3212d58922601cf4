/// The policy's labelled appeals (`examples`): a file in the policy directory, each line an
/// appeal the centre's staff decided with its scope rule or category, from which intake
/// learns what keywords miss (`AppealModel`). Keywords decide first; where none matched,
/// the model redirects or refuses an appeal only when it finds a scope rule likeliest, by
/// `margin` above every label of another outcome, and it chooses the category an adapter
/// did not send.
/// The file's SHA-256 is in the policy, so a version recorded in `policy_versions` pins the
/// examples it was judged by: a changed file is refused until the policy names its digest
/// (and so gets a new `version`).
public struct ExampleAppeals: Sendable, Decodable, Equatable {
    /// Relative to the policy's directory.
    public var file: String
    public var sha256: String
    /// How much likelier (natural log of the ratio) a scope rule must be than every label of
    /// another outcome (a redirect against refusals and categories, a refusal against
    /// redirects and categories) before the model redirects or refuses an appeal no keyword
    /// matched. Naive Bayes counts every character pair as separate evidence, so its ratios
    /// grow with the text's length and are far from probabilities: the margin is chosen on
    /// the appeals of writers left out of the examples and the demo's templates, where a
    /// wrong refusal is rare (README of Ops/fixtures/labelled).
    public var margin: Double
    /// How far (natural log) below the examples' likeliest category the keywords' category
    /// may be and still be chosen (`CategoryClassifier.chosen`).
    public var categoryMargin: Double
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case file, sha256, margin, note
        case categoryMargin = "category_margin"
    }
}

extension Policy {
    /// The labels an example may carry: the scope rules' codes, then the categories'.
    public var exampleLabels: [String] {
        scope.redirect.map(\.code) + scope.notAccepted.map(\.code) + categories.map(\.code.rawValue)
    }

    /// Learns `model` from the appeals of the `examples` file; each problem names the
    /// example's line. Labels no example carries are never chosen.
    public mutating func learn(from appeals: [(line: Int, appeal: LabelledAppeal)]) -> [PolicyProblem] {
        let known = exampleLabels
        var problems: [PolicyProblem] = []
        for (line, appeal) in appeals where !known.contains(appeal.label) {
            problems.append(.init(key: "examples.file line \(line)", problem: "'\(appeal.label)' is neither a scope rule nor a category of this policy"))
        }
        for (line, appeal) in appeals where NormalizedText(appeal.text).isEmpty {
            problems.append(.init(key: "examples.file line \(line)", problem: "has no text to learn from"))
        }
        if appeals.isEmpty { problems.append(.init(key: "examples.file", problem: "holds no appeal; remove `examples` or add labelled appeals")) }
        guard problems.isEmpty else { return problems }
        let labelled = Set(appeals.map(\.appeal.label))
        model = AppealModel(
            labels: known.filter(labelled.contains),
            examples: appeals.map { (colloquial.canonical(NormalizedText($0.appeal.text)), $0.appeal.label) })
        return []
    }

    func exampleProblems() -> [PolicyProblem] {
        guard let examples else { return [] }
        var problems: [PolicyProblem] = []
        if examples.file.isEmpty { problems.append(.init(key: "examples.file", problem: "must name the file of labelled appeals")) }
        if examples.sha256.count != 64 || !examples.sha256.allSatisfy(\.isHexDigit) {
            problems.append(.init(key: "examples.sha256", problem: "must be the file's SHA-256 in 64 hexadecimal digits (sha256sum)"))
        }
        if !(examples.margin > 0) { problems.append(.init(key: "examples.margin", problem: "must be above 0, found \(examples.margin)")) }
        if !(examples.categoryMargin >= 0) {
            problems.append(.init(key: "examples.category_margin", problem: "must be 0 or more, found \(examples.categoryMargin)"))
        }
        return problems
    }
}
