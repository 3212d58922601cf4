import Foundation

/// The case state machine: a pure function of (action, case, policy, calendar,
/// units, now) to either the changes to make or a refusal that leaves the case
/// untouched (DESIGN.md "An illegal action … is refused with an error event").
public struct CaseLifecycle: Sendable {
    public let policy: Policy
    public let calendar: WorkingDayCalendar
    public let network: UnitNetwork

    public init(policy: Policy, calendar: WorkingDayCalendar, network: UnitNetwork) {
        self.policy = policy
        self.calendar = calendar
        self.network = network
    }

    /// What an accepted action changes.
    public struct Change: Sendable, Equatable {
        /// The case after the action.
        public var after: LifecycleCase
        public var clocks: [ClockChange]
        public var notice: LifecycleNotice?
        /// A new round of assignments (re-dispatch), with the units resolved.
        public var dispatch: Dispatch?
        /// The case waits for a dispatcher: no routing rule matched, or a return was approved
        /// with no new unit named.
        public var manualDispatch: ManualDispatch?
        public var history: String
        public var historyDetail: [String: String]
    }

    /// Why a case waits in the manual-dispatch queue.
    public struct ManualDispatch: Sendable, Equatable {
        public var reason: String
        /// Announced as `case.dispatch_pending` (the first routing; a return has its own notice).
        public var announced: Bool
    }

    public struct Dispatch: Sendable, Equatable {
        public var lead: HandlingUnit
        public var coUnits: [HandlingUnit]
        public var ruleID: String
        public var asPrecedent: Bool
    }

    /// The clocks a fresh dispatch starts: signing, and handling when the policy counts it from dispatch.
    public func clocksForDispatch(of lifecycleCase: LifecycleCase, lead: String, at now: Date) throws(CalendarError) -> [ClockChange] {
        var clocks: [ClockChange] = [.start(try plan(.sign, unit: lead, for: lifecycleCase, from: now))]
        if handlingStartsAt != "sign" {
            clocks.append(.start(try plan(.handling, unit: lead, for: lifecycleCase, from: now)))
        }
        return clocks
    }

    /// The first dispatch of an accepted case (长沙 第十六条（二）; 巴林左旗 第十二条 「根据职责、属地或行业管理规定
    /// 以派单的形式即时转派至承办单位办理」): round 1 to the units a routing rule or a centre precedent
    /// chose, with its sign clock and, where the policy counts it from dispatch, its handling
    /// clock; or, when no rule matched, the manual-dispatch queue, never dropped. Nil when the
    /// case is no longer waiting for it (already dispatched, answered at once, or awaiting
    /// the centre's own reply).
    public func route(_ current: LifecycleCase, _ decision: DispatchDecision, now: Date) throws(CalendarError) -> Change? {
        guard current.status == .accepted else { return nil }
        var after = current
        switch decision {
        case let .dispatch(lead, coUnits, ruleID):
            after.status = .dispatched
            after.round = 1
            after.leadUnitID = lead.id
            after.coUnitIDs = coUnits.map(\.id)
            after.dispatchedAt = now
            let clocks = try clocksForDispatch(of: after, lead: lead.id, at: now)
            for case let .start(plan) in clocks where plan.obligation == .handling { after.handlingDue = plan.dueAt }
            return Change(
                after: after, clocks: clocks, notice: nil,
                dispatch: Dispatch(lead: lead, coUnits: coUnits, ruleID: ruleID, asPrecedent: false), manualDispatch: nil,
                history: "dispatched",
                historyDetail: ["lead_unit": lead.id, "co_units": coUnits.map(\.id).joined(separator: ","), "rule_id": ruleID, "round": "1"])
        case let .manual(reason):
            after.status = .awaitingManualDispatch
            return Change(
                after: after, clocks: [], notice: nil, dispatch: nil, manualDispatch: ManualDispatch(reason: reason, announced: true),
                history: "queued_for_manual_dispatch", historyDetail: ["reason_code": "no_rule_matched"])
        }
    }

    /// Decides on an action. Throws `ActionRefusal` when it is not allowed; state is then untouched.
    public func decide(_ action: CaseAction, on current: LifecycleCase, now: Date) throws -> Change {
        do {
            var change = try decideChecked(action, on: current, now: now)
            if let due = change.notice?.handlingDue { change.notice?.handlingDueProvisional = calendar.isProvisional(due) }
            return change
        } catch let error as CalendarError {
            throw ActionRefusal(.dateNotAllowed, "\(error)")
        }
    }

    private var handlingStartsAt: String { policy.rule(for: .handling)?.from ?? "dispatch" }

    private func decideChecked(_ action: CaseAction, on current: LifecycleCase, now: Date) throws -> Change {
        var after = current
        let rules = policy.lifecycle
        func change(
            _ step: LifecycleNotice.Step?, _ clocks: [ClockChange] = [], reason: String? = nil, article: String? = nil,
            detail: [String: String] = [:], unit: String? = nil, callerToBeTold: Bool? = nil, outcome: ResultReport.Outcome? = nil
        ) -> Change {
            let notice = step.map {
                LifecycleNotice(
                    step: $0, round: after.round, unitID: unit ?? after.leadUnitID, status: after.status,
                    handlingDue: after.handlingDue, article: article, callerToBeTold: callerToBeTold,
                    outcome: outcome)
            }
            var fullDetail = detail
            if let reason { fullDetail[HistoryFreeText.reason] = reason }
            return Change(
                after: after, clocks: clocks, notice: notice, dispatch: nil, manualDispatch: nil,
                history: action.type, historyDetail: fullDetail)
        }

        switch action.kind {
        case .sign:
            try requireLead(action, current, in: [.dispatched])
            after.status = .signed
            after.signedAt = now
            var clocks: [ClockChange] = [.meet(.sign, at: now)]
            if handlingStartsAt == "sign" {
                let handling = try plan(.handling, unit: current.leadUnitID, for: current, from: now)
                after.handlingDue = handling.dueAt
                clocks.append(.start(handling))
            }
            return change(.signed, clocks, article: policy.rule(for: .sign)?.article)

        case let .requestReturn(reason):
            try requireLead(action, current, in: [.dispatched, .signed])
            // The window runs from receipt (鄂尔多斯 第十九条（七）「接收到…应在一个工作日内退回」, 宜宾
            // 第十一条（三）「收到交办件…应在当日」: `from: dispatch`) or from signing (长沙 第十七条（二）
            // 「自签收后2个工作日内申请退回」: `from: sign`; before signing that window has not opened).
            let windowRule = policy.rule(for: .returnWindow)
            let countsFromSigning = windowRule?.from == "sign"
            if let windowRule, let opened = countsFromSigning ? current.signedAt : current.dispatchedAt {
                let limit = windowRule.limit(category: current.category, urgent: current.urgent, source: current.source)
                let closes = try calendar.due(from: try countingStart(of: .returnWindow, for: current, at: opened), limit: limit)
                if now > closes {
                    throw ActionRefusal(
                        .windowClosed,
                        "A return must be asked for within \(limit) of \(countsFromSigning ? "signing" : "receiving the order"); the window closed at \(RFC3339.formatSeconds(closes)).",
                        article: windowRule.article)
                }
            }
            if rules.returns.approver == .none {
                return try returned(current, after: &after, reason: reason, redispatch: nil, action: action, now: now)
            }
            after.status = .returnRequested
            return change(.returnRequested, reason: reason, article: rules.returns.article)

        case let .requestExtension(reason, until):
            try requireLead(action, current, in: [.signed])
            let requested = try checkExtension(until, on: current, now: now)
            after.status = .extensionRequested
            after.requestedDue = requested
            if rules.extensions.approver == .none {
                return try extended(current, after: &after, until: requested, reason: reason)
            }
            return change(.extensionRequested, reason: reason, article: rules.extensions.article, detail: ["until": "\(until)"])

        case let .interimReply(progress, committedDate):
            try requireLead(action, current, in: [.signed])
            let rule = rules.interimReply
            guard rule.allowed else {
                throw ActionRefusal(.notProvided, "The \(policy.policy) policy provides no interim reply with a committed date.", article: rule.article)
            }
            // 宜宾 第十一条（二）2（2）「应首先在限定时限内回复当前处理情况」: the reply comes within the
            // handling limit, so a committed date cannot erase a deadline that has already passed.
            if rule.movesDeadline, let due = current.handlingDue, now > due {
                throw ActionRefusal(
                    .windowClosed, "An interim reply must come before the handling limit passes; it passed at \(RFC3339.formatSeconds(due)).",
                    article: rule.article)
            }
            let committed = committedDate.endOfDay
            guard committed > now else {
                throw ActionRefusal(.dateNotAllowed, "The committed date \(committedDate) has already passed.", article: rule.article)
            }
            if let maxCount = rule.maxCount, current.interimRepliesThisRound >= maxCount {
                throw ActionRefusal(
                    .limitReached,
                    "At most \(maxCount) interim repl\(maxCount == 1 ? "y" : "ies") with a committed date per round; case \(current.caseNumber) has had \(current.interimRepliesThisRound) in round \(current.round).",
                    article: rule.article)
            }
            if let days = rule.maxWorkingDays {
                let latest = try calendar.due(from: now, limit: .workingDays(days))
                guard committed <= latest else {
                    throw ActionRefusal(.dateNotAllowed, "A committed date may be at most \(days) working days ahead, by \(RFC3339.formatSeconds(latest)).", article: rule.article)
                }
            }
            after.interimRepliesThisRound = current.interimRepliesThisRound + 1
            var clocks: [ClockChange] = []
            if rule.movesDeadline {
                after.handlingDue = committed
                clocks.append(.move(
                    .handling, dueAt: committed, warnAt: try warning(for: .workingDays(1), due: committed, startedAt: now),
                    countedFrom: now, basis: calendar.basis(from: now, to: committed, limit: nil)))
            }
            var replied = change(
                .interimReplied, clocks, reason: progress, article: rule.article, detail: ["committed_date": "\(committedDate)"],
                callerToBeTold: rule.callerTold)
            replied.notice?.committedDate = committedDate
            return replied

        case let .submitResult(report):
            try requireLead(action, current, in: [.signed, .extensionRequested])
            after.status = .resultSubmitted
            after.requestedDue = nil
            var clocks: [ClockChange] = []
            if rules.review.clockStopsOnSubmission { clocks.append(.meet(.handling, at: now)) }
            clocks.append(.start(try plan(.review, unit: nil, for: current, from: now)))
            return change(
                .resultSubmitted, clocks, reason: report.actionTaken, article: rules.review.article,
                detail: ["handled_by": report.handledBy, "handled_at": RFC3339.format(report.handledAt), "outcome": report.outcome.rawValue],
                outcome: report.outcome)

        case let .contribute(text):
            guard let unit = action.actor.unitID, current.coUnitIDs.contains(unit) else {
                throw ActionRefusal(.notAssignedUnit, "Unit \(action.actor.unitID ?? "?") is not a co-unit of case \(current.caseNumber) in round \(current.round).")
            }
            try requireState(current, in: [.dispatched, .signed, .returnRequested, .extensionRequested], for: action)
            return change(.coUnitContributed, reason: text, unit: unit)

        case let .approveReturn(reason, redispatchTo):
            try requireState(current, in: [.returnRequested], for: action)
            return try returned(current, after: &after, reason: reason, redispatch: redispatchTo, action: action, now: now)

        case let .denyReturn(reason):
            try requireState(current, in: [.returnRequested], for: action)
            after.status = current.signedAt == nil ? .dispatched : .signed
            return change(.returnDenied, reason: reason, article: rules.returns.article)

        case let .approveExtension(reason, until):
            try requireState(current, in: [.extensionRequested], for: action)
            // The request was asked in time when it was made; the centre may decide after the old deadline.
            let granted = try until.map { try checkExtension($0, on: current, now: now, askedInTime: true) } ?? current.requestedDue
            guard let granted else {
                throw ActionRefusal(.wrongState, "The extension request of case \(current.caseNumber) carries no date; name one with `until`.")
            }
            return try extended(current, after: &after, until: granted, reason: reason)

        case let .denyExtension(reason):
            try requireState(current, in: [.extensionRequested], for: action)
            after.status = .signed
            after.requestedDue = nil
            return change(.extensionDenied, reason: reason, article: rules.extensions.article)

        case let .approveResult(reason):
            try requireState(current, in: [.resultSubmitted], for: action)
            after.status = .resolved
            return change(.resolved, [.meet(.handling, at: now), .meet(.review, at: now)], reason: reason, article: rules.review.article)

        case let .rejectResult(reason):
            try requireState(current, in: [.resultSubmitted], for: action)
            after.status = .signed
            var clocks: [ClockChange] = [.meet(.review, at: now)]
            if rules.review.clockStopsOnSubmission { clocks.append(.resume(.handling)) }
            return change(.resultRejected, clocks, reason: reason, article: rules.review.article)

        case let .redispatch(target, reason):
            try requireState(current, in: [.accepted, .awaitingManualDispatch, .awaitingReply, .dispatched, .signed, .returnRequested, .extensionRequested], for: action)
            return try redispatched(current, after: &after, to: target, reason: reason, action: action, now: now)

        case let .markLeaderAssigned(reason):
            try requireState(current, in: CaseStatus.allCases.filter(\.isOpen), for: action)
            guard !current.leaderAssigned else { throw ActionRefusal(.noChange, "Case \(current.caseNumber) is already marked leader-assigned.") }
            after.leaderAssigned = true
            return change(.leaderAssigned, reason: reason, article: article(of: .leaderAssigned))

        case let .markMediaExposed(reason):
            try requireState(current, in: CaseStatus.allCases.filter(\.isOpen), for: action)
            guard !current.mediaExposed else { throw ActionRefusal(.noChange, "Case \(current.caseNumber) is already marked media-exposed.") }
            after.mediaExposed = true
            return change(.mediaExposed, reason: reason, article: article(of: .mediaExposed))

        case let .urge(reason):
            try requireState(current, in: [.dispatched, .signed, .returnRequested, .extensionRequested], for: action)
            return change(.centreUrged, reason: reason)

        case let .reopen(reason, target):
            try requireState(current, in: [.resolved], for: action)
            guard current.rating == .dissatisfied, let lead = target ?? current.leadUnitID.map({ CaseAction.Redispatch(leadUnitID: $0, coUnitIDs: current.coUnitIDs) }) else {
                throw ActionRefusal(
                    .wrongState,
                    "Only a round the citizen rated dissatisfied is sent back (发回重办); case \(current.caseNumber) is rated \(current.rating?.rawValue ?? "not yet").",
                    article: policy.callbacks.reopenArticle)
            }
            var reopened = try redispatched(current, after: &after, to: lead, reason: reason, action: action, now: now)
            reopened.notice = LifecycleNotice(
                step: .reopened, round: after.round, unitID: after.leadUnitID, status: after.status, handlingDue: after.handlingDue,
                article: policy.callbacks.reopenArticle)
            return reopened

        case let .closeCase(reason, excessiveDemand):
            try requireState(current, in: [.resolved], for: action)
            guard current.rating != nil else {
                throw ActionRefusal(.wrongState, "Case \(current.caseNumber) has no rating yet; it is closed after the callback (回访).", article: policy.callbacks.article)
            }
            guard !excessiveDemand || policy.callbacks.excessiveDemand != nil else {
                throw ActionRefusal(.notProvided, "The \(policy.policy) policy has no closing for an excessive demand that stops repeat calls.")
            }
            after.status = .closed
            after.repeatBlocked = excessiveDemand
            return change(
                .closed, reason: reason, article: excessiveDemand ? policy.callbacks.excessiveDemand?.article : policy.callbacks.article,
                detail: ["excessive_demand": "\(excessiveDemand)"])

        case let .reply(reason):
            // 长沙 第十六条（一）: the centre's reply settles the matter as a result would; the
            // callback follows where the policy calls every case back (第二十五条).
            try requireState(current, in: [.awaitingReply], for: action)
            after.status = .resolved
            return change(.resolved, [.meet(.reply, at: now)], reason: reason, article: policy.rule(for: .reply)?.article)

        case .ratingAppeal:
            throw ActionRefusal(.wrongState, "A rating appeal is decided on the rated round, not by the case state machine; send it to the action worker.")
        }
    }

    /// A round rated 满意 or 基本满意 closes the case (长沙 第二十五、二十六条); a 不满意 waits for
    /// the centre to send it back or close it. Nil when the rating changes nothing.
    public func closeAfterRating(_ rating: CallbackRating, round: Int, on current: LifecycleCase) -> Change? {
        guard current.status == .resolved, round == current.round, rating != .dissatisfied else { return nil }
        var after = current
        after.status = .closed
        after.rating = rating
        return Change(
            after: after, clocks: [],
            notice: LifecycleNotice(step: .closed, round: current.round, unitID: current.leadUnitID, status: .closed, article: policy.callbacks.article),
            dispatch: nil, manualDispatch: nil, history: "closed", historyDetail: ["rating": rating.rawValue])
    }

    // MARK: - Steps shared by several actions

    private func returned(
        _ current: LifecycleCase, after: inout LifecycleCase, reason: String, redispatch: CaseAction.Redispatch?,
        action: CaseAction, now: Date
    ) throws -> Change {
        if let redispatch {
            return try redispatched(current, after: &after, to: redispatch, reason: reason, action: action, now: now)
        }
        after.status = .awaitingManualDispatch
        after.leadUnitID = nil
        after.coUnitIDs = []
        after.signedAt = nil
        after.handlingDue = nil
        after.requestedDue = nil
        let notice = LifecycleNotice(
            step: .returned, round: current.round, unitID: current.leadUnitID, status: after.status,
            article: policy.lifecycle.returns.article)
        return Change(
            after: after, clocks: [.cancelAll], notice: notice, dispatch: nil,
            manualDispatch: ManualDispatch(reason: "returned by unit \(current.leadUnitID ?? "-")", announced: false),
            history: action.type, historyDetail: ["reason": reason, "unit_id": current.leadUnitID ?? "", "returned_by": current.leadUnitID ?? ""])
    }

    private func redispatched(
        _ current: LifecycleCase, after: inout LifecycleCase, to target: CaseAction.Redispatch, reason: String,
        action: CaseAction, now: Date
    ) throws -> Change {
        guard let lead = network.unit(target.leadUnitID) else {
            throw ActionRefusal(.unknownUnit, "Unit \(target.leadUnitID) is not in the unit network; see the routing file's units.")
        }
        var coUnits: [HandlingUnit] = []
        // A co-unit named twice is one co-unit (the schema allows the repeat; assignments do not).
        for id in target.coUnitIDs where id != lead.id && !coUnits.contains(where: { $0.id == id }) {
            guard let unit = network.unit(id) else {
                throw ActionRefusal(.unknownUnit, "Co-unit \(id) is not in the unit network; see the routing file's units.")
            }
            coUnits.append(unit)
        }
        let nextRound = current.leadUnitID == nil && current.round == 0 ? 1 : current.round + 1
        after = LifecycleCase(
            id: current.id, caseNumber: current.caseNumber, policy: current.policy, status: .dispatched,
            category: current.category, urgent: current.urgent, source: current.source, round: nextRound,
            leadUnitID: lead.id, coUnitIDs: coUnits.map(\.id), dispatchedAt: now,
            leaderAssigned: current.leaderAssigned, mediaExposed: current.mediaExposed)
        var clocks: [ClockChange] = [.cancelAll]
        let fresh = try clocksForDispatch(of: after, lead: lead.id, at: now)
        clocks += fresh
        for case let .start(plan) in fresh where plan.obligation == .handling { after.handlingDue = plan.dueAt }
        let ruleID = target.asPrecedent ? "precedent:\(current.caseNumber)" : "centre"
        return Change(
            after: after, clocks: clocks, notice: nil,
            dispatch: Dispatch(lead: lead, coUnits: coUnits, ruleID: ruleID, asPrecedent: target.asPrecedent),
            manualDispatch: nil, history: action.type,
            historyDetail: ["reason": reason, "lead_unit": lead.id, "co_units": coUnits.map(\.id).joined(separator: ","), "round": "\(nextRound)"]
                .merging(action.isReturn ? ["returned_by": current.leadUnitID ?? ""] : [:]) { $1 })
    }

    private func extended(_ current: LifecycleCase, after: inout LifecycleCase, until due: Date, reason: String) throws -> Change {
        let rule = policy.lifecycle.extensions
        after.status = .signed
        after.requestedDue = nil
        after.handlingDue = due
        after.extensionsThisRound = current.extensionsThisRound + 1
        let countedFrom = current.handlingDue ?? due
        let warnAt = try warning(for: .workingDays(1), due: due, startedAt: countedFrom)
        let notice = LifecycleNotice(
            step: .extended, round: current.round, unitID: current.leadUnitID, status: .signed, handlingDue: due,
            article: rule.article, callerToBeTold: rule.callerTold)
        return Change(
            after: after,
            clocks: [.move(.handling, dueAt: due, warnAt: warnAt, countedFrom: countedFrom, basis: calendar.basis(from: countedFrom, to: due, limit: nil))],
            notice: notice, dispatch: nil,
            manualDispatch: nil, history: "extended",
            historyDetail: [
                "reason": reason, "handling_due": RFC3339.formatSeconds(due), "extension": "\(after.extensionsThisRound)",
                "unit_id": current.leadUnitID ?? "",
            ])
    }

    /// Checks a requested extension date against the policy; returns its due instant.
    private func checkExtension(_ until: CalendarDate, on current: LifecycleCase, now: Date, askedInTime: Bool = false) throws -> Date {
        let rule = policy.lifecycle.extensions
        guard rule.allowed else {
            let instead = policy.lifecycle.interimReply.allowed ? "; reply with progress and a committed date (interim_reply) instead" : ""
            throw ActionRefusal(.notProvided, "The \(policy.policy) policy provides no extension\(instead).", article: rule.article)
        }
        if let maxCount = rule.maxCount, current.extensionsThisRound >= maxCount {
            throw ActionRefusal(
                .limitReached,
                "At most \(maxCount) extension\(maxCount == 1 ? "" : "s") per round; case \(current.caseNumber) has had \(current.extensionsThisRound) in round \(current.round).",
                article: rule.article)
        }
        guard let handlingDue = current.handlingDue else {
            throw ActionRefusal(.wrongState, "Case \(current.caseNumber) has no running handling deadline to extend.")
        }
        if rule.beforeExpiry, !askedInTime, now > handlingDue {
            throw ActionRefusal(
                .windowClosed,
                "An extension must be asked for before the handling limit passes; it passed at \(RFC3339.formatSeconds(handlingDue)).",
                article: rule.article)
        }
        let requested = until.endOfDay
        guard requested > handlingDue else {
            throw ActionRefusal(.dateNotAllowed, "The requested date \(until) is not after the current deadline \(RFC3339.formatSeconds(handlingDue)).", article: rule.article)
        }
        if let days = rule.maxWorkingDays {
            let latest = try calendar.due(from: handlingDue, limit: .workingDays(days))
            guard requested <= latest else {
                throw ActionRefusal(
                    .dateNotAllowed,
                    "An extension may add at most \(days) working days, up to \(RFC3339.formatSeconds(latest)); \(until) is later.",
                    article: rule.article)
            }
        }
        return requested
    }

    private func requireLead(_ action: CaseAction, _ current: LifecycleCase, in states: [CaseStatus]) throws {
        // The sentence goes to the acting unit and names no other party (issue 19): a unit
        // that guesses a case id learns nothing of who holds it.
        guard let unit = action.actor.unitID, unit == current.leadUnitID else {
            throw ActionRefusal(.notAssignedUnit, "Your unit does not hold case \(current.caseNumber) in round \(current.round) as its lead unit.")
        }
        try requireState(current, in: states, for: action)
    }

    private func requireState(_ current: LifecycleCase, in states: [CaseStatus], for action: CaseAction) throws {
        guard states.contains(current.status) else {
            throw ActionRefusal(
                .wrongState,
                "\(action.type) is allowed when the case is \(states.map(\.rawValue).joined(separator: " or ")); case \(current.caseNumber) is \(current.status.rawValue).")
        }
    }

    private func article(of trigger: SupervisionTrigger) -> String? {
        policy.supervision.triggers.first { $0.trigger == trigger }?.article
    }

    // MARK: - Clocks

    func countingStart(of obligation: Obligation, for lifecycleCase: LifecycleCase, at instant: Date) throws(CalendarError) -> Date {
        try policy.countingStart(of: obligation, urgent: lifecycleCase.urgent, at: instant, calendar: calendar)
    }

    /// A clock for an obligation starting now, with the policy's warning.
    public func plan(_ obligation: Obligation, unit: String?, for lifecycleCase: LifecycleCase, from now: Date) throws(CalendarError) -> ClockPlan {
        guard let rule = policy.rule(for: obligation) else {
            preconditionFailure("policy.problems() requires every obligation")
        }
        let start = try countingStart(of: obligation, for: lifecycleCase, at: now)
        let limit = rule.limit(category: lifecycleCase.category, urgent: lifecycleCase.urgent, source: lifecycleCase.source)
        let due = try calendar.due(from: start, limit: limit)
        return ClockPlan(
            obligation: obligation, unitID: unit, startedAt: start, dueAt: due, warnAt: try warning(for: limit, due: due, startedAt: start),
            limit: limit, basis: calendar.basis(from: start, to: due, limit: limit))
    }

    /// When to warn before `due` under the policy's warning rule.
    func warning(for limit: TimeLimit, due: Date, startedAt: Date) throws(CalendarError) -> Date? {
        try policy.lifecycle.warning.instant(for: limit, due: due, startedAt: startedAt, calendar: calendar)
    }
}
