import Foundation

/// What a clock has to announce at a given instant: each clock warns once and
/// runs out once. A clock whose warning instant was passed together with its due
/// instant (a long outage, a clock jump) announces only that it is overdue.
public struct ClockAnnouncement: Sendable, Equatable {
    public var warn: Bool
    public var overdue: Bool
    public var warnedAt: Date?
    public var overdueAt: Date?
    /// When the clock has something to announce next; nil when it has said everything.
    public var nextFireAt: Date?

    public init(warnAt: Date?, dueAt: Date, warnedAt: Date?, overdueAt: Date?, now: Date) {
        overdue = overdueAt == nil && now >= dueAt
        warn = !overdue && overdueAt == nil && warnedAt == nil && warnAt.map { now >= $0 } == true
        self.warnedAt = warn ? now : warnedAt
        self.overdueAt = overdue ? now : overdueAt
        nextFireAt = Self.nextFire(warnAt: warnAt, dueAt: dueAt, warnedAt: self.warnedAt, overdueAt: self.overdueAt)
    }

    /// When a clock with these instants and announcements has something to announce next:
    /// its warning until it is announced, then its due instant; nil once it ran out.
    public static func nextFire(warnAt: Date?, dueAt: Date, warnedAt: Date?, overdueAt: Date?) -> Date? {
        if overdueAt != nil { return nil }
        if let warnAt, warnedAt == nil { return warnAt }
        return dueAt
    }
}
