import Foundation

/// Which message the citizen gets for a step of their case (巴林左旗 第二十四条 the right to
/// know progress and result; 鄂尔多斯 第十九条（八） an extension is told; 兰溪 四.3 a
/// confidential caller hears the result from the centre; 长沙 第二十二条（二） and 宜宾 第十一条（二）2（2）
/// an interim reply's committed date is told). Steps the caller need not hear
/// of (signing, returns, reviews, deadlines) get none.
public struct NotificationPlanner: Sendable {
    public let policy: Policy

    public init(policy: Policy) {
        self.policy = policy
    }

    var rules: NotificationRules { policy.notifications }

    /// The `hotline.cases.v1` event types a notification may follow.
    public static let eventTypes: Set<String> = [
        "case.accepted", LifecycleNotice.Step.extended.rawValue, LifecycleNotice.Step.interimReplied.rawValue,
        LifecycleNotice.Step.resolved.rawValue,
    ]

    /// The notification a lifecycle event calls for; nil when the caller is not told of it.
    /// `result` is the approved result, read for `case.resolved`.
    public func plan(for event: CaseEventFacts, confidential: Bool, result: HandlingResult?) -> NotificationPlan? {
        switch event.type {
        case "case.accepted":
            return NotificationPlan(content: .accepted, article: rules.article)
        case LifecycleNotice.Step.extended.rawValue:
            guard event.callerToBeTold == true, let due = event.handlingDue else { return nil }
            return NotificationPlan(content: .extended(handlingDue: due), article: event.article ?? policy.lifecycle.extensions.article)
        case LifecycleNotice.Step.interimReplied.rawValue:
            guard event.callerToBeTold == true, let date = event.committedDate else { return nil }
            return NotificationPlan(content: .interimReply(committedDate: date), article: event.article ?? policy.lifecycle.interimReply.article)
        case LifecycleNotice.Step.resolved.rawValue:
            guard let result else { return nil }
            // 兰溪 四.3: the unit never contacts a confidential caller; the centre replies.
            let sender: NotificationSender = confidential ? .centre : rules.resultSender
            return NotificationPlan(content: .result(result, sender: sender), article: rules.resultArticle)
        default:
            return nil
        }
    }

    /// The caller is told a callback task was issued and will ask for a rating.
    public func callbackRequest(taskID: UUID, channel: CallbackChannel) -> NotificationPlan {
        NotificationPlan(content: .callbackRequest(taskID: taskID, channel: channel), article: policy.callbacks.article)
    }
}
