/// A caller who denies what a rule looks for: 「不是着火，是楼下烧烤店油烟太大」 is no fire
/// for 119 (长沙 第十三条（二）), 「我没有被车撞」 no accident for 122. A cue negates a match
/// that follows it in the same clause with at most `distance` characters between them
/// (不是[发生]火灾); a bare 不 only right before it (不漏水, but not 不停地冒浓烟). The
/// question forms 是不是, 有没有, 会不会 ask rather than deny (「楼下是不是着火了」), so a cue
/// right after the character it repeats is no negation.
enum Negation {
    private static let cues: [(cue: [Unicode.Scalar], distance: Int)] = [
        ("并没有", 2), ("并不是", 2), ("并非", 2), ("并未", 2), ("不是", 2), ("没有", 2), ("不算", 2),
        ("没", 1), ("未", 1), ("不", 0),
    ].map { (Array($0.0.unicodeScalars), $0.1) }

    /// True when a cue ends within its distance before `start` in the same clause.
    static func negates(_ scalars: [Unicode.Scalar], before start: Int) -> Bool {
        for (cue, distance) in cues {
            for gap in 0...distance {
                let end = start - gap
                let begin = end - cue.count
                guard begin >= 0 else { break }
                if scalars[end..<start].contains(NormalizedText.boundary) { break }
                guard TextPattern.occurs(cue, in: scalars, at: begin) else { continue }
                guard begin > 0 else { return true }
                let before = scalars[begin - 1]
                if before == cue[cue.count - 1] { return false }  // 是不是, 有没有
                if begin + cue.count < scalars.count, before == scalars[begin + cue.count] { return false }  // 会不会, 能不能
                return true
            }
        }
        return false
    }
}
