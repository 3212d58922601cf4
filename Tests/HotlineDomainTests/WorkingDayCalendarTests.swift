import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// The counting rule (README, DESIGN.md): the starting day is not counted; N working
/// days end at 23:59:59 Asia/Shanghai of the Nth working day after it; weekends and
/// the State Council's holidays are not working days, its adjusted days (调休) are.
@Suite struct WorkingDayCalendarTests {
    let calendar: WorkingDayCalendar

    init() throws {
        calendar = try CalendarLoader.load(name: "cn", directory: Repository.path("Ops/calendars"))
    }

    func due(_ from: String, _ limit: TimeLimit) throws -> String {
        RFC3339.formatSeconds(try calendar.due(from: try #require(RFC3339.parse(from)), limit: limit))
    }

    @Test func shipsTheYearsTheHotlineRunsIn() {
        #expect(calendar.years.contains(2025))
        #expect(calendar.years.contains(2026))
        #expect(calendar.sources[2026]?.contains("2026年部分节假日安排") == true)
    }

    @Test func aFridayPlusOneWorkingDayIsTheNextMonday() throws {
        #expect(try due("2026-11-20T10:00:00+08:00", .workingDays(1)) == "2026-11-23T23:59:59+08:00")
    }

    /// National Day 2026: 10月1日至7日放假, 10月10日(周六)上班.
    @Test func nationalDayBreakIsSkippedAndItsAdjustedSaturdayCounts() throws {
        #expect(try due("2026-09-30T10:00:00+08:00", .workingDays(1)) == "2026-10-08T23:59:59+08:00")
        #expect(try due("2026-10-09T10:00:00+08:00", .workingDays(1)) == "2026-10-10T23:59:59+08:00")
        #expect(try calendar.isWorkingDay(try #require(CalendarDate("2026-10-10"))))
        #expect(try !calendar.isWorkingDay(try #require(CalendarDate("2026-10-05"))))
        #expect(try calendar.isWorkingDay(try #require(CalendarDate("2026-09-20"))), "9月20日(周日)上班")
    }

    /// Spring Festival 2026: 2月15日至23日放假, 2月14日(周六)、2月28日(周六)上班.
    @Test func springFestivalBreakIsSkipped() throws {
        #expect(try due("2026-02-13T09:00:00+08:00", .workingDays(1)) == "2026-02-14T23:59:59+08:00")
        #expect(try due("2026-02-14T09:00:00+08:00", .workingDays(1)) == "2026-02-24T23:59:59+08:00")
        #expect(try due("2026-02-14T09:00:00+08:00", .workingDays(5)) == "2026-02-28T23:59:59+08:00")
    }

    /// The day is the China day: 23:59 still counts as that day, 00:00 is the next.
    @Test func midnightDecidesWhichDayTheEventIsOn() throws {
        #expect(try due("2026-10-09T23:59:00+08:00", .workingDays(1)) == "2026-10-10T23:59:59+08:00")
        #expect(try due("2026-10-10T00:00:00+08:00", .workingDays(1)) == "2026-10-12T23:59:59+08:00")
        #expect(try due("2026-10-09T16:00:00Z", .workingDays(1)) == "2026-10-12T23:59:59+08:00")
        #expect(try due("2026-10-09T15:59:59Z", .workingDays(1)) == "2026-10-10T23:59:59+08:00")
    }

    /// 2026 元旦: 1月1日至3日放假, 1月4日(周日)上班.
    @Test func countingCrossesTheYearBoundary() throws {
        #expect(try due("2025-12-31T10:00:00+08:00", .workingDays(1)) == "2026-01-04T23:59:59+08:00")
        #expect(try due("2025-12-30T10:00:00+08:00", .workingDays(3)) == "2026-01-05T23:59:59+08:00")
    }

    /// DESIGN.md: "a year past the provisional horizon is an explicit error".
    @Test func aYearPastTheProvisionalHorizonIsAnErrorNamingIt() throws {
        let last = try #require(calendar.years.max())
        let error = CalendarError.yearNotCovered(last + 1, official: calendar.sources.keys.sorted(), provisional: calendar.provisionalYears)
        #expect(throws: error) {
            _ = try calendar.due(from: try #require(RFC3339.parse("\(last)-12-31T10:00:00+08:00")), limit: .workingDays(5))
        }
        #expect(error.description.contains("\(last + 1)") && error.description.contains("cn-\(last + 1).yaml"))
    }

    /// The demo's units act on the working days from a date on: the date itself when it is
    /// one, the National Day break skipped, its adjusted Saturday 10-10 included.
    @Test func workingDaysFromADateIncludeItAndSkipTheBreak() throws {
        let days = try calendar.workingDays(from: try #require(CalendarDate("2026-09-30")), count: 4).map(\.description)
        #expect(days == ["2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10"])
        let fromHoliday = try calendar.workingDays(from: try #require(CalendarDate("2026-10-03")), count: 1).map(\.description)
        #expect(fromHoliday == ["2026-10-08"])
    }

    /// 巴林左旗 第十三条 "如遇紧要事项，原则上当天办理完毕": same day ends at 23:59:59.
    @Test func sameDayAndHourLimits() throws {
        #expect(try due("2026-10-10T08:30:00+08:00", .sameDay) == "2026-10-10T23:59:59+08:00")
        #expect(try due("2026-10-09T10:00:00+08:00", .hours(72)) == "2026-10-12T10:00:00+08:00")
    }

    @Test func inconsistentCalendarDataIsRefused() throws {
        func year(_ json: String) throws -> CalendarYear { try JSONDecoder().decode(CalendarYear.self, from: Data(json.utf8)) }
        let weekdayWorkday = try year(#"{"year":2030,"source":"x","holidays":[],"workdays":[{"date":"2030-01-02","for":"x"}]}"#)
        #expect(throws: CalendarError.self) { try WorkingDayCalendar([weekdayWorkday]) }
        let clash = try year(#"{"year":2030,"source":"x","holidays":[{"name":"h","from":"2030-01-05","to":"2030-01-06"}],"workdays":[{"date":"2030-01-05","for":"h"}]}"#)
        #expect(throws: CalendarError.self) { try WorkingDayCalendar([clash]) }
        let backwards = try year(#"{"year":2030,"source":"x","holidays":[{"name":"h","from":"2030-01-06","to":"2030-01-05"}],"workdays":[]}"#)
        #expect(throws: CalendarError.self) { try WorkingDayCalendar([backwards]) }
    }
}

/// Each preset's limits resolve as its regulation says.
@Suite struct PolicyLimitTests {
    let calendar: WorkingDayCalendar

    init() throws {
        calendar = try CalendarLoader.load(name: "cn", directory: Repository.path("Ops/calendars"))
    }

    func due(_ policyID: String, _ obligation: Obligation, _ category: CategoryCode? = nil, from: String, urgent: Bool = false, source: String? = nil) throws -> String {
        let policy = try PolicyLoader.load(id: policyID, directory: Repository.path("Ops/policies"))
        let rule = try #require(policy.rule(for: obligation))
        let limit = rule.limit(category: category, urgent: urgent, source: source)
        return RFC3339.formatSeconds(try calendar.due(from: try #require(RFC3339.parse(from)), limit: limit))
    }

    @Test(arguments: ["changsha-2020", "bairin-left-banner", "ordos-2019", "lanxi-2010", "yibin-2007"])
    func everyPresetSetsEveryObligation(_ id: String) throws {
        let policy = try PolicyLoader.load(id: id, directory: Repository.path("Ops/policies"))
        for obligation in Obligation.allCases where !Obligation.optional.contains(obligation) {
            let rule = try #require(policy.rule(for: obligation), "\(id) lacks \(obligation.rawValue)")
            #expect(!rule.article.isEmpty)
        }
        #expect(policy.calendar == "cn")
    }

    /// 长沙 第十九条（一）"咨询类事项，自签收后3个工作日内办结": signed Friday 2026-10-09, the
    /// adjusted Saturday 10-10 counts, so it is due Tuesday 10-13.
    @Test func changshaConsultationSignedOnFridayIsDueThreeWorkingDaysLater() throws {
        #expect(try due("changsha-2020", .handling, .consultation, from: "2026-10-09T15:00:00+08:00") == "2026-10-13T23:59:59+08:00")
    }

    /// 长沙 第十九条（二）"投诉举报、求助和建议类事项，自签收后10个工作日内办结".
    @Test func changshaComplaintHasTenWorkingDays() throws {
        #expect(try due("changsha-2020", .handling, .complaint, from: "2026-11-02T09:00:00+08:00") == "2026-11-16T23:59:59+08:00")
    }

    /// 长沙 第十七条 "应在次日(工作日)内签收" and "（二）…自签收后2个工作日内申请退回".
    @Test func changshaSignAndReturnWindows() throws {
        #expect(try due("changsha-2020", .sign, from: "2026-11-20T18:00:00+08:00") == "2026-11-23T23:59:59+08:00")
        #expect(try due("changsha-2020", .returnWindow, from: "2026-11-20T18:00:00+08:00") == "2026-11-24T23:59:59+08:00")
    }

    /// 巴林左旗 第十三条: 5 working days; urgent matters the same day.
    @Test func bairinUrgentCasesAreDueTheSameDay() throws {
        #expect(try due("bairin-left-banner", .handling, .help, from: "2026-11-02T09:00:00+08:00") == "2026-11-09T23:59:59+08:00")
        #expect(try due("bairin-left-banner", .handling, .help, from: "2026-11-02T09:00:00+08:00", urgent: true) == "2026-11-02T23:59:59+08:00")
    }

    /// 兰溪 四.3: general 5, 交办 10, 领导批办 15 working days.
    @Test func lanxiLimitsDependOnHowTheCaseArrived() throws {
        #expect(try due("lanxi-2010", .handling, .complaint, from: "2026-11-02T09:00:00+08:00") == "2026-11-09T23:59:59+08:00")
        #expect(try due("lanxi-2010", .handling, .complaint, from: "2026-11-02T09:00:00+08:00", source: "assigned") == "2026-11-16T23:59:59+08:00")
        #expect(try due("lanxi-2010", .handling, .complaint, from: "2026-11-02T09:00:00+08:00", source: "leader") == "2026-11-23T23:59:59+08:00")
    }

    /// 宜宾 第十一条（三）: a wrong order is returned the same day.
    @Test func yibinReturnsTheSameDay() throws {
        #expect(try due("yibin-2007", .returnWindow, from: "2026-11-02T09:00:00+08:00") == "2026-11-02T23:59:59+08:00")
    }
}
