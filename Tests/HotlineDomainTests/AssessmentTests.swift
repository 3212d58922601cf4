import Foundation
import HotlineDomain
import Testing

/// The periods the presets report on (长沙 monthly and annual; 巴林左旗 weekly, monthly,
/// quarterly, annual; 兰溪 quarterly, half-year, annual; 宜宾 旬 and weekly).
@Suite struct AssessmentPeriodTests {
    func days(_ text: String) throws -> String {
        let period = try AssessmentPeriod.parse(text)
        return "\(period.kind.rawValue) \(period.firstDay) \(period.lastDay)"
    }

    @Test func everyPeriodKindParses() throws {
        #expect(try days("2026") == "annual 2026-01-01 2026-12-31")
        #expect(try days("2026-H2") == "half_year 2026-07-01 2026-12-31")
        #expect(try days("2026-Q1") == "quarterly 2026-01-01 2026-03-31")
        #expect(try days("2026-02") == "monthly 2026-02-01 2026-02-28")
        #expect(try days("2026-02-D3") == "ten_days 2026-02-21 2026-02-28", "the last 旬 runs to the month's end")
        #expect(try days("2026-10-D2") == "ten_days 2026-10-11 2026-10-20")
        #expect(try days("2026-W43") == "weekly 2026-10-19 2026-10-25")
    }

    /// ISO 8601 weeks: week 1 holds the first Thursday, so 2026-W01 starts in December 2025,
    /// and 2026 (a year starting on a Thursday) has a week 53; 2025 does not.
    @Test func isoWeeksCrossTheYearBoundary() throws {
        #expect(try days("2026-W01") == "weekly 2025-12-29 2026-01-04")
        #expect(try days("2026-W53") == "weekly 2026-12-28 2027-01-03")
        #expect(throws: AssessmentPeriod.Invalid.self) { try AssessmentPeriod.parse("2025-W53") }
    }

    func previous(_ text: String) throws -> String {
        let period = try AssessmentPeriod.parse(text).previous
        return "\(period.label) \(period.firstDay) \(period.lastDay)"
    }

    /// Hot spots compare with the period just before, of the same kind.
    @Test func thePreviousPeriodCrossesMonthAndYearBoundaries() throws {
        #expect(try previous("2026-10") == "2026-09 2026-09-01 2026-09-30")
        #expect(try previous("2026-01") == "2025-12 2025-12-01 2025-12-31")
        #expect(try previous("2026-03-D1") == "2026-02-D3 2026-02-21 2026-02-28", "D1 follows the previous month's D3")
        #expect(try previous("2026-01-D1") == "2025-12-D3 2025-12-21 2025-12-31")
        #expect(try previous("2026-10-D3") == "2026-10-D2 2026-10-11 2026-10-20")
        #expect(try previous("2026-Q1") == "2025-Q4 2025-10-01 2025-12-31")
        #expect(try previous("2026-H1") == "2025-H2 2025-07-01 2025-12-31")
        #expect(try previous("2026-H2") == "2026-H1 2026-01-01 2026-06-30")
        #expect(try previous("2026") == "2025 2025-01-01 2025-12-31")
        #expect(try previous("2026-W43") == "2026-W42 2026-10-12 2026-10-18")
        #expect(try previous("2026-W01") == "2025-W52 2025-12-22 2025-12-28", "2025 has 52 ISO weeks")
        #expect(try previous("2027-W01") == "2026-W53 2026-12-28 2027-01-03", "2026 has a week 53")
    }

    /// The publisher finds the period that holds a day; its label parses back to the same period.
    @Test func thePeriodHoldingADayIsTheOneItsLabelNames() throws {
        let day = try #require(CalendarDate("2027-01-02"))
        let held = ReportPeriod.allCases.map { AssessmentPeriod.containing(day, kind: $0) }
        #expect(held.map(\.label) == ["2027-01-D1", "2026-W53", "2027-01", "2027-Q1", "2027-H1", "2027"])
        for period in held { #expect(try AssessmentPeriod.parse(period.label) == period) }
        let lastTenDays = AssessmentPeriod.containing(try #require(CalendarDate("2028-02-29")), kind: .tenDays)
        #expect("\(lastTenDays.label) \(lastTenDays.firstDay) \(lastTenDays.lastDay)" == "2028-02-D3 2028-02-21 2028-02-29")
    }

    @Test(arguments: ["2026-13", "26-10", "2026-Q5", "2026-H3", "2026-10-D4", "2026-10-15", "2026-W00", "October"])
    func aMalformedPeriodIsRefused(text: String) {
        #expect(throws: AssessmentPeriod.Invalid.self) { try AssessmentPeriod.parse(text) }
    }
}

/// The composite score of docs/ASSESSMENT.md with the presets' weights:
/// 0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率, 基本满意 at 0.9.
@Suite struct AssessmentScoreTests {
    let assessment: Assessment

    init() throws {
        assessment = Assessment(rules: try Fixtures.changsha().assessment)
    }

    func figures(_ unit: String, sign: (Int, Int), rated: (Int, Int, Int), resolved: (Int, Int)) -> UnitFigures {
        var figures = UnitFigures(unitID: unit, unitName: unit)
        (figures.ordersReceived, figures.signDue, figures.signedOnTime) = (sign.0, sign.0, sign.1)
        (figures.satisfied, figures.basicallySatisfied, figures.dissatisfied) = rated
        (figures.resolvedAnswers, figures.resolvedYes) = resolved
        return figures
    }

    @Test func theScoreWeighsTheThreeRates() throws {
        let unit = assessment.assess(figures("a", sign: (4, 3), rated: (2, 1, 1), resolved: (3, 2)))
        #expect(unit.responseRate == 0.75)
        #expect(unit.satisfactionRate == 0.725, "(2 + 0.9 × 1) / 4")
        let expected: Double = 0.1 * 0.75 + 0.5 * (2.0 / 3.0) + 0.4 * 0.725
        let score = try #require(unit.score)
        #expect(abs(score - expected) < 1e-12)
    }

    @Test func aRateWithoutDataIsLeftOutAndTheOthersReweighed() throws {
        let unit = assessment.assess(figures("b", sign: (0, 0), rated: (1, 0, 1), resolved: (0, 0)))
        #expect(unit.responseRate == nil && unit.resolutionRate == nil)
        #expect(unit.score == 0.5, "only 满意率 counts: 0.4 × 0.5 / 0.4")
        #expect(assessment.assess(UnitFigures(unitID: "c", unitName: "c")).score == nil)
    }

    /// Units with the policy's `minimum_orders` (5) are ranked; the idle one is not.
    @Test func unitsAreRankedBestFirstWithTiesSharingARank() {
        let ranked = assessment.rank([
            figures("low", sign: (6, 3), rated: (0, 0, 6), resolved: (6, 0)),
            UnitFigures(unitID: "idle", unitName: "idle"),
            figures("top-b", sign: (5, 5), rated: (5, 0, 0), resolved: (5, 5)),
            figures("top-a", sign: (5, 5), rated: (5, 0, 0), resolved: (5, 5)),
        ])
        #expect(ranked.map(\.figures.unitID) == ["top-a", "top-b", "low", "idle"])
        #expect(ranked.map(\.rank) == [1, 1, 3, nil])
    }
}
