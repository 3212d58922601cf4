import Foundation

/// Checks the recorded digests against themselves, against the rows they vouch for and
/// against a copy kept outside the database (`hotline history verify --digest-file`).
public enum HistoryDigestAudit {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var day: CalendarDate
        /// The case and row a head problem is about; nil for the digest itself.
        public var caseID: UUID?
        public var rowID: Int64?
        public var what: String

        public var description: String {
            rowID.map { "row \($0) (the case's head in the digest of \(day)): \(what)" } ?? "digest of \(day): \(what)"
        }
    }

    /// `recorded` in day order; `kept` the copy's digests by day; `storedHash` the hash the
    /// database now holds for a row of a case (nil: no such row), or nil for a head that is
    /// not checked (another case than the one verified).
    public static func problems(
        recorded: [HistoryDigestRecord], kept: [CalendarDate: [UInt8]],
        storedHash: (UUID, Int64) -> [UInt8]??, hash: ([UInt8]) -> [UInt8]
    ) -> [Problem] {
        var problems: [Problem] = []
        var previous: HistoryDigestRecord?
        for record in recorded {
            if record.previousDigest != (previous?.digest ?? HistoryDigest.first) || record.previousDay != previous?.day {
                problems.append(Problem(
                    day: record.day,
                    what: "it links to \(record.previousDay.map { "the digest of \($0)" } ?? "no earlier digest"), but the digest before it is \(previous.map { "that of \($0.day)" } ?? "none"): a digest was removed or rewritten"))
            }
            if hash(HistoryDigest.foldBytes(day: record.day, previous: record.previousDigest, heads: record.heads)) != record.digest {
                problems.append(Problem(day: record.day, what: "its recorded heads no longer fold to its digest: the heads recorded for the day were changed"))
            }
            for head in record.heads {
                switch storedHash(head.caseID, head.rowID) {
                case .none:
                    continue
                case .some(.none):
                    problems.append(Problem(day: record.day, caseID: head.caseID, rowID: head.rowID, what: "removed: the row is not in the history"))
                case let .some(.some(stored)) where stored != head.hash:
                    problems.append(Problem(day: record.day, caseID: head.caseID, rowID: head.rowID, what: "rewritten: its hash is not the one the digest published"))
                default:
                    break
                }
            }
            previous = record
        }
        let recordedByDay = Dictionary(recorded.map { ($0.day, $0.digest) }, uniquingKeysWith: { first, _ in first })
        for (day, digest) in kept.sorted(by: { $0.key < $1.key }) {
            switch recordedByDay[day] {
            case .none:
                problems.append(Problem(day: day, what: "in the kept copy but not in the database: it was removed"))
            case let .some(recorded) where recorded != digest:
                problems.append(Problem(day: day, what: "the database's digest differs from the kept copy: the history or its digest was rewritten"))
            default:
                break
            }
        }
        return problems
    }
}
