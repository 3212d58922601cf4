import Foundation

/// A callback task to issue: which attempt, on which channel, who calls, by when it
/// must be made, and until when an automatic one waits for the citizen's answer.
public struct CallbackTaskPlan: Sendable, Equatable {
    public var attempt: Int
    public var channel: CallbackChannel
    /// The unit that calls; nil when the centre does.
    public var performerUnitID: String?
    public var dueAt: Date
    public var answerBy: Date?
    /// The limit `dueAt` was counted with, kept on the callback clock for a recount.
    public var limit: TimeLimit
    /// `dueAt` was counted on days of a year without its State Council notice yet.
    public var dueProvisional = false
    /// The instant `dueAt` was counted from (the approval, or the unit's result where the
    /// policy counts from it); nil until the planner counts it.
    public var countedFrom: Date?

    public init(attempt: Int, channel: CallbackChannel, performerUnitID: String?, dueAt: Date, answerBy: Date?, limit: TimeLimit) {
        self.attempt = attempt
        self.channel = channel
        self.performerUnitID = performerUnitID
        self.dueAt = dueAt
        self.answerBy = answerBy
        self.limit = limit
    }
}

/// Where the rating on a case came from.
public enum RatingSource: String, Sendable, Codable, Equatable {
    /// The citizen gave it.
    case caller
    /// The policy gave it to an unanswered automatic callback (长沙 第二十六条 「视为基本满意」).
    case deemed
}

/// An open task as the planner judges a result or an expiry against it.
public struct OpenCallbackTask: Sendable, Equatable {
    public var attempt: Int
    public var channel: CallbackChannel
    public var performerUnitID: String?

    public init(attempt: Int, channel: CallbackChannel, performerUnitID: String?) {
        self.attempt = attempt
        self.channel = channel
        self.performerUnitID = performerUnitID
    }
}

/// What a result or an expired answer window does to a task.
public enum CallbackDecision: Sendable, Equatable {
    /// The case's rating for this round is final.
    case rated(CallbackRating, resolved: Bool?, source: RatingSource)
    /// The task ends (with the automatic rating, if any, kept on it) and a manual
    /// callback follows (长沙 第二十六条: an automatic 不满意 is called again by a person).
    case followUp(automaticRating: CallbackRating?, CallbackTaskPlan)
    /// Nobody answered yet; the task stays open.
    case stillOpen
}

/// The callback rules of a policy as decisions (长沙 第二十五、二十六条; 鄂尔多斯 第二十一条;
/// 巴林左旗 第十七条; 兰溪 四.5; 宜宾 第十一条（五）2).
public struct CallbackPlanner: Sendable {
    public let policy: Policy
    public let calendar: WorkingDayCalendar

    public init(policy: Policy, calendar: WorkingDayCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    var rules: CallbackRules { policy.callbacks }

    /// The first callback once the centre approved the result: due within
    /// `limits.callback`, counted from the approval or, where the policy's `from` is
    /// `submit`, from the unit's result (鄂尔多斯 第二十一条 「收到承办单位的办理结果反馈后…回访时间不超过
    /// 一个工作日」); a confidential caller is called by the centre even where the unit
    /// calls back (兰溪 四.3: the unit never learns who called).
    public func firstTask(approvedAt: Date, submittedAt: Date?, leadUnitID: String?, confidential: Bool) throws(CalendarError) -> CallbackTaskPlan {
        let rule = policy.rule(for: .callback)
        let limit = rule?.default ?? .workingDays(1)
        let countedFrom = rule?.from == "submit" ? min(submittedAt ?? approvedAt, approvedAt) : approvedAt
        let performer = rules.performer == .unit && !confidential ? leadUnitID : nil
        let answerBy = try rules.firstChannel.isAutomatic ? rules.answerWindow.map { limit throws(CalendarError) in
            try calendar.due(from: approvedAt, limit: limit)
        } : nil
        return counted(CallbackTaskPlan(
            attempt: 1, channel: rules.firstChannel, performerUnitID: performer,
            dueAt: try calendar.due(from: countedFrom, limit: limit), answerBy: answerBy, limit: limit), from: countedFrom)
    }

    /// A result on an open task.
    public func decide(_ result: CallbackResult, on task: OpenCallbackTask, now: Date) throws(CalendarError) -> CallbackDecision {
        guard result.outcome == .answered, let rating = result.rating else { return .stillOpen }
        if task.channel.isAutomatic, rating == .dissatisfied {
            return .followUp(automaticRating: rating, try followUp(after: task, now: now))
        }
        return .rated(rating, resolved: result.resolved, source: .caller)
    }

    /// An automatic task whose answer window passed unanswered.
    public func expire(_ task: OpenCallbackTask, now: Date) throws(CalendarError) -> CallbackDecision {
        switch rules.unanswered {
        case .basicallySatisfied?: .rated(.basicallySatisfied, resolved: nil, source: .deemed)
        case .manualCallback?, nil: .followUp(automaticRating: nil, try followUp(after: task, now: now))
        }
    }

    private func followUp(after task: OpenCallbackTask, now: Date) throws(CalendarError) -> CallbackTaskPlan {
        let limit = rules.followUpLimit ?? .workingDays(1)
        return counted(CallbackTaskPlan(
            attempt: task.attempt + 1, channel: .manual, performerUnitID: task.performerUnitID,
            dueAt: try calendar.due(from: now, limit: limit), answerBy: nil, limit: limit), from: now)
    }

    private func counted(_ plan: CallbackTaskPlan, from start: Date) -> CallbackTaskPlan {
        var plan = plan
        plan.dueProvisional = calendar.basis(from: start, to: plan.dueAt, limit: plan.limit).isProvisional
        plan.countedFrom = start
        return plan
    }
}
