import Foundation

/// The festivals of 《全国年节及纪念日放假办法》第二条 "全体公民放假的节日", as amended by
/// 国务院令第795号 (公布 2024-11-10, in force 2025-01-01), in the article's order.
public enum Festival: String, Sendable, CaseIterable, Codable {
    /// （一）元旦，放假1天（1月1日）.
    case newYear = "元旦"
    /// （二）春节，放假4天（农历除夕、正月初一至初三）.
    case springFestival = "春节"
    /// （三）清明节，放假1天（农历清明当日）.
    case qingming = "清明节"
    /// （四）劳动节，放假2天（5月1日、2日）.
    case labourDay = "劳动节"
    /// （五）端午节，放假1天（农历端午当日）: 五月初五.
    case dragonBoat = "端午节"
    /// （六）中秋节，放假1天（农历中秋当日）: 八月十五.
    case midAutumn = "中秋节"
    /// （七）国庆节，放假3天（10月1日至3日）.
    case nationalDay = "国庆节"
}

/// One statutory day off: a day 第二条 names, or the working day 第六条 gives back for one
/// that falls on a weekend.
public struct StatutoryDayOff: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable {
        /// A festival day of 第二条.
        case holiday
        /// 第六条 "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假": the 补假.
        case substitute
    }

    public let date: CalendarDate
    public let festival: Festival
    public let kind: Kind

    public init(date: CalendarDate, festival: Festival, kind: Kind) {
        self.date = date
        self.festival = festival
        self.kind = kind
    }
}

/// The days off the law itself gives a year, for counting working days in a year whose
/// State Council notice (部分节假日安排的通知) is not yet published. The notice also moves
/// weekend days into the breaks (调休) and sets its own 补假 days; none of that is guessed.
public enum StatutoryHolidays {
    /// The 第二条 festival days of a year (no substitutes), in date order, festivals of one
    /// date in 第二条's order. Always 13 entries (1+4+1+2+1+1+3); when two festivals fall on
    /// one date (中秋 on 10月1日 in 2031) both entries are kept.
    public static func holidays(of year: Int) -> [StatutoryDayOff] {
        let firstLunarDay = lunar(year, 1, 1)
        let days: [(CalendarDate, Festival)] = [
            (gregorian(year, 1, 1), .newYear),
            (firstLunarDay.adding(days: -1), .springFestival),
            (firstLunarDay, .springFestival),
            (firstLunarDay.adding(days: 1), .springFestival),
            (firstLunarDay.adding(days: 2), .springFestival),
            (SolarTerm.qingming(year: year), .qingming),
            (gregorian(year, 5, 1), .labourDay),
            (gregorian(year, 5, 2), .labourDay),
            (lunar(year, 5, 5), .dragonBoat),
            (lunar(year, 8, 15), .midAutumn),
            (gregorian(year, 10, 1), .nationalDay),
            (gregorian(year, 10, 2), .nationalDay),
            (gregorian(year, 10, 3), .nationalDay),
        ]
        return days.enumerated()
            .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
            .map { StatutoryDayOff(date: $0.element.0, festival: $0.element.1, kind: .holiday) }
    }

    /// The days off a year has before its notice is published: the 第二条 days plus the
    /// 第六条 substitute days, in date order, one entry per date (a date two festivals share
    /// keeps the first in 第二条's order).
    ///
    /// 第六条 says a weekend festival day is made up "在工作日" but not which one; the
    /// project reads it so: for each festival in date order, every one of its 第二条 days
    /// that is a Saturday or Sunday gives one substitute day, the first Monday to Friday
    /// after that festival's last 第二条 day that is neither a statutory day nor an earlier
    /// substitute. A date two festivals share is one day off: on a weekend it gives one
    /// substitute, on a weekday none (the law is silent on the lost day; we guess no day).
    /// No adjusted working day (调休) is ever produced.
    public static func provisionalDaysOff(of year: Int) -> [StatutoryDayOff] {
        let holidays = holidays(of: year)
        var festivalsInDateOrder: [Festival] = []
        for day in holidays where !festivalsInDateOrder.contains(day.festival) {
            festivalsInDateOrder.append(day.festival)
        }
        var taken = Set(holidays.map(\.date))
        var madeUp: Set<CalendarDate> = []
        var substitutes: [StatutoryDayOff] = []
        for festival in festivalsInDateOrder {
            let own = holidays.filter { $0.festival == festival }.map(\.date)
            guard let last = own.last else { continue }
            for date in own where date.isWeekend && madeUp.insert(date).inserted {
                var substitute = last.adding(days: 1)
                while substitute.isWeekend || taken.contains(substitute) {
                    substitute = substitute.adding(days: 1)
                }
                taken.insert(substitute)
                substitutes.append(StatutoryDayOff(date: substitute, festival: festival, kind: .substitute))
            }
        }
        var dated: Set<CalendarDate> = []
        let oncePerDate = holidays.filter { dated.insert($0.date).inserted }
        return (oncePerDate + substitutes).sorted { $0.date < $1.date }
    }

    private static func gregorian(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: RFC3339.daysFromCivil(year: year, month: month, day: day))
    }

    /// 正月初一, 五月初五 and 八月十五 exist in every lunar year.
    private static func lunar(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
        guard let date = ChineseLunarCalendar.date(year: year, month: month, day: day) else {
            preconditionFailure("Foundation's Chinese calendar has no lunar \(month)/\(day) for \(year)")
        }
        return date
    }
}

/// Dates of the Chinese lunar calendar (农历), which 第二条 dates 春节, 端午节 and 中秋节 by.
/// Foundation's `.chinese` calendar (ICU) computes it astronomically for China Standard
/// Time, the rules 紫金山天文台 and GB/T 33661-2017《农历的编算和颁行》 use; the tests hold it
/// to 香港天文台's table, 2033 (闰十一月, the "2033 problem") included.
public enum ChineseLunarCalendar {
    /// The date of a lunar day, in the ordinary (not leap) month, of the lunar year whose
    /// 正月初一 falls in the Gregorian `year`; nil when that lunar month has no such day
    /// (a 29-day month has no 三十).
    public static func date(year: Int, month: Int, day: Int) -> CalendarDate? {
        // 正月初一 is between 21 January and 20 February, so 1 July is in that lunar year.
        let july = CalendarDate(daysSinceEpoch: RFC3339.daysFromCivil(year: year, month: 7, day: 1))
        let lunarYear = calendar.dateComponents([.era, .year], from: july.startOfDay)
        var wanted = DateComponents()
        wanted.era = lunarYear.era
        wanted.year = lunarYear.year
        wanted.month = month
        wanted.day = day
        wanted.isLeapMonth = false
        wanted.hour = 12
        // The calendar is lenient: a missing day rolls over into the next month, so the
        // answer is checked against the day asked for.
        guard let instant = calendar.date(from: wanted) else { return nil }
        let found = calendar.dateComponents([.era, .year, .month, .day, .isLeapMonth], from: instant)
        guard found.era == lunarYear.era, found.year == lunarYear.year, found.month == month, found.day == day,
              found.isLeapMonth == false
        else { return nil }
        return CalendarDate(containing: instant)
    }

    /// 除夕, the last day of the lunar year before the one beginning in `year`: the day
    /// before 正月初一, 腊月廿九 or 三十 as the twelfth month is short or long.
    public static func lunarNewYearsEve(year: Int) -> CalendarDate? {
        date(year: year, month: 1, day: 1)?.adding(days: -1)
    }

    private static let calendar: Calendar = {
        guard let shanghai = TimeZone(identifier: "Asia/Shanghai") else {
            preconditionFailure("the time zone data has no Asia/Shanghai")
        }
        var calendar = Calendar(identifier: .chinese)
        calendar.timeZone = shanghai
        return calendar
    }()
}
