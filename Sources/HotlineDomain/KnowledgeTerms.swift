/// The search terms of a text. Chinese is written without spaces, so a word cannot be
/// cut out; every two adjacent Han characters form a term instead (停水通知 → 停水, 水通,
/// 通知), which finds 停水 in 小区什么时候停水 without a dictionary, and every Han character
/// is a term of its own, so 水黄黄的 still meets 发黄 (its weight is low where the character
/// is common). Latin letters and digits
/// form whole words (12345, etc). Full-width letters and digits count as half-width.
/// The same terms are stored with each entry and taken from each question, so the
/// ranking in `KnowledgeStore.search` compares like with like.
public enum KnowledgeTerms {
    /// Distinct terms, sorted.
    public static func of(_ text: String) -> [String] {
        var terms: Set<String> = []
        var han: [Unicode.Scalar] = []
        var word: [Unicode.Scalar] = []
        func flushHan() {
            for scalar in han { terms.insert(String(scalar)) }
            for index in han.indices.dropLast() { terms.insert(String(han[index]) + String(han[index + 1])) }
            han.removeAll()
        }
        func flushWord() {
            if word.count >= 2 { terms.insert(String(String.UnicodeScalarView(word))) }
            word.removeAll()
        }
        for scalar in text.unicodeScalars.map(halfWidth) {
            if isHan(scalar) {
                flushWord()
                han.append(scalar)
            } else if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                flushHan()
                word.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                flushHan()
                flushWord()
            }
        }
        flushHan()
        flushWord()
        return terms.sorted()
    }

    private static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
    }

    /// Full-width ASCII forms (！ to ～) as their ASCII counterparts.
    private static func halfWidth(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) else { return scalar }
        return ascii
    }
}
