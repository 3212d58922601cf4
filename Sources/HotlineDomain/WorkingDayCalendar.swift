import Foundation

/// One year of the State Council's holiday schedule, as shipped in
/// `Ops/calendars/cn-<year>.yaml`: the days off besides weekends, and the weekend
/// days that are worked (调休). Both directions are dated overrides, because a
/// weekday-hours-plus-holidays model cannot express a worked Saturday.
public struct CalendarYear: Sendable, Decodable, Equatable {
    public struct Holiday: Sendable, Decodable, Equatable {
        public var name: String
        public var from: String
        public var to: String
    }

    public struct Workday: Sendable, Decodable, Equatable {
        public var date: String
        public var `for`: String
    }

    public var year: Int
    public var source: String
    public var holidays: [Holiday]
    public var workdays: [Workday]
}

/// Which days are working days, for the years shipped; any other year is an error,
/// never a guess.
public struct WorkingDayCalendar: Sendable {
    private let daysOff: Set<CalendarDate>
    private let workedWeekendDays: Set<CalendarDate>
    public let years: [Int]
    public let sources: [Int: String]

    public init(_ calendarYears: [CalendarYear]) throws(CalendarError) {
        var daysOff: Set<CalendarDate> = []
        var worked: Set<CalendarDate> = []
        var sources: [Int: String] = [:]
        for calendarYear in calendarYears {
            let year = calendarYear.year
            guard sources[year] == nil else { throw .invalid(year: year, problem: "the year is given twice") }
            guard !calendarYear.source.isEmpty else { throw .invalid(year: year, problem: "source must name the State Council notice") }
            sources[year] = calendarYear.source
            for holiday in calendarYear.holidays {
                guard let from = CalendarDate(holiday.from), let to = CalendarDate(holiday.to), from <= to,
                      from.year == year, to.year == year
                else { throw .invalid(year: year, problem: "holiday \(holiday.name) has a bad range \(holiday.from)…\(holiday.to)") }
                var day = from
                while day <= to {
                    daysOff.insert(day)
                    day = day.adding(days: 1)
                }
            }
            for workday in calendarYear.workdays {
                guard let date = CalendarDate(workday.date), date.year == year else {
                    throw .invalid(year: year, problem: "workday \(workday.date) is not a date of \(year)")
                }
                guard date.isWeekend else { throw .invalid(year: year, problem: "workday \(workday.date) is not a Saturday or Sunday") }
                worked.insert(date)
            }
        }
        if let clash = daysOff.intersection(worked).min() {
            throw .invalid(year: clash.year, problem: "\(clash) is both a holiday and a workday")
        }
        self.daysOff = daysOff
        self.workedWeekendDays = worked
        self.sources = sources
        self.years = sources.keys.sorted()
    }

    public func isWorkingDay(_ date: CalendarDate) throws(CalendarError) -> Bool {
        guard sources[date.year] != nil else { throw .yearNotCovered(date.year, covered: years) }
        if workedWeekendDays.contains(date) { return true }
        return !date.isWeekend && !daysOff.contains(date)
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
            guard sources[day.year] != nil else { throw .yearNotCovered(day.year, covered: years) }
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
}

public enum CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    case yearNotCovered(Int, covered: [Int])
    case invalid(year: Int, problem: String)

    public var description: String {
        switch self {
        case let .yearNotCovered(year, covered):
            "the working-day calendar has no data for \(year): add Ops/calendars/cn-\(year).yaml from the State Council's notice (shipped years: \(covered.map(String.init).joined(separator: ", ")))"
        case let .invalid(year, problem):
            "calendar \(year): \(problem)"
        }
    }
}
