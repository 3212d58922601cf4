import Foundation

/// A case's chain head: its last history row and that row's hash.
public struct HistoryHead: Sendable, Equatable {
    public var caseID: UUID
    public var rowID: Int64
    public var hash: [UInt8]

    public init(caseID: UUID, rowID: Int64, hash: [UInt8]) {
        self.caseID = caseID
        self.rowID = rowID
        self.hash = hash
    }
}
