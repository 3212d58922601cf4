import Foundation

/// An appeal's text as every text rule reads it (scope, category, repeats, knowledge search),
/// so that what a caller types and what speech-to-text writes meet the policy's words:
/// NFKC (full-width letters and digits, compatibility ideographs), traditional characters
/// as simplified (`TraditionalChinese`), ASCII letters in lower case, whitespace and
/// decoration inside words dropped (「着 火」, 「着·火」 → 着火), and every clause break
/// (，。！？；： and line breaks) kept as one `boundary`, so a phrase is never matched across
/// two clauses. Any script the intake decoder accepts passes through: letters, digits and
/// marks are kept, symbols and control characters are dropped.
public struct NormalizedText: Sendable, Equatable {
    /// Marks a clause break; never part of a word or a pattern.
    public static let boundary: Unicode.Scalar = "\u{1F}"

    public let scalars: [Unicode.Scalar]
    /// Where each scalar occurs, in order: a pattern is tried only where one of its first
    /// words can start, not at every position of the text (hundreds of patterns an appeal).
    let positions: [Unicode.Scalar: [Int]]

    public init(_ text: String) {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        var pendingSpace = false
        let source = Array(text.precomposedStringWithCompatibilityMapping.unicodeScalars)
        for (index, raw) in source.enumerated() {
            let scalar = Self.fold(raw)
            if Self.isWordScalar(scalar) {
                if pendingSpace, let last = out.last, last != Self.boundary, !Self.isHan(last), !Self.isHan(scalar) { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            } else if scalar.properties.isWhitespace && !Self.isLineBreak(scalar) {
                pendingSpace = true
            } else if Self.isClauseBreak(scalar) && !Self.isBetweenDigits(source, index) {
                pendingSpace = false
                if let last = out.last, last != Self.boundary { out.append(Self.boundary) }
            } else if Self.isBetweenDigits(source, index) {
                out.append(scalar)  // 9:00, 3.5
            }
        }
        if out.last == Self.boundary { out.removeLast() }
        if out.contains(where: Self.isMark) { out = Self.recomposed(out) }
        scalars = out
        positions = Self.positions(of: out)
    }

    static func positions(of scalars: [Unicode.Scalar]) -> [Unicode.Scalar: [Int]] {
        var positions: [Unicode.Scalar: [Int]] = [:]
        for (index, scalar) in scalars.enumerated() { positions[scalar, default: []].append(index) }
        return positions
    }

    /// A dropped symbol between a letter and its combining mark (l·̧) leaves a pair NFKC would
    /// compose (ļ): composed clause by clause, so that normalising twice changes nothing.
    private static func recomposed(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for (index, clause) in scalars.split(separator: boundary, omittingEmptySubsequences: false).enumerated() {
            if index > 0 { out.append(boundary) }
            let text = String(String.UnicodeScalarView(clause)).precomposedStringWithCompatibilityMapping
            out += text.unicodeScalars.map(fold)
        }
        return out
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    public var isEmpty: Bool { scalars.isEmpty }

    /// The text with clause breaks shown as 「，」, for an operator to read.
    public var readable: String {
        String(String.UnicodeScalarView(scalars.map { $0 == Self.boundary ? "，" : $0 }))
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
            || (0x20000...0x2FA1F).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
    }

    private static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if let simple = TraditionalChinese.simplified[scalar] { return simple }
        if ("A"..."Z").contains(scalar) { return Unicode.Scalar(scalar.value + 32) ?? scalar }
        return scalar
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        isMark(scalar) || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        ["\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar)
    }

    /// Sentence and clause punctuation, after NFKC (so ， is already ,).
    private static func isClauseBreak(_ scalar: Unicode.Scalar) -> Bool {
        isLineBreak(scalar) || [",", ".", "!", "?", ";", ":", "、", "。", "…", "｡", "､"].contains(scalar)
    }

    private static func isBetweenDigits(_ source: [Unicode.Scalar], _ index: Int) -> Bool {
        guard index > 0, index + 1 < source.count, [".", ":"].contains(source[index]) else { return false }
        return ("0"..."9").contains(source[index - 1]) && ("0"..."9").contains(source[index + 1])
    }
}
