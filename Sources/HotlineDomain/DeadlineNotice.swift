import Foundation

/// A clock warning or running out, published on `hotline.cases.v1` exactly once per clock.
public struct DeadlineNotice: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case warning = "deadline.warning"
        case overdue = "deadline.overdue"
    }

    public var kind: Kind
    public var clockID: Int64
    public var obligation: Obligation
    public var round: Int
    /// The unit that must act; nil for the centre's own obligations.
    public var unitID: String?
    public var dueAt: Date
    public var article: String
    /// The due instant was counted on days of a year counted provisionally (no notice yet); it
    /// may still move (`deadline.replanned`).
    public var provisional: Bool

    public init(kind: Kind, clockID: Int64, obligation: Obligation, round: Int, unitID: String?, dueAt: Date, article: String, provisional: Bool) {
        self.kind = kind
        self.clockID = clockID
        self.obligation = obligation
        self.round = round
        self.unitID = unitID
        self.dueAt = dueAt
        self.article = article
        self.provisional = provisional
    }
}
