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
    /// The deadline moves to a date a party named (extension approved, date committed);
    /// its warning is counted back from it, from `countedFrom` on.
    case move(Obligation, dueAt: Date, warnAt: Date?, countedFrom: Date, basis: CalendarBasis)
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
    /// The limit counted from `startedAt` to `dueAt`, kept so the clock can be recounted.
    public var limit: TimeLimit
    /// The notices (or provisional years) the count rests on.
    public var basis: CalendarBasis

    public init(obligation: Obligation, unitID: String?, startedAt: Date, dueAt: Date, warnAt: Date?, limit: TimeLimit, basis: CalendarBasis) {
        self.obligation = obligation
        self.unitID = unitID
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.warnAt = warnAt
        self.limit = limit
        self.basis = basis
    }
}
