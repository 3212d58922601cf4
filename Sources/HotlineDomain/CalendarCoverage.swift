import Foundation

/// How far ahead a worker's calendar must reach: a case accepted now must be able to
/// run its whole course (sign, handling, the largest extension, every supervision rung)
/// without a clock it cannot count (DESIGN.md "no case ever runs without its clocks").
/// A worker whose calendar, official plus provisional, falls short refuses to start.
public struct CalendarCoverage: Sendable, Equatable, CustomStringConvertible {
    public var sign: Int
    public var handling: Int
    public var extensions: Int
    public var ladder: Int

    /// The longest chain of limits a policy can produce, in working days (same day counts
    /// 0, hours as whole days). An extension with no set length counts as a second handling limit.
    public init(policy: Policy) {
        func days(_ limit: TimeLimit?) -> Int {
            switch limit {
            case let .workingDays(count)?: count
            case let .hours(hours)?: (hours + 23) / 24
            case .sameDay?, nil: 0
            }
        }
        func longest(_ obligation: Obligation) -> Int { policy.rule(for: obligation)?.allLimits.map(days).max() ?? 0 }
        sign = policy.rule(for: .handling)?.from == "sign" ? longest(.sign) : 0
        handling = longest(.handling)
        let rule = policy.lifecycle.extensions
        let interim = policy.lifecycle.interimReply
        extensions = max(
            rule.allowed ? (rule.maxWorkingDays ?? handling) * (rule.maxCount ?? 1) : 0,
            interim.allowed && interim.movesDeadline ? (interim.maxWorkingDays ?? handling) : 0)
        ladder = policy.supervision.ladder.map { days($0.limit) }.reduce(0, +)
    }

    public var workingDays: Int { sign + handling + extensions + ladder }

    /// The instant the longest chain reaches from `now`; throws naming the year the calendar lacks.
    public func reach(from now: Date, calendar: WorkingDayCalendar) throws(CalendarError) -> Date {
        try calendar.due(from: now, limit: .workingDays(max(workingDays, 1)))
    }

    public var description: String {
        "\(workingDays) working days: sign \(sign) + handling \(handling) + extension \(extensions) + supervision ladder \(ladder)"
    }
}
