import Foundation
import HotlineDomain
import Testing

/// Each clock warns once and runs out once, whatever the sweeps' timing.
@Suite struct ClockAnnouncementTests {
    let warnAt = Date(timeIntervalSince1970: 1_000)
    let dueAt = Date(timeIntervalSince1970: 2_000)

    @Test func warnsOnceBetweenWarningAndDue() {
        let first = ClockAnnouncement(warnAt: warnAt, dueAt: dueAt, warnedAt: nil, overdueAt: nil, now: Date(timeIntervalSince1970: 1_500))
        #expect(first.warn && !first.overdue && first.nextFireAt == dueAt)
        let again = ClockAnnouncement(warnAt: warnAt, dueAt: dueAt, warnedAt: first.warnedAt, overdueAt: nil, now: Date(timeIntervalSince1970: 1_600))
        #expect(!again.warn && !again.overdue)
    }

    @Test func runsOutOnceAndThenHasNothingLeft() {
        let overdue = ClockAnnouncement(warnAt: warnAt, dueAt: dueAt, warnedAt: warnAt, overdueAt: nil, now: dueAt)
        #expect(overdue.overdue && !overdue.warn && overdue.nextFireAt == nil)
        let later = ClockAnnouncement(warnAt: warnAt, dueAt: dueAt, warnedAt: warnAt, overdueAt: dueAt, now: Date(timeIntervalSince1970: 9_000))
        #expect(!later.overdue && !later.warn)
    }

    /// A clock jump past both instants announces only the overdue: a warning after the fact helps no one.
    @Test func jumpPastBothAnnouncesOnlyOverdue() {
        let jump = ClockAnnouncement(warnAt: warnAt, dueAt: dueAt, warnedAt: nil, overdueAt: nil, now: Date(timeIntervalSince1970: 5_000))
        #expect(jump.overdue && !jump.warn && jump.warnedAt == nil)
    }
}
