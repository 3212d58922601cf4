/// The search terms of a text, over its normalised form (`NormalizedText`). Chinese is
/// written without spaces, so a word cannot be cut out without a dictionary; every two
/// adjacent Han characters of a clause form a term instead (停水通知 → 停水, 水通, 通知),
/// which finds 停水 in 小区什么时候停水, and every Han character is a term of its own, so
/// 水黄黄的 still meets 发黄 (`KnowledgeSearch` weighs single characters low). Latin
/// letters and digits form whole words (12345, app). Question words and fillers
/// (怎么, 请问, 哪里, 的, 吗) are no terms: they say how a caller asks, not what about, and
/// would otherwise lift entries with chatty titles (「…怎么办」) for any question.
public enum KnowledgeTerms {
    /// Distinct terms, sorted.
    public static func of(_ text: String) -> [String] {
        counts(NormalizedText(text)).keys.sorted()
    }

    /// Each term with how often it occurs.
    public static func counts(_ text: NormalizedText) -> [String: Int] {
        var counts: [String: Int] = [:]
        var han: [Unicode.Scalar] = []
        var word: [Unicode.Scalar] = []
        func flushHan() {
            for scalar in han where !stopCharacters.contains(scalar) { counts[String(scalar), default: 0] += 1 }
            for index in han.indices.dropLast() {
                let pair = String(String.UnicodeScalarView([han[index], han[index + 1]]))
                if !stopPairs.contains(pair) { counts[pair, default: 0] += 1 }
            }
            han.removeAll()
        }
        func flushWord() {
            if word.count >= 2 || word.first.map({ ("0"..."9").contains($0) }) == true {
                counts[String(String.UnicodeScalarView(word)), default: 0] += 1
            }
            word.removeAll()
        }
        for scalar in text.scalars {
            if NormalizedText.isHan(scalar) {
                flushWord()
                han.append(scalar)
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                flushHan()
                word.append(scalar)
            } else {
                flushHan()
                flushWord()
            }
        }
        flushHan()
        flushWord()
        return counts
    }

    /// One content character (a Han character that is no filler) or word of a text, in order;
    /// `joinsNext` when the next unit is the Han character right after it in the same clause,
    /// so the two form a pair term.
    struct Unit: Equatable {
        var term: String
        var joinsNext: Bool
    }

    /// The text's content characters and words, for `KnowledgeSearch`'s coverage.
    static func units(_ text: NormalizedText) -> [Unit] {
        var units: [Unit] = []
        var word: [Unicode.Scalar] = []
        var previousHan = false
        func flushWord() {
            if word.count >= 2 || word.first.map({ ("0"..."9").contains($0) }) == true {
                units.append(Unit(term: String(String.UnicodeScalarView(word)), joinsNext: false))
            }
            word.removeAll()
        }
        for scalar in text.scalars {
            if NormalizedText.isHan(scalar) {
                flushWord()
                if stopCharacters.contains(scalar) {
                    if previousHan, !units.isEmpty { units[units.count - 1].joinsNext = false }
                    previousHan = false
                    continue
                }
                if previousHan, !units.isEmpty { units[units.count - 1].joinsNext = true }
                units.append(Unit(term: String(scalar), joinsNext: false))
                previousHan = true
            } else {
                previousHan = false
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { word.append(scalar) } else { flushWord() }
            }
        }
        flushWord()
        return units
    }

    /// True for a single Han character term, which `KnowledgeSearch` weighs low.
    static func isCharacter(_ term: String) -> Bool {
        term.unicodeScalars.count == 1 && term.unicodeScalars.first.map(NormalizedText.isHan) == true
    }

    private static let stopCharacters: Set<Unicode.Scalar> = Set(
        "的了吗呢吧啊呀嘛么是我你他她它在有要和与就都也还去会能给把被让对说这那个怎样啥哪谁几多什一不没可以想问请下上到里得着过又很太人家们啦哦嗯喂呗该咋办找快好回来出最近刚已经再才先己完掉些点告诉帮忙坏".unicodeScalars)

    private static let stopPairs: Set<String> = [
        "怎么", "怎样", "什么", "哪里", "哪儿", "哪个", "哪些", "哪家", "多久", "多少", "几点", "几时", "是不", "不是", "能不", "不能", "可不", "可以", "请问", "一下",
        "我们", "我家", "你们", "他们", "她们", "这个", "那个", "这边", "那边", "现在", "知道", "想问", "问问", "问一", "咨询", "一个", "时候", "要不", "没有", "有没",
        "的话", "如果", "为什", "么办", "么样", "么回", "回事", "是什", "在哪", "去哪", "到哪", "找谁", "可能", "需要", "要什", "准备", "么时", "怎办", "是否", "能否",
        "请教", "麻烦", "你好", "您好", "想了", "了解", "么弄", "咋办", "晓得", "听说", "是说", "为啥", "要多", "多长", "长时", "么处", "处理", "么找", "么交", "么查",
        "么换", "么领", "么申", "么开", "吗我",
    ]
}
