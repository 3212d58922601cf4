/// A phrase of a scope or category rule, as the policy writes it (docs/POLICY-FORMAT.md,
/// "Patterns"). Callers split what a rulebook says in one word (长沙 第十三条（七） keeps
/// 法院判决 out; a caller says 「法院去年判决」 or 「法院的判决」), so a pattern has parts:
///
/// - `法院~判决`: 法院, then 判决 after at most `maxGap` characters of the same clause;
/// - `(法院|法官)~判决`, `被(车|人)撞`: alternatives inside a part;
/// - a plain word, `着火`, is a pattern of one part.
///
/// Parts are normalised like the text (`NormalizedText`), so 「法院」 in a policy meets 「法院」
/// typed in traditional characters or full width. A match is a `TextMatch`.
public struct TextPattern: Sendable, Equatable {
    /// The most characters a `~` spans, within one clause.
    public static let maxGap = 8
    /// The most literal phrases one pattern may stand for (alternatives multiply).
    static let maxAlternatives = 256

    public let source: String
    /// For each part, its alternatives as normalised scalars, by their first scalar.
    let parts: [[Unicode.Scalar: [[Unicode.Scalar]]]]

    public init(_ source: String) throws(TextPatternError) {
        self.source = source
        guard !source.isEmpty else { throw .empty }
        var parts: [[[Unicode.Scalar]]] = []
        for piece in source.split(separator: "~", omittingEmptySubsequences: false) {
            guard !piece.isEmpty else { throw .emptyPart(source) }
            let phrases = try Self.expand(String(piece), in: source).map { NormalizedText($0).scalars }
            guard phrases.allSatisfy({ !$0.isEmpty }) else { throw .nothingToMatch(source, part: String(piece)) }
            guard phrases.allSatisfy({ !$0.contains(NormalizedText.boundary) }) else { throw .clauseBreak(source, part: String(piece)) }
            parts.append(phrases)
        }
        let count = parts.reduce(1) { $0 * $1.count }
        guard count <= Self.maxAlternatives else { throw .tooManyAlternatives(source, count: count) }
        self.parts = parts.map(Self.byFirstScalar)
    }

    /// A pattern of the exact text, for a word that is not to be read as a pattern.
    public init(literal: String) {
        source = literal
        let scalars = NormalizedText(literal).scalars
        parts = scalars.isEmpty ? [] : [Self.byFirstScalar([scalars])]
    }

    private static func byFirstScalar(_ phrases: [[Unicode.Scalar]]) -> [Unicode.Scalar: [[Unicode.Scalar]]] {
        Dictionary(grouping: phrases) { $0[0] }
    }

    /// The first match inside `window` (the whole text by default) that no negation cue
    /// turns around (`Negation`), or nil.
    public func firstMatch(in text: NormalizedText, within window: Range<Int>? = nil) -> TextMatch? {
        guard let first = parts.first else { return nil }
        let scalars = text.scalars
        let window = window?.clamped(to: scalars.indices) ?? scalars.indices
        var starts: [Int] = []
        for scalar in first.keys { starts += text.positions[scalar] ?? [] }
        if first.count > 1 { starts.sort() }
        for start in starts where window.contains(start) {
            for phrase in first[scalars[start]] ?? [] where Self.occurs(phrase, in: scalars, at: start) {
                guard let end = rest(from: start + phrase.count, part: 1, in: scalars), end <= window.upperBound else { continue }
                if Negation.negates(scalars, before: start) { continue }
                return TextMatch(pattern: source, range: start..<end, text: text)
            }
        }
        return nil
    }

    /// True when the pattern matches anywhere in the text.
    public func matches(_ text: NormalizedText) -> Bool {
        firstMatch(in: text) != nil
    }

    /// The end of parts[part...] placed after `position`, each within `maxGap` of the last.
    private func rest(from position: Int, part: Int, in scalars: [Unicode.Scalar]) -> Int? {
        guard part < parts.count else { return position }
        var start = position
        while start <= min(position + Self.maxGap, scalars.count - 1) {
            if start > position, scalars[start - 1] == NormalizedText.boundary { return nil }
            for phrase in parts[part][scalars[start]] ?? [] where Self.occurs(phrase, in: scalars, at: start) {
                if let end = rest(from: start + phrase.count, part: part + 1, in: scalars) { return end }
            }
            start += 1
        }
        return nil
    }

    static func occurs(_ phrase: [Unicode.Scalar], in scalars: [Unicode.Scalar], at start: Int) -> Bool {
        guard start + phrase.count <= scalars.count else { return false }
        for offset in phrase.indices where scalars[start + offset] != phrase[offset] { return false }
        return true
    }

    /// 被(车|人)撞 → 被车撞, 被人撞.
    private static func expand(_ piece: String, in source: String) throws(TextPatternError) -> [String] {
        var results = [""]
        var group: [String]?
        var current = ""
        for character in piece {
            switch character {
            case "(", "（":
                guard group == nil else { throw .nestedGroup(source) }
                results = results.map { $0 + current }
                current = ""
                group = []
            case "|", "｜":
                guard group != nil else { throw .barOutsideGroup(source) }
                guard !current.isEmpty else { throw .emptyAlternative(source) }
                group?.append(current)
                current = ""
            case ")", "）":
                guard var alternatives = group else { throw .unbalanced(source) }
                guard !current.isEmpty else { throw .emptyAlternative(source) }
                alternatives.append(current)
                results = results.flatMap { prefix in alternatives.map { prefix + $0 } }
                guard results.count <= maxAlternatives else { throw .tooManyAlternatives(source, count: results.count) }
                current = ""
                group = nil
            default:
                current.append(character)
            }
        }
        guard group == nil else { throw .unbalanced(source) }
        return results.map { $0 + current }
    }
}

/// Where a pattern met the text: shown to operators so a person can tell a good match
/// from a lucky word.
public struct TextMatch: Sendable, Equatable {
    public var pattern: String
    /// Scalar offsets into the normalised text.
    public var range: Range<Int>
    /// The matched words, as normalised.
    public var matched: String

    init(pattern: String, range: Range<Int>, text: NormalizedText) {
        self.pattern = pattern
        self.range = range
        matched = String(String.UnicodeScalarView(text.scalars[range].map { $0 == NormalizedText.boundary ? "，" : $0 }))
    }
}

/// Why a policy's pattern cannot be used; each says what to write instead.
public enum TextPatternError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case emptyPart(String)
    case nothingToMatch(String, part: String)
    case clauseBreak(String, part: String)
    case unbalanced(String)
    case nestedGroup(String)
    case barOutsideGroup(String)
    case emptyAlternative(String)
    case tooManyAlternatives(String, count: Int)

    public var description: String {
        switch self {
        case .empty: "is empty; write the words to match, e.g. 着火"
        case let .emptyPart(pattern): "'\(pattern)' has a `~` with nothing on one side; write parts on both sides, e.g. 法院~判决"
        case let .nothingToMatch(pattern, part): "'\(pattern)': part '\(part)' has no letters, digits or characters to match"
        case let .clauseBreak(pattern, part): "'\(pattern)': part '\(part)' holds clause punctuation (，。！？；：); a match never crosses a clause, so split it with `~` or drop the punctuation"
        case let .unbalanced(pattern): "'\(pattern)' has unbalanced parentheses; write alternatives as (甲|乙)"
        case let .nestedGroup(pattern): "'\(pattern)' nests parentheses; list every alternative in one group, e.g. (法院|法官)"
        case let .barOutsideGroup(pattern): "'\(pattern)' has a `|` outside parentheses; write alternatives as (甲|乙)"
        case let .emptyAlternative(pattern): "'\(pattern)' has an empty alternative; every alternative between ( | ) needs words"
        case let .tooManyAlternatives(pattern, count): "'\(pattern)' stands for \(count) phrases (at most \(TextPattern.maxAlternatives)); split it into several patterns"
        }
    }
}
