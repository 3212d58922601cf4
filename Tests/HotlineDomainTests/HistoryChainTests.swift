import Foundation
import HotlineDomain
@testable import HotlineWorkers
import Testing

/// The history chain's reference definition (docs/CONTRACTS.md "Case history chain"): a
/// case's history is the evidence in a rating appeal (长沙 第二十七条), so a row changed,
/// removed or inserted after it was written is found and named.
@Suite struct HistoryChainTests {
    static let caseID = UUID(uuidString: "2f1c6a0e-8b3d-4c5e-9f70-1a2b3c4d5e6f")!

    /// Two rows chained as the database's trigger chains them.
    static func chain(_ specs: [(actor: String, action: String, detail: String, eventID: String?)], firstID: Int64 = 10) -> [HistoryRecord] {
        var rows: [HistoryRecord] = []
        var previous = HistoryChain.genesis
        for (offset, spec) in specs.enumerated() {
            var row = HistoryRecord(
                id: firstID + Int64(offset) * 2, caseID: caseID, atMicroseconds: 1_792_634_400_123_456 + Int64(offset), actor: spec.actor,
                action: spec.action, detail: spec.detail, eventID: spec.eventID, previousHash: previous, hash: [])
            row.hash = HistoryHashing.sha256(HistoryChain.rowBytes(previous: previous, of: row))
            previous = row.hash
            rows.append(row)
        }
        return rows
    }

    static let four = chain([
        ("intake", "accepted", "{}", "evt-0001"),
        ("dispatch", "sign", #"{"unit_id": "furong-district"}"#, "ua-sign-0001"),
        ("dispatch", "submit_result", #"{"outcome": "resolved"}"#, "ua-result-0001"),
        ("callbacks", "archived", "{}", nil),
    ])

    func problems(_ rows: [HistoryRecord], head: HistoryHead? = nil) -> [HistoryProblem] {
        HistoryChain.problems(in: rows, head: head, hash: HistoryHashing.sha256)
    }

    /// Known answers computed with Python's hashlib from the documented encoding: the bytes
    /// are the contract, not whatever this code happens to produce.
    @Test func theHashedBytesAreTheDocumentedOnes() {
        let rows = Self.chain([
            ("dispatch", "sign", #"{"unit_id": "furong-district"}"#, "ua-sign-0001"),
            ("callbacks", "archived", "{}", nil),
        ])
        #expect(Hex.string(rows[0].hash) == "edfb3049edcebfa6039a254f5550d496e7f3e5599afbe98ee9b8152dcc949aeb")
        #expect(Hex.string(rows[1].hash) == "795b06cd4b6348cdec114432d0884f07ca619f878182a430638778546174e7be")
        let other = UUID(uuidString: "0a000000-0000-4000-8000-000000000001")!
        let fold = HistoryDigest.foldBytes(
            day: CalendarDate("2026-10-20")!, previous: HistoryDigest.first,
            heads: [HistoryHead(caseID: Self.caseID, rowID: 2, hash: rows[1].hash), HistoryHead(caseID: other, rowID: 7, hash: rows[0].hash)])
        #expect(Hex.string(HistoryHashing.sha256(fold)) == "78d21d9f45657d190e398b9b88f8b1ce5493b39a94eef25e42d3fd431c847bbb")
    }

    @Test func anIntactChainHasNoProblem() {
        let last = Self.four[3]
        #expect(problems(Self.four, head: HistoryHead(caseID: Self.caseID, rowID: last.id, hash: last.hash)).isEmpty)
    }

    @Test func aChangedRowIsNamedAlone() {
        var rows = Self.four
        rows[2].detail = #"{"outcome": "explained"}"#
        #expect(problems(rows) == [HistoryProblem(rowID: rows[2].id, kind: .changed)])
    }

    /// An absent event id and an empty one are different rows.
    @Test func aMissingEventIDIsNotAnEmptyOne() {
        var rows = Self.four
        rows[3].eventID = ""
        #expect(problems(rows) == [HistoryProblem(rowID: rows[3].id, kind: .changed)])
    }

    @Test func aRemovedRowIsNamedAtItsSuccessor() {
        var rows = Self.four
        rows.remove(at: 1)
        #expect(problems(rows) == [HistoryProblem(rowID: Self.four[2].id, kind: .removedBefore(previousRowID: Self.four[0].id))])
        #expect(problems(Array(Self.four.dropFirst())) == [HistoryProblem(rowID: Self.four[1].id, kind: .removedBefore(previousRowID: nil))])
    }

    /// A forger who hashes the inserted row correctly still leaves its successor linking past it.
    @Test func aRowInsertedOutOfOrderIsNamed() {
        var rows = Self.four
        var forged = HistoryRecord(
            id: rows[1].id + 1, caseID: Self.caseID, atMicroseconds: rows[1].atMicroseconds, actor: "centre", action: "approve_result",
            detail: "{}", eventID: "ca-forged", previousHash: rows[1].hash, hash: [])
        forged.hash = HistoryHashing.sha256(HistoryChain.rowBytes(previous: forged.previousHash, of: forged))
        rows.insert(forged, at: 2)
        #expect(problems(rows) == [HistoryProblem(rowID: rows[3].id, kind: .inserted(rowIDs: [forged.id], linkedTo: rows[1].id))])
    }

    @Test func aRemovedLastRowIsFoundByTheRecordedHead() {
        let last = Self.four[3]
        let head = HistoryHead(caseID: Self.caseID, rowID: last.id, hash: last.hash)
        #expect(problems(Array(Self.four.dropLast()), head: head) == [HistoryProblem(rowID: last.id, kind: .headMissing(lastRowID: Self.four[2].id))])
        #expect(problems([], head: head) == [HistoryProblem(rowID: last.id, kind: .headMissing(lastRowID: nil))])
    }

    @Test func theFoldTakesHeadsInCaseOrderWhateverOrderTheyCome() {
        let heads = Self.four.map { HistoryHead(caseID: UUID(), rowID: $0.id, hash: $0.hash) }
        let day = CalendarDate("2026-10-20")!
        #expect(HistoryDigest.foldBytes(day: day, previous: HistoryDigest.first, heads: heads)
            == HistoryDigest.foldBytes(day: day, previous: HistoryDigest.first, heads: heads.reversed()))
        #expect(HistoryDigest.foldBytes(day: day, previous: HistoryDigest.first, heads: heads)
            != HistoryDigest.foldBytes(day: day.adding(days: 1), previous: HistoryDigest.first, heads: heads))
    }

    static func record(_ day: String, previous: HistoryDigestRecord?, heads: [HistoryHead]) -> HistoryDigestRecord {
        let date = CalendarDate(day)!
        let previousDigest = previous?.digest ?? HistoryDigest.first
        return HistoryDigestRecord(
            day: date, digest: HistoryHashing.sha256(HistoryDigest.foldBytes(day: date, previous: previousDigest, heads: heads)),
            previousDay: previous?.day, previousDigest: previousDigest, heads: heads)
    }

    @Test func aKeptDigestFindsWhatTheDatabaseRewroteConsistently() {
        let head = HistoryHead(caseID: Self.caseID, rowID: Self.four[3].id, hash: Self.four[3].hash)
        let first = Self.record("2026-10-19", previous: nil, heads: [head])
        let second = Self.record("2026-10-20", previous: first, heads: [])
        let stored: (UUID, Int64) -> [UInt8]?? = { _, rowID in .some(rowID == head.rowID ? head.hash : nil) }
        let audit = { (recorded: [HistoryDigestRecord], kept: [CalendarDate: [UInt8]]) in
            HistoryDigestAudit.problems(recorded: recorded, kept: kept, storedHash: stored, hash: HistoryHashing.sha256)
        }
        #expect(audit([first, second], [first.day: first.digest, second.day: second.digest]).isEmpty)

        var forgedHead = head
        forgedHead.hash = HistoryHashing.sha256(Array("forged".utf8))
        let forgedFirst = Self.record("2026-10-19", previous: nil, heads: [forgedHead])
        let forged = audit([forgedFirst, Self.record("2026-10-20", previous: forgedFirst, heads: [])], [first.day: first.digest])
        #expect(forged.map(\.description).contains("digest of 2026-10-19: the database's digest differs from the kept copy: the history or its digest was rewritten"))
        #expect(forged.contains { $0.rowID == head.rowID && $0.what.hasPrefix("rewritten") })

        let gone = audit([second], [first.day: first.digest])
        #expect(gone.map(\.description) == [
            "digest of 2026-10-20: it links to the digest of 2026-10-19, but the digest before it is none: a digest was removed or rewritten",
            "digest of 2026-10-19: in the kept copy but not in the database: it was removed",
        ])
    }

    /// The digest sweep sleeps until a day it would digest is over: with 2026-12-05
    /// digested, 12-06 is due at 12-07 00:00 China time; before any digest, the day of the
    /// first history row once it ends; with no history, nothing to wake for.
    @Test func theDigestSweepWakesWhenTheNextDayIsOver() throws {
        let digested = try #require(CalendarDate("2026-12-05"))
        #expect(HistoryDigestSweep.nextDue(lastDay: digested, firstRowAt: nil) == RFC3339.parse("2026-12-07T00:00:00+08:00"))
        let first = try #require(RFC3339.parse("2026-12-06T23:30:00+08:00"))
        #expect(HistoryDigestSweep.nextDue(lastDay: nil, firstRowAt: first) == RFC3339.parse("2026-12-07T00:00:00+08:00"))
        #expect(HistoryDigestSweep.nextDue(lastDay: nil, firstRowAt: nil) == nil)
    }
}
