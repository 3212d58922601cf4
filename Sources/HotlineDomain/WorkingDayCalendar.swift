import Foundation

/// Which days are working days. The years with a State Council notice come from its
/// file; the years after the last of them, up to a horizon, are counted provisionally
/// from the statutory holidays (国务院令第795号) with no 调休 guessed, so no case ever
/// runs without its clocks (DESIGN.md "The calendar never runs out"). Any other year
/// is an error naming it, never a guess.
public struct WorkingDayCalendar: Sendable {
    /// Days off besides ordinary weekends, with the name a person checks them by.
    let daysOff: [CalendarDate: String]
    /// Weekend days that are worked (调休), with the festival they are worked for.
    let workedWeekendDays: [CalendarDate: String]
    /// Every year covered, official and provisional, in order.
    public let years: [Int]
    /// The notice of each official year.
    public let sources: [Int: String]
    /// The years counted from the statutory holidays alone, after the last official one.
    public let provisionalYears: [Int]

    /// - Parameter provisionalHorizon: how many years after the last official one are
    ///   counted provisionally (configuration; one by default, as the notice for a year
    ///   comes out in the November or December before it).
    public init(_ calendarYears: [CalendarYear], provisionalHorizon: Int = 1) throws(CalendarError) {
        var daysOff: [CalendarDate: String] = [:]
        var worked: [CalendarDate: String] = [:]
        var sources: [Int: String] = [:]
        for calendarYear in calendarYears {
            let year = calendarYear.year
            guard sources[year] == nil else { throw .invalid(year: year, problem: "the year is given twice") }
            let official = try Self.official(calendarYear)
            sources[year] = calendarYear.source
            daysOff.merge(official.daysOff) { first, _ in first }
            worked.merge(official.worked) { first, _ in first }
        }
        let provisional: [Int] =
            if let last = sources.keys.max(), provisionalHorizon > 0 { Array((last + 1)...(last + provisionalHorizon)) } else { [] }
        for year in provisional {
            for day in StatutoryHolidays.provisionalDaysOff(of: year) {
                daysOff[day.date] = Self.name(of: day)
            }
        }
        self.daysOff = daysOff
        self.workedWeekendDays = worked
        self.sources = sources
        self.provisionalYears = provisional
        self.years = (Array(sources.keys) + provisional).sorted()
    }

    /// The last day a State Council notice covers; nil with no official year at all.
    public var lastOfficialDay: CalendarDate? {
        sources.keys.max().flatMap { CalendarDate(year: $0, month: 12, day: 31) }
    }

    public func isWorkingDay(_ date: CalendarDate) throws(CalendarError) -> Bool {
        try requireCovered(date.year)
        if workedWeekendDays[date] != nil { return true }
        return !date.isWeekend && daysOff[date] == nil
    }

    /// The instant a limit ends under the counting rule: the day of the starting
    /// event is not counted; N working days end at 23:59:59 Asia/Shanghai of the Nth
    /// working day after it; same day ends at 23:59:59 of the event's day; hours are
    /// elapsed time.
    public func due(from start: Date, limit: TimeLimit) throws(CalendarError) -> Date {
        switch limit {
        case let .hours(hours):
            return start.addingTimeInterval(Double(hours) * 3600)
        case .sameDay:
            let day = CalendarDate(containing: start)
            try requireCovered(day.year)
            return day.endOfDay
        case let .workingDays(count):
            var day = CalendarDate(containing: start)
            var counted = 0
            while counted < count {
                day = day.adding(days: 1)
                if try isWorkingDay(day) { counted += 1 }
            }
            return day.endOfDay
        }
    }

    /// The instant N working days before a due instant: the end of the Nth working
    /// day before the due day, so "one working day before" fires when one working
    /// day remains.
    public func instant(workingDays count: Int, before due: Date) throws(CalendarError) -> Date {
        var day = CalendarDate(containing: due)
        var counted = 0
        while counted < count {
            day = day.adding(days: -1)
            if try isWorkingDay(day) { counted += 1 }
        }
        return day.endOfDay
    }

    /// What an instant counted from `start` to `due` rests on. Every day a count or its
    /// warning consults lies between the two, and provisional years come only after the
    /// official ones, so the years from the start's to the due's say it all. `limit` nil
    /// is a date a party named (an extension's `until`): its warning is still counted.
    public func basis(from start: Date, to due: Date, limit: TimeLimit?) -> CalendarBasis {
        if case .hours = limit { return .elapsedTime }
        let first = CalendarDate(containing: min(start, due)).year
        let last = CalendarDate(containing: due).year
        let crossed = Array(first...last)
        return CalendarBasis(
            notices: crossed.compactMap { sources[$0] },
            provisionalYears: crossed.filter(provisionalYears.contains))
    }

    /// Whether an instant falls in a year counted provisionally (an event's `provisional` flag).
    public func isProvisional(_ instant: Date) -> Bool {
        provisionalYears.contains(CalendarDate(containing: instant).year)
    }

    private func requireCovered(_ year: Int) throws(CalendarError) {
        guard sources[year] != nil || provisionalYears.contains(year) else {
            throw .yearNotCovered(year, official: sources.keys.sorted(), provisional: provisionalYears)
        }
    }

    // MARK: - Reading an official year

    /// An official year's days, refused when the file is inconsistent or drops a statutory
    /// holiday without saying so (`statutory_exceptions`).
    private static func official(_ calendarYear: CalendarYear) throws(CalendarError) -> (daysOff: [CalendarDate: String], worked: [CalendarDate: String]) {
        let year = calendarYear.year
        guard !calendarYear.source.isEmpty else { throw .invalid(year: year, problem: "source must name the State Council notice") }
        var daysOff: [CalendarDate: String] = [:]
        var worked: [CalendarDate: String] = [:]
        for holiday in calendarYear.holidays {
            guard let from = CalendarDate(holiday.from), let to = CalendarDate(holiday.to), from <= to,
                  from.year == year, to.year == year
            else { throw .invalid(year: year, problem: "holiday \(holiday.name) has a bad range \(holiday.from)…\(holiday.to)") }
            var day = from
            while day <= to {
                daysOff[day] = holiday.name
                day = day.adding(days: 1)
            }
        }
        for workday in calendarYear.workdays {
            guard let date = CalendarDate(workday.date), date.year == year else {
                throw .invalid(year: year, problem: "workday \(workday.date) is not a date of \(year)")
            }
            guard date.isWeekend else { throw .invalid(year: year, problem: "workday \(workday.date) is not a Saturday or Sunday") }
            worked[date] = workday.for
        }
        if let clash = Set(daysOff.keys).intersection(worked.keys).min() {
            throw .invalid(year: year, problem: "\(clash) is both a holiday and a workday")
        }
        var excepted: Set<CalendarDate> = []
        for exception in calendarYear.statutoryExceptions {
            guard let date = CalendarDate(exception.date), date.year == year, !exception.reason.isEmpty else {
                throw .invalid(year: year, problem: "statutory exception \(exception.date) needs a date of \(year) and a reason")
            }
            excepted.insert(date)
        }
        for statutory in StatutoryHolidays.holidays(of: year) where daysOff[statutory.date] == nil && !excepted.contains(statutory.date) {
            throw .invalid(
                year: year,
                problem: "\(statutory.date) is \(statutory.festival.rawValue) under 全国年节及纪念日放假办法 第二条 but is not among the holidays; list it, or name it under statutory_exceptions with the notice's reason")
        }
        return (daysOff, worked)
    }

    static func name(of day: StatutoryDayOff) -> String {
        switch day.kind {
        case .holiday: day.festival.rawValue
        case .substitute: "\(day.festival.rawValue)补假"
        }
    }
}

public enum CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    case yearNotCovered(Int, official: [Int], provisional: [Int])
    case invalid(year: Int, problem: String)

    public var description: String {
        switch self {
        case let .yearNotCovered(year, official, provisional):
            "the working-day calendar has no data for \(year): add Ops/calendars/cn-\(year).yaml from the State Council's notice (official years: \(official.map(String.init).joined(separator: ", ")); counted provisionally: \(provisional.isEmpty ? "none" : provisional.map(String.init).joined(separator: ", ")))"
        case let .invalid(year, problem):
            "calendar \(year): \(problem)"
        }
    }
}
