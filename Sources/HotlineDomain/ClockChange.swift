import Foundation

/// A change to a case's durable deadline clocks, applied in the same transaction as
/// the state change that causes it.
public enum ClockChange: Sendable, Equatable {
    /// Starts a clock for the round (replacing an earlier one of the same obligation).
    case start(ClockPlan)
    /// The obligation is met: the clock stops and counts as on time or late.
    case meet(Obligation, at: Date)
    /// The clock no longer applies (the order moved to another unit).
    case cancel(Obligation)
    /// A met clock runs again with its old deadline (a result sent back).
    case resume(Obligation)
    /// The deadline moves (extension approved, date committed).
    case move(Obligation, dueAt: Date, warnAt: Date?)
    /// Every open clock of the round stops (re-dispatch, return approved).
    case cancelAll
}

/// A clock to start: who must do what by when, and when to warn them.
public struct ClockPlan: Sendable, Equatable {
    public var obligation: Obligation
    /// The unit that must act; nil for the centre's own obligations (review).
    public var unitID: String?
    public var startedAt: Date
    public var dueAt: Date
    public var warnAt: Date?

    public init(obligation: Obligation, unitID: String?, startedAt: Date, dueAt: Date, warnAt: Date?) {
        self.obligation = obligation
        self.unitID = unitID
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.warnAt = warnAt
    }
}
