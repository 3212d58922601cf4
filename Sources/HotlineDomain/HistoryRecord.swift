import Foundation

/// One `case_history` row as stored (migration 0026): what its hash covers, and the two
/// hashes it carries. A case's history is the evidence in an assessment and in a rating
/// appeal (长沙 第二十七条「责任单位可在5个工作日内提供佐证材料发起满意度申诉」).
public struct HistoryRecord: Sendable, Equatable {
    public var id: Int64
    public var caseID: UUID
    /// `at` in microseconds since 1970-01-01T00:00:00Z, as PostgreSQL keeps a timestamptz.
    public var atMicroseconds: Int64
    public var actor: String
    public var action: String
    /// `detail` as PostgreSQL prints the stored jsonb (its canonical text); sealed parts
    /// stay sealed, so destroying a case's data key leaves the chain valid.
    public var detail: String
    public var eventID: String?
    public var previousHash: [UInt8]
    public var hash: [UInt8]

    public init(
        id: Int64, caseID: UUID, atMicroseconds: Int64, actor: String, action: String, detail: String, eventID: String?,
        previousHash: [UInt8], hash: [UInt8]
    ) {
        self.id = id
        self.caseID = caseID
        self.atMicroseconds = atMicroseconds
        self.actor = actor
        self.action = action
        self.detail = detail
        self.eventID = eventID
        self.previousHash = previousHash
        self.hash = hash
    }
}
