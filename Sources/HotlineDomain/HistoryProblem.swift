/// Something `hotline history verify` found wrong in a case's chain, at a row.
public struct HistoryProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The row's content no longer matches its hash: it was changed after it was written.
        case changed
        /// The row links to a predecessor that is not there: the row before it was removed
        /// (or rewritten, hash and all); nil: the row is its case's first but links to one.
        case removedBefore(previousRowID: Int64?)
        /// The row links past rows written after its predecessor: those rows were inserted.
        case inserted(rowIDs: [Int64], linkedTo: Int64)
        /// The database's recorded head is not the chain's last row: rows were removed from
        /// the end (nil: every row of the case is gone).
        case headMissing(lastRowID: Int64?)
    }

    public var rowID: Int64
    public var kind: Kind

    public init(rowID: Int64, kind: Kind) {
        self.rowID = rowID
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .changed:
            "row \(rowID): changed: its content no longer matches its hash"
        case .removedBefore(nil):
            "row \(rowID): removed before it: it links to a predecessor, but it is the case's first row"
        case let .removedBefore(previousRowID?):
            "row \(rowID): removed before it: it links to a row that is not there, not to row \(previousRowID) (a row between them was removed, or row \(previousRowID) was rewritten with its hash)"
        case let .inserted(rowIDs, linkedTo):
            "row\(rowIDs.count == 1 ? "" : "s") \(rowIDs.map(String.init).joined(separator: ", ")): inserted out of order: row \(rowID) links to row \(linkedTo), past \(rowIDs.count == 1 ? "it" : "them")"
        case let .headMissing(lastRowID?):
            "row \(rowID): removed: the case's recorded head is missing; the chain now ends at row \(lastRowID)"
        case .headMissing(nil):
            "row \(rowID): removed: the case's recorded head is missing and the case has no history left"
        }
    }
}
