import Foundation

/// The unit triggers as decisions: which working days a review counts, which units fall
/// below the `low_rates` thresholds (巴林左旗 第十五条（七）) and which uploaded knowledge late
/// more often than `knowledge_late` allows (第十五条（八）).
public struct UnitRateReview: Sendable {
    public let rule: SupervisionTriggerRule
    public let calendar: WorkingDayCalendar

    public init(rule: SupervisionTriggerRule, calendar: WorkingDayCalendar) {
        self.rule = rule
        self.calendar = calendar
    }

    /// The review day is the working day containing `now`; nil on a rest day, when
    /// no unit is expected to have acted since the last review.
    public func reviewDay(at now: Date) throws(CalendarError) -> CalendarDate? {
        let today = CalendarDate(containing: now)
        return try calendar.isWorkingDay(today) ? today : nil
    }

    public func window(before reviewDay: CalendarDate) throws(CalendarError) -> ReviewWindow {
        var day = reviewDay
        var lastDay: CalendarDate?
        var counted = 0
        while counted < max(rule.windowWorkingDays ?? 1, 1) {
            day = day.adding(days: -1)
            if try calendar.isWorkingDay(day) {
                counted += 1
                lastDay = lastDay ?? day
            }
        }
        return ReviewWindow(firstDay: day, lastDay: lastDay ?? day)
    }

    /// The thresholds a unit's figures fall below; empty when it meets them all.
    public func shortfalls(_ rates: UnitRates) -> [UnitRateShortfall] {
        var found: [UnitRateShortfall] = []
        if let minimum = rule.minResponseRate, rates.ordersDue >= (rule.minimumOrders ?? 1),
           let rate = rates.responseRate, rate < minimum
        {
            found.append(.responseRate)
        }
        if let most = rule.maxOverdueOrders, rates.overdueOrders > most {
            found.append(.overdueOrders)
        }
        return found
    }

    /// The figures a supervision event carries, so a reader sees why without a query.
    public func figures(_ rates: UnitRates, window: ReviewWindow) -> UnitRateFigures {
        UnitRateFigures(
            windowFrom: window.firstDay.description, windowTo: window.lastDay.description, ordersDue: rates.ordersDue,
            signedInTime: rates.signedInTime, responseRate: rates.responseRate.map { ($0 * 10_000).rounded() / 10_000 },
            minResponseRate: rule.minResponseRate, overdueOrders: rates.overdueOrders, maxOverdueOrders: rule.maxOverdueOrders,
            below: shortfalls(rates))
    }

    /// A unit's late uploads in the window against the rule's `max_late_uploads`.
    public func knowledgeFigures(lateUploads: Int, window: ReviewWindow) -> KnowledgeLateFigures {
        KnowledgeLateFigures(
            windowFrom: window.firstDay.description, windowTo: window.lastDay.description, lateUploads: lateUploads,
            maxLateUploads: rule.maxLateUploads ?? 0)
    }
}

/// The working days a review counts clocks over: the `window_working_days` working
/// days before the review day, from the start of the first to the end of the last.
public struct ReviewWindow: Sendable, Equatable {
    public var firstDay: CalendarDate
    public var lastDay: CalendarDate

    public var since: Date { firstDay.startOfDay }
    public var until: Date { lastDay.endOfDay }
}
