/// How alike two appeals' texts are: the overlap coefficient of their character
/// bigrams (shared bigrams over the smaller set). Chinese has no spaces, so
/// character bigrams are the usual unit; "再次反映：" followed by the first appeal's
/// text scores near 1, two different matters score low.
public enum TextSimilarity {
    public static func overlap(_ first: String, _ second: String) -> Double {
        let a = bigrams(first)
        let b = bigrams(second)
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        return Double(a.intersection(b).count) / Double(min(a.count, b.count))
    }

    static func bigrams(_ text: String) -> Set<String> {
        let characters = Array(text.filter { !$0.isWhitespace && !$0.isPunctuation })
        guard characters.count >= 2 else { return [] }
        return Set((0..<characters.count - 1).map { String(characters[$0...$0 + 1]) })
    }
}
