import Foundation

/// Working hours on working days, in Asia/Shanghai. A unit's limit that starts outside them
/// (on a day off, before opening, after closing) starts at the next opening instead: an order
/// received at 23:30 on a Saturday under 宜宾's 「应在当日…退回」 (第十一条（三）) is the unit's to
/// return on Monday, not within 29 minutes, since 「工作人员在工作时间内」 handle it
/// (第十一条（一）). Urgent limits (立即) never move.
public struct WorkingTime: Sendable, Equatable {
    /// Minutes after midnight.
    public var opensAt: Int
    public var closesAt: Int

    /// Nil for a malformed time, which `Policy.problems()` refuses at load.
    public init?(opens: String, closes: String) {
        guard let opensAt = Self.minutes(opens), let closesAt = Self.minutes(closes), opensAt < closesAt else { return nil }
        self.opensAt = opensAt
        self.closesAt = closesAt
    }

    /// Minutes after midnight of `HH:MM`; nil when it is not a clock time.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return hour * 60 + minute
    }

    /// `instant`, or the next opening when it falls outside working time.
    public func start(of instant: Date, calendar: WorkingDayCalendar) throws(CalendarError) -> Date {
        var day = CalendarDate(containing: instant)
        let minute = Int(instant.timeIntervalSince(day.startOfDay) / 60)
        if try calendar.isWorkingDay(day), minute >= opensAt, minute < closesAt { return instant }
        if try !calendar.isWorkingDay(day) || minute >= closesAt {
            repeat { day = day.adding(days: 1) } while try !calendar.isWorkingDay(day)
        }
        return day.startOfDay.addingTimeInterval(Double(opensAt) * 60)
    }
}

extension Policy {
    /// Where a unit's limit starts counting: in the policy's working time, if it has one,
    /// except an urgent limit (立即), which never waits for office hours.
    public func countingStart(of obligation: Obligation, urgent: Bool, at instant: Date, calendar: WorkingDayCalendar) throws(CalendarError) -> Date {
        let unitObligations: Set<Obligation> = [.sign, .returnWindow, .handling]
        guard unitObligations.contains(obligation), let working = serviceHours.workingTime,
              !(urgent && rule(for: obligation)?.urgent != nil) else { return instant }
        return try working.start(of: instant, calendar: calendar)
    }
}
