import Foundation
@testable import HotlineDomain
import Testing

/// Timestamps on every topic are RFC 3339 date-times with an explicit offset
/// (docs/CONTRACTS.md); the product renders them in China Standard Time.
@Suite struct RFC3339Tests {
    /// 2026-10-09T02:15:00Z.
    let instant = Date(timeIntervalSince1970: 1_791_512_100)

    @Test func parsesUTCAndChinaOffsetsToTheSameInstant() {
        #expect(RFC3339.parse("2026-10-09T02:15:00Z") == instant)
        #expect(RFC3339.parse("2026-10-09T10:15:00+08:00") == instant)
        #expect(RFC3339.parse("2026-10-08T21:15:00-05:00") == instant)
        #expect(RFC3339.parse("2026-10-09T02:15:00+00:00") == instant)
    }

    @Test func lowerCaseSeparatorsAreAllowed() {
        // RFC 3339 §5.6 NOTE: "T" and "Z" may alternatively be lower case.
        #expect(RFC3339.parse("2026-10-09t02:15:00z") == instant)
    }

    @Test func fractionalSeconds() throws {
        #expect(RFC3339.parse("2026-10-09T02:15:00.5Z") == instant.addingTimeInterval(0.5))
        let parsed = try #require(RFC3339.parse("2026-10-09T10:15:00.318+08:00"))
        #expect(abs(parsed.timeIntervalSince(instant) - 0.318) < 0.000_001)
        let nanos = try #require(RFC3339.parse("2026-10-09T02:15:00.123456789Z"))
        #expect(abs(nanos.timeIntervalSince(instant) - 0.123_456_789) < 0.000_001)
    }

    @Test(arguments: [
        "2026-10-09T10:15:00",            // no offset
        "2026-10-09 10:15:00+08:00",      // space instead of T
        "2026-13-01T00:00:00Z",           // month 13
        "2026-00-10T00:00:00Z",           // month 0
        "2026-02-30T00:00:00Z",           // 30 February
        "2026-02-29T00:00:00Z",           // 2026 is not a leap year
        "2100-02-29T00:00:00Z",           // centuries are not leap years unless divisible by 400
        "2026-04-31T00:00:00Z",           // April has 30 days
        "2026-10-00T00:00:00Z",           // day 0
        "2026-10-09T24:00:00Z",           // hour 24
        "2026-10-09T10:60:00Z",           // minute 60
        "2026-10-09T10:15:00+0800",       // offset without colon
        "2026-10-09T10:15:00+24:00",      // offset hour out of range
        "2026-10-09T10:15:00.Z",          // a dot without digits
        "2026-10-09T10:15:00Zjunk",       // trailing text
        "2026-10-09T10:15Z",              // no seconds
        "26-10-09T10:15:00Z",             // two-digit year
        "２０２６-10-09T10:15:00Z",        // full-width digits
        "",
    ])
    func rejects(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func leapDays() {
        #expect(RFC3339.parse("2028-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_835_395_200))
        #expect(RFC3339.parse("2000-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2026-12-31T23:59:59+08:00") != nil)
    }

    @Test func formatRendersChinaStandardTimeWithMilliseconds() {
        #expect(RFC3339.format(instant) == "2026-10-09T10:15:00.000+08:00")
        #expect(RFC3339.format(instant.addingTimeInterval(0.5)) == "2026-10-09T10:15:00.500+08:00")
        // 16:00Z is midnight in China: the date rolls over.
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_791_561_600)) == "2026-10-10T00:00:00.000+08:00")
        // Before 1970 (negative seconds) still renders the right wall time.
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1)) == "1970-01-01T07:59:59.000+08:00")
    }

    /// The digit-by-digit rendering is the one `%04d-%02d-…` printed, padding included,
    /// over instants from year 999 to 2400.
    @Test func formatPadsEveryFieldAsPrintfDid() throws {
        #expect(RFC3339.format(try #require(RFC3339.parse("0999-01-02T03:04:05.006+08:00"))) == "0999-01-02T03:04:05.006+08:00")
        var seconds = -30_610_224_000.0  // 0999-12-31
        while seconds < 13_569_465_600 {  // 2400-01-01
            let date = Date(timeIntervalSince1970: seconds)
            let local = Int64(((seconds + 8 * 3600) * 1000).rounded(.down))
            let millisecond = Int((local % 1000 + 1000) % 1000)
            let whole = (local - Int64(millisecond)) / 1000
            let days = Int(RFC3339.floorDivide(whole, 86_400))
            let second = Int(whole - Int64(days) * 86_400)
            let (year, month, day) = RFC3339.civilFromDays(days)
            let printed = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00", year, month, day, second / 3600, second / 60 % 60, second % 60, millisecond)
            #expect(RFC3339.format(date) == printed)
            seconds += 7_654_321.987
        }
    }

    @Test func formatThenParseRoundTrips() throws {
        for seconds: TimeInterval in [0, 1_791_512_100, 1_835_395_200, 1_791_561_599, -31_536_000] {
            let date = Date(timeIntervalSince1970: seconds)
            let text = RFC3339.format(date)
            #expect(RFC3339.parse(text) == date, "\(text)")
        }
    }

    /// Every millisecond a producer writes must come back as the same millisecond: a
    /// receipt or case event must not move a received_at of .318 to .317.
    @Test func millisecondsSurviveParseThenFormat() throws {
        var wrong: [String] = []
        for millisecond in 0..<1000 {
            let fraction = String(format: "%03d", millisecond)
            let text = "2026-10-09T10:15:00.\(fraction)+08:00"
            let date = try #require(RFC3339.parse(text))
            if RFC3339.format(date) != text { wrong.append("\(text) -> \(RFC3339.format(date))") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of 1000: \(wrong.prefix(5).joined(separator: ", "))")
    }

    @Test func chinaDateChangesAtSixteenHundredUTC() {
        let beforeMidnight = RFC3339.chinaDate(of: RFC3339.parse("2026-10-09T15:59:59Z")!)
        #expect(beforeMidnight == (2026, 10, 9))
        let midnight = RFC3339.chinaDate(of: RFC3339.parse("2026-10-09T16:00:00Z")!)
        #expect(midnight == (2026, 10, 10))
        let newYear = RFC3339.chinaDate(of: RFC3339.parse("2026-12-31T16:00:00Z")!)
        #expect(newYear == (2027, 1, 1))
        let leap = RFC3339.chinaDate(of: RFC3339.parse("2028-02-28T16:00:00Z")!)
        #expect(leap == (2028, 2, 29))
    }
}
