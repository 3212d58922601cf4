import Foundation
import HotlineDomain
import Testing

/// The case number read to the caller: the acceptance date in China Standard Time and a
/// per-day sequence (docs/CONTRACTS.md `^[0-9]{8}-[0-9]{6}$`).
@Suite struct CaseNumberTests {
    @Test func usesTheChinaDateNotTheUTCDate() throws {
        // 16:30Z on 9 October is 00:30 on 10 October in China.
        let lateUTC = try #require(RFC3339.parse("2026-10-09T16:30:00Z"))
        #expect(CaseNumber.make(acceptedAt: lateUTC, sequence: 123) == "20261010-000123")
        #expect(CaseNumber.day(of: lateUTC) == "20261010")
        let earlierUTC = try #require(RFC3339.parse("2026-10-09T15:30:00Z"))
        #expect(CaseNumber.make(acceptedAt: earlierUTC, sequence: 123) == "20261009-000123")
        #expect(CaseNumber.day(of: earlierUTC) == "20261009")
    }

    @Test func sequenceIsZeroPaddedToSixDigits() throws {
        let date = try #require(RFC3339.parse("2026-01-02T09:00:00+08:00"))
        #expect(CaseNumber.make(acceptedAt: date, sequence: 1) == "20260102-000001")
        #expect(CaseNumber.make(acceptedAt: date, sequence: 999_999) == "20260102-999999")
    }

    @Test func madeNumbersAreWellFormedAndSortByDate() throws {
        let first = CaseNumber.make(acceptedAt: try #require(RFC3339.parse("2026-09-30T23:59:59+08:00")), sequence: 900)
        let second = CaseNumber.make(acceptedAt: try #require(RFC3339.parse("2026-10-01T00:00:00+08:00")), sequence: 1)
        #expect(CaseNumber.isWellFormed(first) && CaseNumber.isWellFormed(second))
        #expect(first < second)
    }

    @Test(arguments: ["20261009-000123", "00000000-000000"])
    func wellFormed(text: String) {
        #expect(CaseNumber.isWellFormed(text))
    }

    @Test(arguments: [
        "", "20261009000123", "20261009_000123", "2026100-0000123", "20261009-00012", "20261009-0001234",
        "2026a009-000123", "20261009-00012x", "２０２６1009-000123", " 20261009-000123", "20261009--00123",
    ])
    func notWellFormed(text: String) {
        #expect(!CaseNumber.isWellFormed(text))
    }
}
