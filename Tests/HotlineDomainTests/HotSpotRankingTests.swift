import Foundation
import HotlineDomain
import Testing

/// The hot spots of a period (docs/ASSESSMENT.md; 长沙 第三十四条（二）「集中投诉举报的热点、
/// 难点事项」): the area × category pairs with the most accepted cases, with the change
/// against the previous period.
@Suite struct HotSpotRankingTests {
    func count(_ area: String?, _ category: String, _ count: Int) -> HotSpotCount {
        HotSpotCount(areaCode: area, category: category, count: count)
    }

    @Test func mostCasesFirstWithTheChangeAgainstThePreviousPeriod() {
        let spots = HotSpotRanking().rank(
            [count("430104", "complaint", 4), count("430102", "consultation", 3), count(nil, "help", 2)],
            previous: [count("430104", "complaint", 1), count("430102", "consultation", 5), count("430111", "complaint", 9)])
        #expect(spots.map(\.areaCode) == ["430104", "430102", nil])
        let rising = spots[0], falling = spots[1], new = spots[2]
        #expect(rising.previousCount == 1 && rising.change == 3 && rising.changePercent == 300 && !rising.isNew)
        #expect(falling.previousCount == 5 && falling.change == -2 && falling.changePercent == -40, "a drop")
        #expect(new.previousCount == 0 && new.change == 2 && new.changePercent == nil && new.isNew, "nothing before: new, no percent")
        #expect(spots.map(\.rank) == [1, 2, 3])
    }

    /// Equal counts share a rank and are listed by area code, the no-area bucket last,
    /// then by category, whatever order the database returned them in.
    @Test func tiesAreOrderedTheSameWayEveryTime() {
        let counts = [count(nil, "complaint", 2), count("430105", "help", 2), count("430104", "help", 2), count("430104", "complaint", 2),
                      count("430103", "complaint", 1)]
        let spots = HotSpotRanking().rank(counts, previous: [])
        #expect(spots.map { "\($0.rank) \($0.areaCode ?? "-") \($0.category)" } == [
            "1 430104 complaint", "1 430104 help", "1 430105 help", "1 - complaint", "5 430103 complaint",
        ])
        #expect(HotSpotRanking().rank(counts.reversed(), previous: []) == spots)
    }

    @Test func onlyTheTopNAreListedAndZeroListsNone() {
        let counts = (1...15).map { count(String(430_100 + $0), "complaint", $0) }
        let top = HotSpotRanking().rank(counts, previous: [])
        #expect(top.count == HotSpotRanking.defaultCount)
        #expect(top.first?.count == 15 && top.last?.count == 6)
        #expect(HotSpotRanking(count: 3).rank(counts, previous: []).map(\.count) == [15, 14, 13])
        #expect(HotSpotRanking(count: 0).rank(counts, previous: []).isEmpty)
    }

    @Test func theJSONSaysNewAndNullForAHotSpotWithoutPreviousCases() throws {
        let spot = HotSpot(rank: 1, areaCode: nil, category: "help", count: 2, previousCount: 0)
        let json = try #require(JSONSerialization.jsonObject(with: Data(EventJSON.encode(spot))) as? [String: Any])
        #expect(json["new"] as? Bool == true)
        #expect(json["change_percent"] is NSNull && json["area_code"] is NSNull)
        #expect(json["change"] as? Int == 2)
    }
}

/// The top and the bottom unit of a report are the best and the worst scored ones.
@Suite struct PeriodReportTests {
    /// A unit scored only by its 响应率: `signed` of `due` orders signed in time, with enough
    /// orders received to be ranked (`minimum_orders`).
    func unit(_ id: String, signed: Int, of due: Int) -> UnitFigures {
        var figures = UnitFigures(unitID: id, unitName: "单位 \(id)")
        (figures.ordersReceived, figures.signDue, figures.signedOnTime) = (5, due, signed)
        return figures
    }

    func report(_ units: [UnitFigures]) throws -> PeriodReport {
        let ranked = Assessment(rules: try Fixtures.changsha().assessment).rank(units)
        return PeriodReport(
            period: try AssessmentPeriod.parse("2026-10"), policyID: "changsha-2020", policyVersion: "2020.1", units: ranked, hotSpots: [])
    }

    @Test func topAndBottomSkipUnscoredUnits() throws {
        let report = try report([unit("c", signed: 0, of: 0), unit("b", signed: 1, of: 2), unit("a", signed: 1, of: 1)])
        #expect(report.top?.unitID == "a" && report.top?.rank == 1)
        #expect(report.bottom?.unitID == "b" && report.bottom?.score == 0.5 && report.bottom?.rank == 2)
    }

    @Test func aSingleScoredUnitIsNeitherTopNorBottom() throws {
        let report = try report([unit("a", signed: 1, of: 1), unit("c", signed: 0, of: 0)])
        #expect(report.top == nil && report.bottom == nil)
    }
}
