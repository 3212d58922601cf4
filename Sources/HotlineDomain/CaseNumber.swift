import Foundation

/// The number read to the caller: the acceptance date in China Standard Time and
/// a per-day sequence, `20261009-000123`. Unique, and sorting by it sorts by date.
public enum CaseNumber {
    public static func make(acceptedAt: Date, sequence: Int) -> String {
        day(of: acceptedAt) + "-" + padded(sequence, to: 6)
    }

    /// The day key of the per-day sequence, `20261009`.
    public static func day(of acceptedAt: Date) -> String {
        let date = RFC3339.chinaDate(of: acceptedAt)
        return padded(date.year, to: 4) + padded(date.month, to: 2) + padded(date.day, to: 2)
    }

    /// Decimal digits with leading zeros (a batch numbers hundreds of cases; `String(format:)`
    /// goes through Foundation's formatter and showed in intake's profile).
    private static func padded(_ value: Int, to width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    public static func isWellFormed(_ text: String) -> Bool {
        let characters = Array(text)
        return characters.count == 15 && characters[8] == "-"
            && characters.enumerated().allSatisfy { $0.offset == 8 || $0.element.isASCIIDigit }
    }
}
