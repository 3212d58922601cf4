import Foundation

/// The number read to the caller: the acceptance date in China Standard Time and
/// a per-day sequence, `20261009-000123`. Unique, and sorting by it sorts by date.
public enum CaseNumber {
    public static func make(acceptedAt: Date, sequence: Int) -> String {
        let date = RFC3339.chinaDate(of: acceptedAt)
        return String(format: "%04d%02d%02d-%06d", date.year, date.month, date.day, sequence)
    }

    /// The day key of the per-day sequence, `20261009`.
    public static func day(of acceptedAt: Date) -> String {
        let date = RFC3339.chinaDate(of: acceptedAt)
        return String(format: "%04d%02d%02d", date.year, date.month, date.day)
    }

    public static func isWellFormed(_ text: String) -> Bool {
        let characters = Array(text)
        return characters.count == 15 && characters[8] == "-"
            && characters.enumerated().allSatisfy { $0.offset == 8 || $0.element.isASCIIDigit }
    }
}
