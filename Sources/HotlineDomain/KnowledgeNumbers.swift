/// The months, days and line numbers a text names (10月, 23号, 二十三日, 11路, 2号线), for
/// knowledge search to tell an entry about the same kind of thing on another date or line:
/// 「望月湖30号又停电？」 is not answered by the notice of the power cut on the 25th, nor
/// 「903路改线哒？」 by the 11路's. Durations are no dates (60日内, 15日以内), nor is a day
/// past 31; lines are written in digits (五一路 is a street).
public struct KnowledgeNumbers: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case month, day, line
    }

    public private(set) var values: [Kind: Set<Int>] = [:]

    public init(_ text: NormalizedText) {
        let scalars = text.scalars
        var index = 0
        while index < scalars.count {
            guard let (value, end, digits) = Self.number(in: scalars, at: index) else {
                index += 1
                continue
            }
            let next = end < scalars.count ? scalars[end] : nil
            let after = end + 1 < scalars.count ? scalars[end + 1] : nil
            switch next {
            case "月" where (1...12).contains(value):
                values[.month, default: []].insert(value)
            case "号" where after == "线":
                values[.line, default: []].insert(value)
            case "号", "日":
                if (1...31).contains(value), !["内", "以", "之"].contains(after) { values[.day, default: []].insert(value) }
            case "路" where digits:
                values[.line, default: []].insert(value)
            default:
                break
            }
            index = end
        }
    }

    /// The kinds both texts name without a value in common: the other text is about another
    /// month, day or line.
    public func differs(from other: KnowledgeNumbers) -> [Kind] {
        Kind.allCases.filter { kind in
            guard let mine = values[kind], let theirs = other.values[kind] else { return false }
            return mine.isDisjoint(with: theirs)
        }
    }

    /// A number starting at `index`: ASCII digits, or a Chinese numeral up to 九十九 (二十三,
    /// 十五, 三十); its value, where it ends, and whether it was written in digits. A digit
    /// right before `index` means `index` is inside a number, not at its start.
    static func number(in scalars: [Unicode.Scalar], at index: Int) -> (value: Int, end: Int, digits: Bool)? {
        if index > 0, isDigit(scalars[index - 1]) || numeral(scalars[index - 1]) != nil || scalars[index - 1] == "十" { return nil }
        var end = index
        var value = 0
        while end < scalars.count, isDigit(scalars[end]), end - index < 6 {
            value = value * 10 + Int(scalars[end].value - 48)
            end += 1
        }
        if end > index { return (value, end, true) }
        // 三十一: tens (1–9, or none for 十), 十, units (1–9); or a single 1–9.
        var tens = 0
        if let digit = numeral(scalars[end]) {
            tens = digit
            end += 1
        }
        if end < scalars.count, scalars[end] == "十" {
            value = (tens == 0 ? 1 : tens) * 10
            end += 1
            if end < scalars.count, let digit = numeral(scalars[end]) {
                value += digit
                end += 1
            }
        } else if tens > 0 {
            value = tens
        } else {
            return nil
        }
        return (value, end, false)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private static let numerals: [Unicode.Scalar: Int] = ["一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]

    private static func numeral(_ scalar: Unicode.Scalar) -> Int? { numerals[scalar] }
}
