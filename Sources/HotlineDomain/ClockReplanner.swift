import Foundation

/// An open clock as `case_clocks` keeps it, with what its count rests on.
public struct CountedClock: Sendable, Equatable {
    public var id: Int64
    public var caseID: UUID
    public var caseNumber: String
    public var policy: CaseEvent.PolicyRef
    public var round: Int
    public var obligation: Obligation
    public var unitID: String?
    /// Where the count starts: the clock's start, or for a named date where its warning is counted from.
    public var countedFrom: Date
    /// The limit counted; nil for a date a party named (an approved extension, a committed
    /// date), which a recount never moves: only its warning is counted again.
    public var limit: TimeLimit?
    public var dueAt: Date
    public var warnAt: Date?
    public var warnedAt: Date?
    public var overdueAt: Date?
    public var basis: String

    public init(
        id: Int64, caseID: UUID, caseNumber: String, policy: CaseEvent.PolicyRef, round: Int, obligation: Obligation, unitID: String?,
        countedFrom: Date, limit: TimeLimit?, dueAt: Date, warnAt: Date?, warnedAt: Date?, overdueAt: Date?, basis: String
    ) {
        self.id = id
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.policy = policy
        self.round = round
        self.obligation = obligation
        self.unitID = unitID
        self.countedFrom = countedFrom
        self.limit = limit
        self.dueAt = dueAt
        self.warnAt = warnAt
        self.warnedAt = warnedAt
        self.overdueAt = overdueAt
        self.basis = basis
    }
}

/// A clock counted again on the calendar in force now.
public struct ClockRecount: Sendable, Equatable {
    public var clock: CountedClock
    public var dueAt: Date
    public var warnAt: Date?
    /// What the deadline sweep announces next, and when; nil when nothing is left to announce.
    public var nextFireAt: Date?
    public var basis: CalendarBasis
    /// The article that sets the limit, for the `deadline.replanned` event.
    public var article: String

    public init(clock: CountedClock, dueAt: Date, warnAt: Date?, nextFireAt: Date?, basis: CalendarBasis, article: String) {
        self.clock = clock
        self.dueAt = dueAt
        self.warnAt = warnAt
        self.nextFireAt = nextFireAt
        self.basis = basis
        self.article = article
    }

    /// The due instant or the warning changed, not only the basis.
    public var moved: Bool { dueAt != clock.dueAt || warnAt != clock.warnAt }
}

/// Recounts the clocks that were counted on days of a year counted provisionally, once
/// that year's State Council notice is added (DESIGN.md "recounted when its notice is
/// added"). Announcements already made stand: `hotline.cases.v1` promises one warning
/// and one overdue at most per clock, so a warning or an overdue already announced is
/// neither withdrawn nor repeated when the instant moves. What is still to announce
/// fires at its new instant, and at once (the next sweep) where that instant has already
/// passed. The assessment judges the obligation against the due instant in force when
/// it is met.
public struct ClockReplanner: Sendable {
    public let policy: Policy
    public let calendar: WorkingDayCalendar

    public init(policy: Policy, calendar: WorkingDayCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    /// The recount of one clock; nil when nothing would change (the same instants, and
    /// still counted provisionally), so replanning twice changes nothing the second time.
    public func recount(_ clock: CountedClock) throws(CalendarError) -> ClockRecount? {
        let dueAt = try clock.limit.map { limit throws(CalendarError) in try calendar.due(from: clock.countedFrom, limit: limit) } ?? clock.dueAt
        // A clock started without a warning (a callback, a limit with no room to warn) keeps none.
        let warnAt = try clock.warnAt == nil ? nil : policy.lifecycle.warning.instant(
            for: clock.limit ?? .workingDays(1), due: dueAt, startedAt: clock.countedFrom, calendar: calendar)
        let basis = calendar.basis(from: clock.countedFrom, to: dueAt, limit: clock.limit)
        if dueAt == clock.dueAt, warnAt == clock.warnAt, basis.isProvisional { return nil }
        return ClockRecount(
            clock: clock, dueAt: dueAt, warnAt: warnAt,
            nextFireAt: ClockAnnouncement.nextFire(warnAt: warnAt, dueAt: dueAt, warnedAt: clock.warnedAt, overdueAt: clock.overdueAt), basis: basis,
            article: policy.rule(for: clock.obligation)?.article ?? policy.lifecycle.warning.article)
    }
}

/// A clock's due instant recounted (`deadline.replanned` on `hotline.cases.v1`), so the
/// unit, monitoring and the assessment learn the new instant.
public struct ReplanNotice: Sendable, Equatable {
    public var clockID: Int64
    public var obligation: Obligation
    public var round: Int
    public var unitID: String?
    public var previousDueAt: Date
    public var dueAt: Date
    public var provisional: Bool
    public var calendarBasis: String
    public var article: String

    public init(_ recount: ClockRecount) {
        clockID = recount.clock.id
        obligation = recount.clock.obligation
        round = recount.clock.round
        unitID = recount.clock.unitID
        previousDueAt = recount.clock.dueAt
        dueAt = recount.dueAt
        provisional = recount.basis.isProvisional
        calendarBasis = recount.basis.description
        article = recount.article
    }
}
