import Foundation

/// One period a unit is assessed over, named as the centre names it: `2026` (annual),
/// `2026-H2` (half year), `2026-Q4` (quarter), `2026-10` (month), `2026-W43` (ISO week)
/// or `2026-10-D2` (旬: D1 the 1st–10th, D2 the 11th–20th, D3 the 21st to the month's end).
public struct AssessmentPeriod: Sendable, Equatable, CustomStringConvertible {
    public var kind: ReportPeriod
    public var label: String
    public var firstDay: CalendarDate
    public var lastDay: CalendarDate

    public var since: Date { firstDay.startOfDay }
    public var until: Date { lastDay.endOfDay }
    public var description: String { "\(label) (\(firstDay) … \(lastDay))" }

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var text: String
        public var description: String {
            "period '\(text)' is not one of 2026, 2026-H2, 2026-Q4, 2026-10, 2026-W43, 2026-10-D2 (旬)"
        }
    }

    public static func parse(_ text: String) throws(Invalid) -> AssessmentPeriod {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let year = Int(parts[0]), parts[0].count == 4 else { throw Invalid(text: text) }
        func day(_ month: Int, _ day: Int) throws(Invalid) -> CalendarDate {
            guard let date = CalendarDate(year: year, month: month, day: day) else { throw Invalid(text: text) }
            return date
        }
        func monthEnd(_ month: Int) throws(Invalid) -> CalendarDate {
            let next = month == 12 ? CalendarDate(year: year + 1, month: 1, day: 1) : CalendarDate(year: year, month: month + 1, day: 1)
            guard let next else { throw Invalid(text: text) }
            return next.adding(days: -1)
        }
        switch parts.count {
        case 1:
            return AssessmentPeriod(kind: .annual, label: text, firstDay: try day(1, 1), lastDay: try day(12, 31))
        case 2 where parts[1].hasPrefix("H"):
            guard let half = Int(parts[1].dropFirst()), (1...2).contains(half) else { throw Invalid(text: text) }
            return AssessmentPeriod(kind: .halfYear, label: text, firstDay: try day(half * 6 - 5, 1), lastDay: try monthEnd(half * 6))
        case 2 where parts[1].hasPrefix("Q"):
            guard let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) else { throw Invalid(text: text) }
            return AssessmentPeriod(kind: .quarterly, label: text, firstDay: try day(quarter * 3 - 2, 1), lastDay: try monthEnd(quarter * 3))
        case 2 where parts[1].hasPrefix("W"):
            guard let week = Int(parts[1].dropFirst()), (1...53).contains(week) else { throw Invalid(text: text) }
            // ISO 8601: week 1 holds the year's first Thursday; weeks start on Monday.
            let january4 = try day(1, 4)
            let monday = january4.adding(days: -january4.weekdayFromMonday).adding(days: (week - 1) * 7)
            guard week < 53 || monday.adding(days: 3).year == year else { throw Invalid(text: text) }
            return AssessmentPeriod(kind: .weekly, label: text, firstDay: monday, lastDay: monday.adding(days: 6))
        case 2:
            guard let month = Int(parts[1]), parts[1].count == 2 else { throw Invalid(text: text) }
            return AssessmentPeriod(kind: .monthly, label: text, firstDay: try day(month, 1), lastDay: try monthEnd(month))
        case 3 where parts[2].hasPrefix("D"):
            guard let month = Int(parts[1]), let tenth = Int(parts[2].dropFirst()), (1...3).contains(tenth) else { throw Invalid(text: text) }
            let first = try day(month, tenth * 10 - 9)
            return AssessmentPeriod(kind: .tenDays, label: text, firstDay: first, lastDay: tenth == 3 ? try monthEnd(month) : first.adding(days: 9))
        default:
            throw Invalid(text: text)
        }
    }

    /// The period of `kind` that holds `day`; weeks are ISO 8601 weeks, so the days
    /// from 29 December to 3 January may belong to the neighbouring year's week.
    public static func containing(_ day: CalendarDate, kind: ReportPeriod) -> AssessmentPeriod {
        let (year, month) = (day.year, day.month)
        let monthLabel = String(format: "%04d-%02d", year, month)
        switch kind {
        case .annual:
            return AssessmentPeriod(kind: kind, label: "\(year)", firstDay: date(year, 1, 1), lastDay: date(year, 12, 31))
        case .halfYear:
            let half = (month - 1) / 6 + 1
            return AssessmentPeriod(
                kind: kind, label: "\(year)-H\(half)", firstDay: date(year, half * 6 - 5, 1), lastDay: monthEnd(year, half * 6))
        case .quarterly:
            let quarter = (month - 1) / 3 + 1
            return AssessmentPeriod(
                kind: kind, label: "\(year)-Q\(quarter)", firstDay: date(year, quarter * 3 - 2, 1), lastDay: monthEnd(year, quarter * 3))
        case .monthly:
            return AssessmentPeriod(kind: kind, label: monthLabel, firstDay: date(year, month, 1), lastDay: monthEnd(year, month))
        case .tenDays:
            let tenth = min((day.day - 1) / 10 + 1, 3)
            let first = date(year, month, tenth * 10 - 9)
            return AssessmentPeriod(
                kind: kind, label: "\(monthLabel)-D\(tenth)", firstDay: first, lastDay: tenth == 3 ? monthEnd(year, month) : first.adding(days: 9))
        case .weekly:
            // ISO 8601: a week belongs to the year of its Thursday.
            let monday = day.adding(days: -day.weekdayFromMonday)
            let thursday = monday.adding(days: 3)
            let week = (thursday.daysSinceEpoch - date(thursday.year, 1, 1).daysSinceEpoch) / 7 + 1
            return AssessmentPeriod(
                kind: kind, label: String(format: "%04d-W%02d", thursday.year, week), firstDay: monday, lastDay: monday.adding(days: 6))
        }
    }

    /// The period of the same kind just before this one: the previous month, ISO week,
    /// 旬 (D1 → the previous month's D3), quarter, half year or year.
    public var previous: AssessmentPeriod { Self.containing(firstDay.adding(days: -1), kind: kind) }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: RFC3339.daysFromCivil(year: year, month: month, day: day))
    }

    private static func monthEnd(_ year: Int, _ month: Int) -> CalendarDate {
        date(year, month, RFC3339.daysIn(month: month, year: year))
    }
}
