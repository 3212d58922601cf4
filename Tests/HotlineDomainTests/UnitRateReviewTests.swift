import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// 巴林左旗 第十五条（七）「对超期诉求工单较多，以及响应率、解决率、满意率偏低的单位」 as the
/// preset reads it: 20 working days back, 响应率 below 90 % once 5 orders were due,
/// more than 3 overdue orders.
@Suite struct UnitRateReviewTests {
    let review: UnitRateReview

    init() throws {
        let policy = try PolicyLoader.load(file: Repository.path("Ops/policies/bairin-left-banner.yaml"))
        let calendar = try CalendarLoader.load(name: policy.calendar, directory: Repository.path("Ops/calendars"))
        let rule = try #require(policy.supervision.triggers.first { $0.trigger == .lowRates })
        review = UnitRateReview(rule: rule, calendar: calendar)
    }

    func day(_ text: String) throws -> CalendarDate { try #require(CalendarDate(text)) }

    func rates(due: Int, inTime: Int, overdue: Int) -> UnitRates {
        UnitRates(unitID: "blzq-lindong", unitName: "林东镇人民政府", ordersDue: due, signedInTime: inTime, overdueOrders: overdue)
    }

    @Test func theWindowIsTheTwentyWorkingDaysBeforeTheReviewDay() throws {
        // Reviewed Monday 2026-11-02: 10-30 back to 10-12 are 15 working days, Saturday
        // 10-10 (调休), 10-09 and 10-08 three more, then the National Day break
        // (10-01 … 10-07) is skipped: 09-30 and 09-29 are the 19th and 20th.
        let window = try review.window(before: try day("2026-11-02"))
        #expect(window.lastDay == (try day("2026-10-30")))
        #expect(window.firstDay == (try day("2026-09-29")))
        #expect(RFC3339.formatSeconds(window.since) == "2026-09-29T00:00:00+08:00")
        #expect(RFC3339.formatSeconds(window.until) == "2026-10-30T23:59:59+08:00")
    }

    @Test func unitsAreReviewedOnWorkingDaysOnly() throws {
        let saturday = try #require(RFC3339.parse("2026-10-17T09:00:00+08:00"))
        let workedSaturday = try #require(RFC3339.parse("2026-10-10T09:00:00+08:00"))
        let nationalDay = try #require(RFC3339.parse("2026-10-05T09:00:00+08:00"))
        #expect(try review.reviewDay(at: saturday) == nil)
        #expect(try review.reviewDay(at: nationalDay) == nil)
        #expect(try review.reviewDay(at: workedSaturday) == (try day("2026-10-10")))
    }

    @Test func aLowResponseRateCountsOnlyOnceEnoughOrdersWereDue() {
        #expect(review.shortfalls(rates(due: 10, inTime: 8, overdue: 0)) == [.responseRate])
        #expect(review.shortfalls(rates(due: 10, inTime: 9, overdue: 0)).isEmpty, "90 % is not below 90 %")
        #expect(review.shortfalls(rates(due: 4, inTime: 0, overdue: 0)).isEmpty, "4 orders are too few to judge")
        #expect(review.shortfalls(rates(due: 5, inTime: 4, overdue: 0)) == [.responseRate])
    }

    @Test func moreThanThreeOverdueOrdersAreTooMany() {
        #expect(review.shortfalls(rates(due: 0, inTime: 0, overdue: 3)).isEmpty)
        #expect(review.shortfalls(rates(due: 0, inTime: 0, overdue: 4)) == [.overdueOrders])
        #expect(review.shortfalls(rates(due: 6, inTime: 1, overdue: 4)) == [.responseRate, .overdueOrders])
    }

    @Test func theFiguresSayWhyAndAgainstWhat() throws {
        let window = try review.window(before: try day("2026-11-02"))
        let figures = review.figures(rates(due: 12, inTime: 7, overdue: 4), window: window)
        #expect(figures.responseRate == 0.5833)
        #expect(figures.minResponseRate == 0.9 && figures.maxOverdueOrders == 3)
        #expect(figures.windowFrom == "2026-09-29" && figures.windowTo == "2026-10-30")
        #expect(figures.below == [.responseRate, .overdueOrders])
        #expect(review.figures(rates(due: 0, inTime: 0, overdue: 0), window: window).responseRate == nil)
    }
}
