import Foundation
import HotlineDomain
@testable import HotlineWorkers
import Testing

/// The period reports sweep (长沙 第三十七条: reports when a period is over) and the unit review stop looking
/// for the rest of a day on which they found nothing left to do, and run again as soon as
/// the clock is on another day.
@Suite struct QuietDayTests {
    @Test func aQuietDayLastsUntilMidnightChinaTime() throws {
        let quiet = QuietDay()
        let morning = try #require(RFC3339.parse("2026-12-07T09:00:00+08:00"))
        #expect(quiet.nextDue(now: morning) == morning, "nothing recorded: run now")
        quiet.record(CalendarDate(containing: morning))
        let evening = try #require(RFC3339.parse("2026-12-07T23:59:00+08:00"))
        #expect(quiet.nextDue(now: evening) == RFC3339.parse("2026-12-08T00:00:00+08:00"))
        let nextDay = try #require(RFC3339.parse("2026-12-08T00:00:01+08:00"))
        #expect(quiet.nextDue(now: nextDay) == nextDay, "another day: run now")
        let setBack = try #require(RFC3339.parse("2026-11-30T12:00:00+08:00"))
        #expect(quiet.nextDue(now: setBack) == setBack, "a clock set back to another day: run now")
    }
}
