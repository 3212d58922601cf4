import Foundation

/// The per-case hash chain of the history (docs/CONTRACTS.md "Case history chain"): each
/// row's hash is SHA-256 over `rowBytes`, its predecessor's hash included, so a row changed,
/// removed or inserted after it was written breaks the chain where it happened. This is the
/// reference definition: `hotline history verify` applies it to every row, and the database's
/// writer (`case_history_row_hash`, migration 0026) is checked against it, because a verifier
/// must not rest on a function the owner role can redefine.
public enum HistoryChain {
    /// The predecessor of a case's first row.
    public static let genesis = [UInt8](repeating: 0, count: 32)
    static let domain = Array("hotline.case-history.v1".utf8)

    /// The bytes hashed for a row: the domain tag, the predecessor's hash (32 bytes), the case
    /// id (16 bytes), `at` (microseconds, int64 big-endian), actor, action and detail (each a
    /// uint32 big-endian byte count and the UTF-8 bytes), and the event id (0x00 when there is
    /// none, else 0x01 and the same length-prefixed form).
    public static func rowBytes(previous: [UInt8], of record: HistoryRecord) -> [UInt8] {
        var bytes = domain + previous
        withUnsafeBytes(of: record.caseID.uuid) { bytes += $0 }
        bytes += bigEndian(record.atMicroseconds)
        for text in [record.actor, record.action, record.detail] { bytes += lengthPrefixed(text) }
        if let eventID = record.eventID {
            bytes += [1] + lengthPrefixed(eventID)
        } else {
            bytes.append(0)
        }
        return bytes
    }

    /// What is wrong with one case's rows (in id order): each row's hash must cover its
    /// content and the hash it links to, and it must link to the row before it (the first
    /// row to `genesis`). `head` is the head the database keeps for the case, if any.
    public static func problems(
        in rows: [HistoryRecord], head: HistoryHead?, hash: ([UInt8]) -> [UInt8]
    ) -> [HistoryProblem] {
        var problems: [HistoryProblem] = []
        var earlier: [[UInt8]: Int64] = [:]
        for (index, row) in rows.enumerated() {
            if hash(rowBytes(previous: row.previousHash, of: row)) != row.hash {
                problems.append(HistoryProblem(rowID: row.id, kind: .changed))
            }
            let expected = index == 0 ? genesis : rows[index - 1].hash
            if row.previousHash != expected {
                if index > 0, let linked = earlier[row.previousHash] {
                    let skipped = rows[(rows.firstIndex { $0.id > linked } ?? index)..<index].map(\.id)
                    problems.append(HistoryProblem(rowID: row.id, kind: .inserted(rowIDs: skipped, linkedTo: linked)))
                } else if index == 0 {
                    problems.append(HistoryProblem(rowID: row.id, kind: .removedBefore(previousRowID: nil)))
                } else {
                    problems.append(HistoryProblem(rowID: row.id, kind: .removedBefore(previousRowID: rows[index - 1].id)))
                }
            }
            earlier[row.hash] = row.id
        }
        if let head, let last = rows.last, head.rowID != last.id || head.hash != last.hash {
            problems.append(HistoryProblem(rowID: head.rowID, kind: .headMissing(lastRowID: last.id)))
        } else if let head, rows.isEmpty {
            problems.append(HistoryProblem(rowID: head.rowID, kind: .headMissing(lastRowID: nil)))
        }
        return problems
    }

    static func lengthPrefixed(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return bigEndian(UInt32(utf8.count)) + utf8
    }

    static func bigEndian<Integer: FixedWidthInteger>(_ value: Integer) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
