import Foundation

/// One day's digest of the history (docs/CONTRACTS.md "hotline.history-digests.v1"): the
/// heads of every case whose chain moved since the previous digest, folded with that
/// digest, so a copy of the latest digest kept outside the database vouches for every row
/// any digest covered (长沙 第二十七条: the history is a rating appeal's evidence).
public enum HistoryDigest {
    /// The previous digest of the first day digested.
    public static let first = [UInt8](repeating: 0, count: 32)
    static let domain = Array("hotline.history-digest.v1".utf8)

    /// The bytes hashed (SHA-256) for `day`: the domain tag, the day as `YYYY-MM-DD`, the
    /// previous digest (32 bytes), the number of heads (uint64 big-endian), then each head in
    /// ascending case id byte order: case id (16 bytes), row id (int64 big-endian), hash (32 bytes).
    public static func foldBytes(day: CalendarDate, previous: [UInt8], heads: [HistoryHead]) -> [UInt8] {
        var bytes = domain + Array(day.description.utf8) + previous + HistoryChain.bigEndian(UInt64(heads.count))
        for head in sorted(heads) {
            withUnsafeBytes(of: head.caseID.uuid) { bytes += $0 }
            bytes += HistoryChain.bigEndian(head.rowID) + head.hash
        }
        return bytes
    }

    /// Heads in ascending case id byte order (PostgreSQL's order of uuid).
    public static func sorted(_ heads: [HistoryHead]) -> [HistoryHead] {
        heads.sorted { lhs, rhs in
            withUnsafeBytes(of: lhs.caseID.uuid) { l in withUnsafeBytes(of: rhs.caseID.uuid) { r in l.lexicographicallyPrecedes(r) } }
        }
    }
}
