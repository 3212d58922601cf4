import Foundation

/// The centre's own reply when the operator found nothing in the knowledge base:
/// 长沙 第十六条（一）「未查找到相关信息的,可在取得诉求人同意后,通过三方通话、短信回复或回拨电话等方式在1个
/// 工作日内进行答复」. It is the centre's obligation (第十六条 sets it among the 在线办理事项 the
/// centre settles itself, apart from （二）「转办事项,无法当场给予答复的诉求,按责转交责任单位限期办理」),
/// so no unit is sent the case: the clock has no unit, the centre's `reply` meets it, and a
/// `redispatch` hands the matter to a unit after all (the clock is then cancelled).
public struct ReplyObligation: Sendable {
    public let policy: Policy
    public let calendar: WorkingDayCalendar

    public init(policy: Policy, calendar: WorkingDayCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    /// The reply clock from acceptance; nil where the policy sets no `limits.reply`.
    public func clock(category: CategoryCode, urgent: Bool, acceptedAt: Date) throws(CalendarError) -> ClockPlan? {
        guard let rule = policy.rule(for: .reply) else { return nil }
        let limit = rule.limit(category: category, urgent: urgent, source: nil)
        let due = try calendar.due(from: acceptedAt, limit: limit)
        return ClockPlan(
            obligation: .reply, unitID: nil, startedAt: acceptedAt, dueAt: due,
            warnAt: try policy.lifecycle.warning.instant(for: limit, due: due, startedAt: acceptedAt, calendar: calendar),
            limit: limit, basis: calendar.basis(from: acceptedAt, to: due, limit: limit))
    }
}
