import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// What `hotline history verify` found: each problem names the case, the row and what is wrong.
public struct HistoryVerification: Sendable {
    public var cases = 0
    public var rows = 0
    public var digests = 0
    public var problems: [String] = []
}

/// Recomputes every chain (or one case's) with the reference definition (`HistoryChain`),
/// checks the recorded daily digests against the rows they vouch for, and the recorded
/// digests against a copy kept outside the database. Nothing the database holds is trusted:
/// neither its hashes nor its functions (the owner role can redefine them).
public enum HistoryVerifier {
    public static func verify(
        caseNumber: String?, kept: [CalendarDate: [UInt8]], client: PostgresClient, logger: Logger
    ) async throws -> HistoryVerification {
        var result = HistoryVerification()
        let digests = try await HistoryChainStore.digests(client: client, logger: logger)
        result.digests = digests.count
        var wanted: Set<HeadKey> = []
        for digest in digests { for head in digest.heads { wanted.insert(HeadKey(caseID: head.caseID, rowID: head.rowID)) } }
        var heads: [UUID: (head: HistoryHead, caseNumber: String)] = [:]
        for entry in try await HistoryChainStore.heads(caseNumber: caseNumber, client: client, logger: logger) {
            heads[entry.head.caseID] = entry
        }
        var numbers: [UUID: String] = [:]
        var storedHashes: [HeadKey: [UInt8]] = [:]
        var problems: [String] = []
        try await HistoryChainStore.eachChain(caseNumber: caseNumber, client: client, logger: logger) { caseID, number, rows in
            result.cases += 1
            result.rows += rows.count
            numbers[caseID] = number
            for row in rows where wanted.contains(HeadKey(caseID: caseID, rowID: row.id)) {
                storedHashes[HeadKey(caseID: caseID, rowID: row.id)] = row.hash
            }
            for problem in HistoryChain.problems(in: rows, head: heads[caseID]?.head, hash: HistoryHashing.sha256) {
                problems.append("case \(number): \(problem)")
            }
        }
        for (caseID, entry) in heads where numbers[caseID] == nil {
            numbers[caseID] = entry.caseNumber
            for problem in HistoryChain.problems(in: [], head: entry.head, hash: HistoryHashing.sha256) {
                problems.append("case \(entry.caseNumber): \(problem)")
            }
        }
        let audit = HistoryDigestAudit.problems(
            recorded: digests, kept: kept,
            storedHash: { caseID, rowID in
                guard caseNumber == nil || numbers[caseID] != nil else { return .none }
                return .some(storedHashes[HeadKey(caseID: caseID, rowID: rowID)])
            },
            hash: HistoryHashing.sha256)
        for problem in audit {
            if let caseID = problem.caseID {
                problems.append("case \(numbers[caseID] ?? caseID.uuidString.lowercased()): \(problem)")
            } else {
                problems.append("\(problem)")
            }
        }
        result.problems = problems
        return result
    }

    struct HeadKey: Hashable {
        var caseID: UUID
        var rowID: Int64
    }
}
