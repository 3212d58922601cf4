import Foundation
import Testing

/// `hotline deadline` as an operator or a unit's staff would run it.
@Suite struct DeadlineCommandTests {
    func hotline(_ arguments: [String]) throws -> ProgramResult {
        try TestStack.hotline(try TestEnvironment.require(), ["deadline"] + arguments)
    }

    /// 长沙 第十九条（一）: a 咨询 signed on Friday 2026-10-09 is due three working days later;
    /// Saturday 10-10 is an adjusted working day.
    @Test func printsOneISO8601LineWithOffset() throws {
        let result = try hotline(["--policy", "changsha-2020", "--obligation", "handling", "--category", "consultation", "--from", "2026-10-09T15:00:00+08:00"])
        #expect(result.status == 0)
        #expect(result.output == "2026-10-13T23:59:59+08:00\n")
    }

    @Test func aYearOutsideTheCalendarExitsNonZeroNamingTheYear() throws {
        let result = try hotline(["--policy", "changsha-2020", "--obligation", "sign", "--from", "2031-03-02T10:00:00+08:00"])
        #expect(result.status != 0)
        #expect(result.output.contains("2031"))
    }

    @Test func unknownObligationsAndCategoriesAreRefused() throws {
        let obligation = try hotline(["--policy", "changsha-2020", "--obligation", "lunch", "--from", "2026-10-09T15:00:00+08:00"])
        #expect(obligation.status != 0 && obligation.output.contains("lunch"))
        let category = try hotline(["--policy", "lanxi-2010", "--obligation", "handling", "--category", "praise", "--from", "2026-10-09T15:00:00+08:00"])
        #expect(category.status != 0 && category.output.contains("lanxi-2010"))
    }
}
