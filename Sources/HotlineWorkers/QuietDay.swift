import Foundation
import HotlineDomain
import Synchronization

/// A day on which a daily sweep found nothing left to do (the period reports, the unit
/// review), by this instance or another: it need not look again, not even with a
/// statement, until the next day begins; a clock that leaves the day (the simulated clock
/// set back or on) makes the sweep run again at once. Recorded only by a run that wrote
/// nothing, so a rolled-back run never leaves a day marked quiet.
final class QuietDay: Sendable {
    private let day = Mutex<CalendarDate?>(nil)

    func record(_ quiet: CalendarDate) { day.withLock { $0 = quiet } }

    /// The start of the next day while `now` is on the quiet day; `now` (run now) otherwise.
    func nextDue(now: Date) -> Date {
        guard let quiet = day.withLock({ $0 }), CalendarDate(containing: now) == quiet else { return now }
        return quiet.adding(days: 1).startOfDay
    }
}
