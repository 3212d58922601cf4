import Foundation

/// The supervision rules of a policy as decisions: which lifecycle event opens
/// which supervision, at which rung it starts, when it climbs and what closes it.
public struct Supervisor: Sendable {
    public let policy: Policy
    public let calendar: WorkingDayCalendar

    public init(policy: Policy, calendar: WorkingDayCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    /// A rung to stand on, with when it climbs (nil on the last rung).
    public struct Rung: Sendable, Equatable {
        public var rank: Int
        public var level: EscalationLevel
        public var dueAt: Date?
        /// The rung's deadline falls in a year counted provisionally (no State Council notice yet).
        public var provisional: Bool
    }

    /// Every lifecycle event type that can open or close a supervision under some policy
    /// (`trigger`, `closes`, and `case.accepted` for hot spots); the supervision worker passes
    /// over the others from their `hotline-event-type` header.
    public static let eventTypes: Set<String> = [
        "case.accepted", "case.dispatched", "case.rated", "deadline.overdue",
        LifecycleNotice.Step.returnDenied.rawValue, LifecycleNotice.Step.resultRejected.rawValue,
        LifecycleNotice.Step.leaderAssigned.rawValue, LifecycleNotice.Step.mediaExposed.rawValue,
        LifecycleNotice.Step.resolved.rawValue, LifecycleNotice.Step.closed.rawValue, LifecycleNotice.Step.signed.rawValue,
        LifecycleNotice.Step.resultSubmitted.rawValue, LifecycleNotice.Step.returned.rawValue,
        LifecycleNotice.Step.extensionDenied.rawValue,
    ]

    /// The trigger a lifecycle event stands for, if the policy supervises it; a rating
    /// counts when a case sent back after a 不满意 (发回重办) is rated 不满意 again. `status`
    /// is the case's as the event is read: an overdue case awaiting the decision on its
    /// extension request is not supervised where the rule says so (兰溪 四.4), and is once
    /// the request is denied after the deadline it missed (`handlingDue` before `now`).
    public func trigger(
        forEventType type: String, obligation: String?, rating: String? = nil, reopened: Bool? = nil, status: CaseStatus? = nil,
        handlingDue: Date? = nil, now: Date? = nil
    ) -> SupervisionTriggerRule? {
        if type == "case.rated" {
            return rating == CallbackRating.dissatisfied.rawValue && reopened == true ? rule(for: .repeatDissatisfied) : nil
        }
        let trigger: SupervisionTrigger? = switch (type, obligation) {
        case ("deadline.overdue", Obligation.handling.rawValue?): .overdue
        case ("deadline.overdue", Obligation.sign.rawValue?): .notSigned
        case (LifecycleNotice.Step.returnDenied.rawValue, _): .refusedOrder
        case (LifecycleNotice.Step.resultRejected.rawValue, _): .resultRejected
        case (LifecycleNotice.Step.leaderAssigned.rawValue, _): .leaderAssigned
        case (LifecycleNotice.Step.mediaExposed.rawValue, _): .mediaExposed
        case (LifecycleNotice.Step.extensionDenied.rawValue, _):
            if let handlingDue, let now, handlingDue < now, rule(for: .overdue)?.unlessExtensionRequested == true { .overdue } else { nil }
        default: nil
        }
        guard let rule = trigger.flatMap(rule(for:)) else { return nil }
        if rule.trigger == .overdue, rule.unlessExtensionRequested, status == .extensionRequested { return nil }
        return rule
    }

    public func rule(for trigger: SupervisionTrigger) -> SupervisionTriggerRule? {
        policy.supervision.triggers.first { $0.trigger == trigger }
    }

    /// The supervisions an event ends: all of them when the case is resolved; those
    /// about the unit that held the order when it moves on; not-signed once signed;
    /// a rejected result once a new result is submitted.
    public func closes(onEventType type: String) -> (triggers: Set<SupervisionTrigger>, reason: String)? {
        switch type {
        case LifecycleNotice.Step.resolved.rawValue:
            (SupervisionTrigger.caseTriggers.subtracting([.repeatDissatisfied]), "resolved")
        case LifecycleNotice.Step.closed.rawValue:
            (SupervisionTrigger.caseTriggers, "closed")
        case LifecycleNotice.Step.signed.rawValue:
            ([.notSigned], "signed")
        case LifecycleNotice.Step.resultSubmitted.rawValue:
            ([.resultRejected, .overdue], "result_submitted")
        case LifecycleNotice.Step.returned.rawValue, "case.dispatched":
            ([.notSigned, .overdue, .refusedOrder, .resultRejected], "reassigned")
        default:
            nil
        }
    }

    /// The rung a supervision starts on.
    public func opening(_ rule: SupervisionTriggerRule, at now: Date) throws(CalendarError) -> Rung {
        try rung(rule.startLevel, from: now)
    }

    /// The next rung up, or nil when the supervision already stands on the last one.
    public func climb(from rank: Int, at now: Date) throws(CalendarError) -> Rung? {
        guard rank < policy.supervision.ladder.count else { return nil }
        return try rung(rank + 1, from: now)
    }

    private func rung(_ rank: Int, from now: Date) throws(CalendarError) -> Rung {
        let ladder = policy.supervision.ladder
        let level = ladder[min(max(rank, 1), ladder.count) - 1]
        let due = try level.limit.map { limit throws(CalendarError) in try calendar.due(from: now, limit: limit) }
        return Rung(rank: rank, level: level, dueAt: due, provisional: due.map(calendar.isProvisional) ?? false)
    }
}
