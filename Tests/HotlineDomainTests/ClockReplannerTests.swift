import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// DESIGN.md "counted provisionally … and recounted when its notice is added": the calendar
/// counts 2027 from the statutory holidays alone until its notice is added, and the
/// replanner recounts a clock against the notice. Announcements already made stand.
@Suite struct ClockReplannerTests {
    let policy: Policy
    let provisional: WorkingDayCalendar
    let official: WorkingDayCalendar

    static func at(_ text: String) -> Date {
        guard let date = RFC3339.parse(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    /// The shipped years, and a stand-in 2027 notice: the statutory days plus extra days
    /// off as given, and the worked weekend days as given.
    static func calendar(extraDaysOff: [String] = [], worked: [String] = [], statutoryExceptions: [CalendarYear.StatutoryException] = []) throws -> WorkingDayCalendar {
        let years = try [2025, 2026].map { try CalendarLoader.year(file: Repository.path("Ops/calendars/cn-\($0).yaml")) }
        let statutory = StatutoryHolidays.provisionalDaysOff(of: 2027)
            .filter { day in !statutoryExceptions.contains { $0.date == day.date.description } }
            .map { CalendarYear.Holiday(name: $0.festival.rawValue, from: $0.date.description, to: $0.date.description) }
        let extra = extraDaysOff.map { CalendarYear.Holiday(name: "测试", from: $0, to: $0) }
        let notice = CalendarYear(
            year: 2027, source: "国务院办公厅关于2027年部分节假日安排的通知（测试）", holidays: statutory + extra,
            workdays: worked.map { CalendarYear.Workday(date: $0, for: "元旦") }, statutoryExceptions: statutoryExceptions)
        return try WorkingDayCalendar(years + [notice], provisionalHorizon: 1)
    }

    init() throws {
        policy = try Fixtures.changsha()
        provisional = try CalendarLoader.load(name: "cn", directory: Repository.path("Ops/calendars"))
        official = try Self.calendar(worked: ["2027-01-02"])
    }

    /// 长沙 第十九条（二）: a complaint signed 2026-12-31 is due 10 working days later; counted
    /// provisionally (元旦 2027-01-01 off, no 调休 guessed) that is 2027-01-15.
    func signedOnNewYearsEve(warnedAt: Date? = nil, overdueAt: Date? = nil) throws -> CountedClock {
        let lifecycle = CaseLifecycle(policy: policy, calendar: provisional, network: try Fixtures.changshaRouter().network)
        let start = Self.at("2026-12-31T10:00:00+08:00")
        let plan = try lifecycle.plan(.handling, unit: "yuelu-wangyuehu", for: LifecycleCase(
            id: UUID(), caseNumber: "20261231-000001", policy: .init(id: "changsha-2020", version: policy.version), status: .signed,
            category: .complaint, urgent: false, round: 1, leadUnitID: "yuelu-wangyuehu", coUnitIDs: [], dispatchedAt: start), from: start)
        #expect(plan.dueAt == Self.at("2027-01-15T23:59:59+08:00"))
        #expect(plan.basis.isProvisional && plan.basis.provisionalYears == [2027])
        return CountedClock(
            id: 7, caseID: UUID(), caseNumber: "20261231-000001", policy: .init(id: "changsha-2020", version: policy.version), round: 1,
            obligation: .handling, unitID: "yuelu-wangyuehu", countedFrom: start, limit: plan.limit, dueAt: plan.dueAt,
            warnAt: plan.warnAt, warnedAt: warnedAt, overdueAt: overdueAt, basis: plan.basis.description)
    }

    /// A worked Saturday (2027-01-02) in the window: due one working day earlier, and the
    /// warning not yet announced fires at its new instant.
    @Test func aWorkedSaturdayMovesTheDueInstantEarlier() throws {
        let recount = try #require(try ClockReplanner(policy: policy, calendar: official).recount(try signedOnNewYearsEve()))
        #expect(recount.dueAt == Self.at("2027-01-14T23:59:59+08:00"))
        #expect(recount.warnAt == Self.at("2027-01-13T23:59:59+08:00"))
        #expect(recount.nextFireAt == recount.warnAt)
        #expect(recount.moved && !recount.basis.isProvisional)
        #expect(recount.basis.notices.last == "国务院办公厅关于2027年部分节假日安排的通知（测试）")
    }

    /// A warning already announced is not repeated: the next announcement is the overdue, at the new instant.
    @Test func aWarningAlreadyAnnouncedStands() throws {
        let clock = try signedOnNewYearsEve(warnedAt: Self.at("2027-01-14T23:59:59+08:00"))
        let recount = try #require(try ClockReplanner(policy: policy, calendar: official).recount(clock))
        #expect(recount.nextFireAt == Self.at("2027-01-14T23:59:59+08:00"))
    }

    /// An extra day off (2027-01-04) moves the due instant later; an overdue already
    /// announced stands (one overdue at most per clock) and nothing is left to announce.
    @Test func anOverdueAlreadyAnnouncedStandsWhenTheInstantMovesLater() throws {
        let later = try Self.calendar(extraDaysOff: ["2027-01-04"])
        let clock = try signedOnNewYearsEve(warnedAt: Self.at("2027-01-14T23:59:59+08:00"), overdueAt: Self.at("2027-01-15T23:59:59+08:00"))
        let recount = try #require(try ClockReplanner(policy: policy, calendar: later).recount(clock))
        #expect(recount.dueAt == Self.at("2027-01-18T23:59:59+08:00"))
        #expect(recount.nextFireAt == nil)
    }

    /// The notice confirms the provisional count: the instants stay, the basis becomes official.
    @Test func aConfirmedCountChangesOnlyTheBasis() throws {
        let same = try Self.calendar()
        let recount = try #require(try ClockReplanner(policy: policy, calendar: same).recount(try signedOnNewYearsEve()))
        #expect(!recount.moved && !recount.basis.isProvisional)
    }

    /// Replanning with no notice added changes nothing, so a second replan is a no-op.
    @Test func stillProvisionalAndUnchangedIsNoRecount() throws {
        #expect(try ClockReplanner(policy: policy, calendar: provisional).recount(try signedOnNewYearsEve()) == nil)
    }

    /// A date the unit named (an approved extension) never moves; only its warning is recounted.
    @Test func aNamedDateKeepsItsInstant() throws {
        var clock = try signedOnNewYearsEve()
        clock.limit = nil
        clock.countedFrom = Self.at("2027-01-15T23:59:59+08:00")
        clock.dueAt = Self.at("2027-01-22T23:59:59+08:00")
        clock.warnAt = Self.at("2027-01-21T23:59:59+08:00")
        #expect(try ClockReplanner(policy: policy, calendar: official).recount(clock)?.dueAt == clock.dueAt)
    }

    /// 全国年节及纪念日放假办法 第二条: a notice file that leaves out 中秋节 is refused unless it says why.
    @Test func aNoticeDroppingAStatutoryHolidayIsRefusedUnlessExplicit() throws {
        let midAutumn = CalendarYear.StatutoryException(date: "2027-09-15", reason: "测试")
        #expect(throws: CalendarError.self) {
            let years = [try CalendarLoader.year(file: Repository.path("Ops/calendars/cn-2026.yaml"))]
            let statutory = StatutoryHolidays.holidays(of: 2027).filter { $0.festival != .midAutumn }
                .map { CalendarYear.Holiday(name: $0.festival.rawValue, from: $0.date.description, to: $0.date.description) }
            _ = try WorkingDayCalendar(years + [CalendarYear(year: 2027, source: "测试", holidays: statutory, workdays: [])])
        }
        let excepted = try Self.calendar(statutoryExceptions: [midAutumn])
        #expect(try excepted.isWorkingDay(try #require(CalendarDate("2027-09-15"))))
    }

    /// 长沙's longest chain (sign, handling, extension, ladder) fits from today with 2027
    /// provisional, and runs past the calendar from late 2027, naming 2028.
    @Test func theCoverageCheckNamesTheMissingYear() throws {
        let coverage = CalendarCoverage(policy: policy)
        #expect(coverage.workingDays >= 11)
        _ = try coverage.reach(from: Self.at("2026-12-04T10:00:00+08:00"), calendar: provisional)
        #expect(throws: CalendarError.yearNotCovered(2028, official: [2025, 2026], provisional: [2027])) {
            _ = try coverage.reach(from: Self.at("2027-12-20T10:00:00+08:00"), calendar: provisional)
        }
    }

    /// hotline status warns 60 days ahead of the last official day.
    @Test func theHorizonWarnsSixtyDaysAhead() {
        #expect(CalendarHorizon(calendar: provisional, now: Self.at("2026-10-01T10:00:00+08:00"), openProvisionalClocks: 0).warning == nil)
        let soon = CalendarHorizon(calendar: provisional, now: Self.at("2026-12-04T10:00:00+08:00"), openProvisionalClocks: 3)
        #expect(soon.daysLeft == 27)
        #expect(soon.warning?.contains("cn-2027.yaml") == true)
    }

    /// Every event with a due instant says when it is provisional: a 督办 rung and a callback
    /// task counted into 2027 from New Year's Eve.
    @Test func supervisionRungsAndCallbackTasksSayWhenTheyAreProvisional() throws {
        let newYearsEve = Self.at("2026-12-31T16:00:00+08:00")
        let rung = try #require(try Supervisor(policy: policy, calendar: provisional).climb(from: 1, at: newYearsEve))
        // 第三十四条's second rung (督办函) waits 3 working days: 2027-01-06, counted provisionally.
        #expect(rung.dueAt == Self.at("2027-01-06T23:59:59+08:00") && rung.provisional)
        let autumn = try #require(try Supervisor(policy: policy, calendar: provisional).climb(from: 1, at: Self.at("2026-10-12T16:00:00+08:00")))
        #expect(!autumn.provisional)
        let task = try CallbackPlanner(policy: policy, calendar: provisional).firstTask(approvedAt: newYearsEve, submittedAt: nil, leadUnitID: "yuelu-wangyuehu", confidential: false)
        #expect(task.dueProvisional, "长沙's 1-working-day callback from 12-31 is due in 2027")
        let event = CallbackTaskEvent(
            eventID: UUID(), taskID: UUID(), caseID: UUID(), caseNumber: "20261231-000001", round: 1, plan: task, contact: nil,
            basis: PolicyBasis(policy: "changsha-2020", policyVersion: policy.version, article: "第二十五条"), occurredAt: newYearsEve)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try EventJSON.encode(event))) as? [String: Any])
        #expect(json["due_provisional"] as? Bool == true)
    }
}
