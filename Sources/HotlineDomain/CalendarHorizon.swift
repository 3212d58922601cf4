import Foundation

/// How long the official calendar lasts from now, for `hotline status`: the State Council
/// publishes a year's notice in the November or December before it, and operators are
/// warned in time to add it (RUNBOOK "Calendar").
public struct CalendarHorizon: Sendable, Encodable, Equatable {
    /// Warn when the official calendar ends within this many days.
    public static let warningDays = 60

    public var officialThrough: String?
    public var provisionalYears: [Int]
    public var daysLeft: Int
    public var openProvisionalClocks: Int
    public var warning: String?

    public init(calendar: WorkingDayCalendar, now: Date, openProvisionalClocks: Int) {
        let today = CalendarDate(containing: now)
        let last = calendar.lastOfficialDay
        officialThrough = last?.description
        provisionalYears = calendar.provisionalYears
        daysLeft = last.map { Int(($0.endOfDay.timeIntervalSince(today.startOfDay) / 86_400).rounded(.down)) } ?? 0
        self.openProvisionalClocks = openProvisionalClocks
        let next = (last?.year ?? today.year) + 1
        warning = daysLeft < Self.warningDays
            ? "the official calendar ends \(officialThrough ?? "-") (\(daysLeft) days); add Ops/calendars/cn-\(next).yaml from the State Council's notice, check it with `hotline calendar show \(next)`, then run `hotline calendar replan`"
            : nil
    }
}
