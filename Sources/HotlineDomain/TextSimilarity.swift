/// How alike two appeals' texts are: the overlap coefficient of their character
/// bigrams (shared bigrams over the smaller set), over the normalised text
/// (`NormalizedText`: full width, traditional characters and spaces inside words do not
/// make a repeat look new). Chinese has no spaces, so character bigrams are the usual
/// unit; "再次反映：" followed by the first appeal's text scores near 1, two different
/// matters score low (鄂尔多斯 第十八条（四） repeats → urge; 长沙 第十三条（六）).
public enum TextSimilarity {
    public static func overlap(_ first: String, _ second: String) -> Double {
        overlap(NormalizedText(first), NormalizedText(second))
    }

    public static func overlap(_ first: NormalizedText, _ second: NormalizedText) -> Double {
        let a = bigrams(first)
        let b = bigrams(second)
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        return Double(a.intersection(b).count) / Double(min(a.count, b.count))
    }

    static func bigrams(_ text: NormalizedText) -> Set<[Unicode.Scalar]> {
        let scalars = text.scalars.filter { $0 != NormalizedText.boundary && $0 != " " }
        guard scalars.count >= 2 else { return [] }
        return Set((0..<scalars.count - 1).map { [scalars[$0], scalars[$0 + 1]] })
    }
}
