import Foundation

/// A calendar day in China Standard Time, without a time of day.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= RFC3339.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2026-10-01`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The China date of an instant.
    public init(containing instant: Date) {
        let date = RFC3339.chinaDate(of: instant)
        self.init(daysSinceEpoch: RFC3339.daysFromCivil(year: date.year, month: date.month, day: date.day))
    }

    init(daysSinceEpoch: Int) {
        let civil = RFC3339.civilFromDays(daysSinceEpoch)
        year = civil.year
        month = civil.month
        day = civil.day
    }

    var daysSinceEpoch: Int { RFC3339.daysFromCivil(year: year, month: month, day: day) }

    public func adding(days: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
    public var weekdayFromMonday: Int { ((daysSinceEpoch % 7) + 7 + 3) % 7 }

    /// Saturday or Sunday.
    public var isWeekend: Bool { weekdayFromMonday >= 5 }

    /// 00:00:00 China Standard Time of this day.
    public var startOfDay: Date {
        Date(timeIntervalSince1970: Double(daysSinceEpoch * 86_400 - RFC3339.chinaOffsetSeconds))
    }

    /// 23:59:59 China Standard Time of this day.
    public var endOfDay: Date {
        Date(timeIntervalSince1970: Double(daysSinceEpoch * 86_400 + 86_399 - RFC3339.chinaOffsetSeconds))
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}
