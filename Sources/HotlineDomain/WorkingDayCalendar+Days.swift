import Foundation

/// One day of a year that a person checks against the notice: a day off besides the
/// weekend, a holiday that falls on a weekend, or a weekend day that is worked (调休).
public struct CalendarDayEntry: Sendable, Equatable {
    public var date: CalendarDate
    public var isWorkingDay: Bool
    public var name: String
    /// The notice, or for a provisional year the article of 全国年节及纪念日放假办法 that gives the day.
    public var basis: String
}

extension WorkingDayCalendar {
    /// What a year's days rest on, in one line.
    public func basis(ofYear year: Int) throws(CalendarError) -> String {
        if let notice = sources[year] { return "official: \(notice)" }
        guard provisionalYears.contains(year) else {
            throw .yearNotCovered(year, official: sources.keys.sorted(), provisional: provisionalYears)
        }
        return "provisional: no State Council notice yet; the statutory holidays of \(CalendarBasis.statutoryRules) (第二条) and their substitute days (第六条); no adjusted working day (调休) is guessed"
    }

    /// The year's days that differ from "Monday to Friday are worked", in date order.
    public func entries(ofYear year: Int) throws(CalendarError) -> [CalendarDayEntry] {
        _ = try basis(ofYear: year)
        if let notice = sources[year] {
            let statutory = Set(StatutoryHolidays.holidays(of: year).map(\.date))
            let off = daysOff.filter { $0.key.year == year }.map { date, name in
                CalendarDayEntry(date: date, isWorkingDay: false, name: statutory.contains(date) ? "\(name) (第二条)" : name, basis: notice)
            }
            let worked = workedWeekendDays.filter { $0.key.year == year }.map { date, festival in
                CalendarDayEntry(date: date, isWorkingDay: true, name: "调休 for \(festival)", basis: notice)
            }
            return (off + worked).sorted { $0.date < $1.date }
        }
        return StatutoryHolidays.provisionalDaysOff(of: year).map { day in
            CalendarDayEntry(
                date: day.date, isWorkingDay: false, name: Self.name(of: day),
                basis: day.kind == .holiday ? "第二条 (provisional)" : "第六条 (provisional)")
        }
    }

    /// The first `count` working days on or after `date`, in order: the days someone who
    /// acts only on working days (the demo's units and centre) has before them. Throws
    /// for a year the calendar does not cover, like every count.
    public func workingDays(from date: CalendarDate, count: Int) throws(CalendarError) -> [CalendarDate] {
        var days: [CalendarDate] = []
        var day = date
        while days.count < count {
            if try isWorkingDay(day) { days.append(day) }
            day = day.adding(days: 1)
        }
        return days
    }
}
