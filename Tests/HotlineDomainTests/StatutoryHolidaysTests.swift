import Foundation
import HotlineDomain
import Testing

/// 《全国年节及纪念日放假办法》(国务院令第795号, in force 2025-01-01) 第二条 gives the
/// festival days, 第六条 "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假" the
/// substitute days; a year without a State Council notice is counted from them alone.
@Suite struct StatutoryHolidaysTests {
    /// 正月初一, 端午 (五月初五), 中秋 (八月十五) and 清明 of each year, from 香港天文台
    /// 「公曆與農曆日期對照表」 (hko.gov.hk/tc/gts/time/conversion.htm), which follows the
    /// rules 紫金山天文台 computes the 农历 by; 2033 has 闰十一月, not 闰七月, so 中秋 is 9月8日.
    static let published: [Int: (springFestival: String, dragonBoat: String, midAutumn: String, qingming: String)] = [
        2025: ("2025-01-29", "2025-05-31", "2025-10-06", "2025-04-04"),
        2026: ("2026-02-17", "2026-06-19", "2026-09-25", "2026-04-05"),
        2027: ("2027-02-06", "2027-06-09", "2027-09-15", "2027-04-05"),
        2028: ("2028-01-26", "2028-05-28", "2028-10-03", "2028-04-04"),
        2029: ("2029-02-13", "2029-06-16", "2029-09-22", "2029-04-04"),
        2030: ("2030-02-03", "2030-06-05", "2030-09-12", "2030-04-05"),
        2031: ("2031-01-23", "2031-06-24", "2031-10-01", "2031-04-05"),
        2032: ("2032-02-11", "2032-06-12", "2032-09-19", "2032-04-04"),
        2033: ("2033-01-31", "2033-06-01", "2033-09-08", "2033-04-04"),
        2034: ("2034-02-19", "2034-06-20", "2034-09-27", "2034-04-05"),
        2035: ("2035-02-08", "2035-06-10", "2035-09-16", "2035-04-05"),
    ]

    func date(_ text: String) throws -> CalendarDate { try #require(CalendarDate(text)) }

    func dates(_ texts: String...) throws -> [CalendarDate] { try texts.map(date) }

    /// The `holidays:` ranges of a shipped State Council calendar, Ops/calendars/cn-<year>.yaml.
    func officialDaysOff(_ year: Int) throws -> [ClosedRange<CalendarDate>] {
        let text = try Repository.text("Ops/calendars/cn-\(year).yaml")
        func value(_ key: String, in line: Substring) throws -> CalendarDate {
            let start = try #require(line.range(of: key)?.upperBound, "no \(key) in \(line)")
            return try date(String(line[start...].prefix(10)))
        }
        return try text.split(separator: "\n").filter { $0.contains("from:") }.map { line in
            try value("from: ", in: line)...value("to: ", in: line)
        }
    }

    @Test(arguments: 2025...2035)
    func lunarFestivalsAreThoseOfThePublishedTable(year: Int) throws {
        let expected = try #require(Self.published[year])
        #expect(try ChineseLunarCalendar.date(year: year, month: 1, day: 1) == date(expected.springFestival), "正月初一")
        #expect(try ChineseLunarCalendar.date(year: year, month: 5, day: 5) == date(expected.dragonBoat), "端午")
        #expect(try ChineseLunarCalendar.date(year: year, month: 8, day: 15) == date(expected.midAutumn), "中秋")
    }

    /// 第二条（三）"农历清明当日": the day the Sun reaches 15°; 2025 交节 was 4月4日20:49, 2026 4月5日02:40.
    @Test(arguments: 2025...2035)
    func qingmingIsTheDayOfTheSolarTerm(year: Int) throws {
        let expected = try #require(Self.published[year])
        #expect(try SolarTerm.qingming(year: year) == date(expected.qingming))
    }

    /// 第二条（二）"农历除夕": the day before 正月初一, 腊月廿九 in 2025 and 2026 (their 腊月 has no 三十).
    @Test func springFestivalBeginsOnNewYearsEveEvenWithoutAThirtieth() throws {
        #expect(try ChineseLunarCalendar.lunarNewYearsEve(year: 2025) == date("2025-01-28"))
        #expect(try ChineseLunarCalendar.lunarNewYearsEve(year: 2026) == date("2026-02-16"))
        #expect(ChineseLunarCalendar.date(year: 2024, month: 12, day: 30) == nil, "腊月三十 of 甲辰年 does not exist")
        let springFestival = StatutoryHolidays.holidays(of: 2025).filter { $0.festival == .springFestival }.map(\.date)
        #expect(try springFestival == dates("2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"))
    }

    /// 第二条: 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 days, in date order.
    @Test(arguments: 2025...2040)
    func everyYearHasTheThirteenDaysOfArticleTwo(year: Int) {
        let days = StatutoryHolidays.holidays(of: year)
        #expect(Festival.allCases.map { festival in days.filter { $0.festival == festival }.count } == [1, 4, 1, 2, 1, 1, 3])
        #expect(days.allSatisfy { $0.kind == .holiday && $0.date.year == year })
        #expect(zip(days, days.dropFirst()).allSatisfy { $0.date <= $1.date })
    }

    /// The days the law gives 2025 and 2026 (第二条 and the 第六条 substitutes) are all days
    /// off in the State Council's notices the project ships.
    @Test(arguments: [2025, 2026])
    func theLawsDaysAreDaysOffInTheNotice(year: Int) throws {
        let official = try officialDaysOff(year)
        #expect(official.count >= 6, "cn-\(year).yaml has its holiday ranges")
        for day in StatutoryHolidays.provisionalDaysOff(of: year) {
            #expect(official.contains { $0.contains(day.date) }, "\(day.date) \(day.festival.rawValue) \(day.kind.rawValue)")
        }
    }

    /// 2027 has no notice yet. 春节: 正月初一 is Saturday 2月6日, so 2月5日 (Fri, 除夕) to 8日
    /// (Mon), with 6日 and 7日 made up on 9日 and 10日; 劳动节 Sat and Sun, made up Mon and Tue;
    /// 国庆 Fri to Sun, made up Mon and Tue; no 调休.
    @Test func provisionalDaysOffOf2027() throws {
        let expected: [(String, Festival, StatutoryDayOff.Kind)] = [
            ("2027-01-01", .newYear, .holiday),
            ("2027-02-05", .springFestival, .holiday),
            ("2027-02-06", .springFestival, .holiday),
            ("2027-02-07", .springFestival, .holiday),
            ("2027-02-08", .springFestival, .holiday),
            ("2027-02-09", .springFestival, .substitute),
            ("2027-02-10", .springFestival, .substitute),
            ("2027-04-05", .qingming, .holiday),
            ("2027-05-01", .labourDay, .holiday),
            ("2027-05-02", .labourDay, .holiday),
            ("2027-05-03", .labourDay, .substitute),
            ("2027-05-04", .labourDay, .substitute),
            ("2027-06-09", .dragonBoat, .holiday),
            ("2027-09-15", .midAutumn, .holiday),
            ("2027-10-01", .nationalDay, .holiday),
            ("2027-10-02", .nationalDay, .holiday),
            ("2027-10-03", .nationalDay, .holiday),
            ("2027-10-04", .nationalDay, .substitute),
            ("2027-10-05", .nationalDay, .substitute),
        ]
        let days = try expected.map { StatutoryDayOff(date: try date($0.0), festival: $0.1, kind: $0.2) }
        #expect(StatutoryHolidays.provisionalDaysOff(of: 2027) == days)
        #expect(try date("2027-02-06").weekdayFromMonday == 5, "正月初一 2027 is a Saturday")
    }

    /// 第六条 "在工作日补假": a substitute is a Monday to Friday that is no festival day, one for
    /// each weekend festival date, each date listed once.
    @Test(arguments: 2025...2040)
    func substitutesAreWorkingDaysOnePerWeekendFestivalDate(year: Int) {
        let festivalDates = Set(StatutoryHolidays.holidays(of: year).map(\.date))
        let days = StatutoryHolidays.provisionalDaysOff(of: year)
        let substitutes = days.filter { $0.kind == .substitute }
        #expect(substitutes.allSatisfy { !$0.date.isWeekend && !festivalDates.contains($0.date) })
        #expect(substitutes.count == festivalDates.filter(\.isWeekend).count)
        #expect(zip(days, days.dropFirst()).allSatisfy { $0.date < $1.date }, "in date order, one entry per date")
        #expect(Set(days.map(\.date)) == festivalDates.union(substitutes.map(\.date)))
    }

    /// 中秋 on a 国庆 day is one day off, not two (the law is silent; no day is guessed): in
    /// 2031 (10月1日, Wednesday) nothing is added, in 2039 (10月2日, Sunday) it is made up once.
    @Test func aDateTwoFestivalsShareIsOneDayOff() throws {
        let shared = try date("2031-10-01")
        #expect(StatutoryHolidays.holidays(of: 2031).filter { $0.date == shared }.map(\.festival) == [.midAutumn, .nationalDay])
        let october2031 = StatutoryHolidays.provisionalDaysOff(of: 2031).filter { $0.date.month == 10 }.map(\.date)
        #expect(try october2031 == dates("2031-10-01", "2031-10-02", "2031-10-03"))
        let october2039 = StatutoryHolidays.provisionalDaysOff(of: 2039).filter { $0.date.month == 10 }
        #expect(try october2039.map(\.date) == dates("2039-10-01", "2039-10-02", "2039-10-03", "2039-10-04", "2039-10-05"))
        #expect(october2039.filter { $0.kind == .substitute }.count == 2, "10月1日 (Sat) and 2日 (Sun), not three")
    }
}
