import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Issue 17: rules the five regulations state, held against the shipped presets. Each test
/// quotes the article it holds; each failed on the code before the fix.
@Suite struct RegulationFidelityTests {
    static func policy(_ id: String) throws -> Policy {
        try PolicyLoader.load(file: Repository.path("Ops/policies/\(id).yaml"))
    }

    static func calendar(for policy: Policy) throws -> WorkingDayCalendar {
        try CalendarLoader.load(name: policy.calendar, directory: Repository.path("Ops/calendars"))
    }

    static func lifecycle(_ id: String) throws -> CaseLifecycle {
        let policy = try policy(id)
        return CaseLifecycle(policy: policy, calendar: try calendar(for: policy), network: try Fixtures.changshaRouter().network)
    }

    static let at = CaseLifecycleTests.at
    static let lead = CaseLifecycleTests.lead

    /// A case of `policy` dispatched to the lead unit at `time`, signed at `signedAt` if given.
    static func dispatched(_ policy: String, at time: String, signedAt: String? = nil, handlingDue: String? = nil) -> LifecycleCase {
        LifecycleCase(
            id: UUID(uuidString: "0b7f5e2a-4c1d-4e8f-9a3b-6c2d1e0f9a88")!, caseNumber: "20261116-000042",
            policy: .init(id: policy, version: "test"), status: signedAt == nil ? .dispatched : .signed, category: .complaint,
            urgent: false, round: 1, leadUnitID: lead, dispatchedAt: at(time), signedAt: signedAt.map(at),
            handlingDue: handlingDue.map(at))
    }

    static func byUnit(_ kind: CaseAction.Kind, at time: String) -> CaseAction {
        CaseAction(eventID: "unit:\(UUID())", caseID: UUID(), actor: .unit(id: lead, staffID: "staff-1"), occurredAt: at(time), kind: kind)
    }

    static func decide(_ lifecycle: CaseLifecycle, _ action: CaseAction, on current: LifecycleCase) throws -> CaseLifecycle.Change {
        try lifecycle.decide(action, on: current, now: action.occurredAt)
    }

    static func refusal(_ lifecycle: CaseLifecycle, _ action: CaseAction, on current: LifecycleCase) throws -> ActionRefusal {
        try #require(throws: ActionRefusal.self) { try decide(lifecycle, action, on: current) }
    }

    // MARK: 1. Interim replies

    /// 长沙 第二十二条（二） 「告知诉求人办理进度、解决措施及明确的解决时限」 is a progress report told to the
    /// caller; the deadline moves only by an extension, 「原则上只能延期1次」 and approved by the centre
    /// (第二十条、第二十一条). A unit's interim reply leaves the handling deadline where it was.
    @Test func changshaInterimReplyDoesNotMoveTheDeadline() throws {
        let lifecycle = try Self.lifecycle("changsha-2020")
        let signed = Self.dispatched("changsha-2020", at: "2026-11-16T09:00:00+08:00", signedAt: "2026-11-16T10:00:00+08:00",
                                     handlingDue: "2026-11-30T23:59:59+08:00")
        let committed = try #require(CalendarDate("2027-03-31"))
        let change = try Self.decide(lifecycle, Self.byUnit(.interimReply(progress: "已列入明年一季度改造计划。", committedDate: committed), at: "2026-11-20T10:00:00+08:00"), on: signed)
        #expect(change.after.handlingDue == Self.at("2026-11-30T23:59:59+08:00"))
        #expect(change.clocks.isEmpty)
        #expect(change.notice?.step == .interimReplied)
        #expect(change.notice?.callerToBeTold == true)
        #expect(change.notice?.committedDate == committed)
    }

    /// 宜宾 第十一条（二）2（2） 承诺件 「承诺办结的最后时限」: one final date, which becomes the deadline;
    /// a second promise in the same round, or one beyond the preset's bound, is refused.
    @Test func yibinCommitsOnceAndWithinItsBound() throws {
        let lifecycle = try Self.lifecycle("yibin-2007")
        let rule = lifecycle.policy.lifecycle.interimReply
        #expect(rule.movesDeadline && rule.maxCount == 1 && rule.maxWorkingDays != nil)
        let signed = Self.dispatched("yibin-2007", at: "2026-11-16T09:00:00+08:00", signedAt: "2026-11-16T10:00:00+08:00",
                                     handlingDue: "2026-11-23T23:59:59+08:00")
        let tooFar = try Self.refusal(lifecycle, Self.byUnit(
            .interimReply(progress: "需分步解决。", committedDate: try #require(CalendarDate("2027-06-30"))), at: "2026-11-18T10:00:00+08:00"), on: signed)
        #expect(tooFar.code == .dateNotAllowed && tooFar.article == "第十一条（二）2（2）")

        let committed = try #require(CalendarDate("2026-12-18"))
        let promised = try Self.decide(lifecycle, Self.byUnit(.interimReply(progress: "需分步解决。", committedDate: committed), at: "2026-11-18T10:00:00+08:00"), on: signed)
        #expect(promised.after.handlingDue == Self.at("2026-12-18T23:59:59+08:00"))
        #expect(promised.after.interimRepliesThisRound == 1)
        #expect(promised.notice?.callerToBeTold == true)

        let again = try Self.refusal(lifecycle, Self.byUnit(
            .interimReply(progress: "再延一周。", committedDate: try #require(CalendarDate("2026-12-25"))), at: "2026-12-10T10:00:00+08:00"), on: promised.after)
        #expect(again.code == .limitReached)
    }

    /// 宜宾 第十一条（二）2（2） 「应首先在限定时限内回复当前处理情况」: once the limit has passed, a
    /// committed date cannot move the deadline and erase the overdue.
    @Test func yibinInterimReplyAfterTheLimitIsRefused() throws {
        let lifecycle = try Self.lifecycle("yibin-2007")
        let signed = Self.dispatched("yibin-2007", at: "2026-11-16T09:00:00+08:00", signedAt: "2026-11-16T10:00:00+08:00",
                                     handlingDue: "2026-11-23T23:59:59+08:00")
        let late = try Self.refusal(lifecycle, Self.byUnit(
            .interimReply(progress: "需分步解决。", committedDate: try #require(CalendarDate("2026-12-18"))), at: "2026-11-24T10:00:00+08:00"), on: signed)
        #expect(late.code == .windowClosed)
    }

    /// A preset whose committed date moves the deadline must bound how often and how far.
    @Test func anUnboundedDeadlineMovingInterimReplyIsRefusedByTheCheck() throws {
        var policy = try Self.policy("yibin-2007")
        policy.lifecycle.interimReply.maxCount = nil
        policy.lifecycle.interimReply.maxWorkingDays = nil
        let keys = policy.problems().map(\.key)
        #expect(keys.contains("lifecycle.interim_reply.max_count") && keys.contains("lifecycle.interim_reply.max_working_days"))
    }

    // MARK: 2. The return window opens on receipt or on signing

    /// 鄂尔多斯 第十九条（七） 「承办单位接收到…应在一个工作日内退回」: counted from receipt (dispatch), not
    /// from signing. Received Monday, signed Tuesday: a return asked on Wednesday is late.
    @Test func ordosReturnWindowRunsFromReceipt() throws {
        let lifecycle = try Self.lifecycle("ordos-2019")
        let signed = Self.dispatched("ordos-2019", at: "2026-11-16T09:00:00+08:00", signedAt: "2026-11-17T10:00:00+08:00")
        let late = try Self.refusal(lifecycle, Self.byUnit(.requestReturn(reason: "不属于本单位职责。"), at: "2026-11-18T10:00:00+08:00"), on: signed)
        #expect(late.code == .windowClosed && late.article == "第十九条（七）")
        #expect(late.reason.contains("receiving the order") && late.reason.contains("2026-11-17T23:59:59+08:00"), "\(late.reason)")
    }

    /// 宜宾 第十一条（三） 「收到交办件…应在当日…退回」: the same day as receipt, whenever it is signed.
    @Test func yibinReturnIsDueTheDayTheOrderArrives() throws {
        let lifecycle = try Self.lifecycle("yibin-2007")
        let signed = Self.dispatched("yibin-2007", at: "2026-11-16T09:00:00+08:00", signedAt: "2026-11-17T08:30:00+08:00")
        let late = try Self.refusal(lifecycle, Self.byUnit(.requestReturn(reason: "不属于本单位职责。"), at: "2026-11-17T09:00:00+08:00"), on: signed)
        #expect(late.code == .windowClosed)
    }

    /// 长沙 第十七条（二） 「应当自签收后2个工作日内申请退回」: the window opens on signing; an order not
    /// yet signed may be returned, however long ago it arrived (the sign clock watches that delay).
    @Test func changshaReturnWindowRunsFromSigning() throws {
        let lifecycle = try Self.lifecycle("changsha-2020")
        let unsigned = Self.dispatched("changsha-2020", at: "2026-11-13T09:00:00+08:00")
        let change = try Self.decide(lifecycle, Self.byUnit(.requestReturn(reason: "不属于本单位职责。"), at: "2026-11-19T10:00:00+08:00"), on: unsigned)
        #expect(change.after.status == .returnRequested)
    }

    // MARK: 3. 鄂尔多斯 calls back within a working day of the unit's feedback

    /// 鄂尔多斯 第二十一条 「市长热线办公室收到承办单位的办理结果反馈后…回访时间不超过一个工作日」: the
    /// callback is due one working day after the result arrived, even when the office approved it later.
    @Test func ordosCallbackCountsFromTheUnitsFeedback() throws {
        let policy = try Self.policy("ordos-2019")
        let planner = CallbackPlanner(policy: policy, calendar: try Self.calendar(for: policy))
        let plan = try planner.firstTask(
            approvedAt: Self.at("2026-11-17T15:00:00+08:00"), submittedAt: Self.at("2026-11-16T10:00:00+08:00"),
            leadUnitID: "dongsheng", confidential: false)
        #expect(plan.dueAt == Self.at("2026-11-17T23:59:59+08:00"))
        #expect(plan.countedFrom == Self.at("2026-11-16T10:00:00+08:00"))
    }

    /// 长沙 第二十五条 sets no start of its own: the callback counts from the centre's approval.
    @Test func changshaCallbackCountsFromApproval() throws {
        let policy = try Self.policy("changsha-2020")
        let plan = try CallbackPlanner(policy: policy, calendar: try Self.calendar(for: policy)).firstTask(
            approvedAt: Self.at("2026-11-17T15:00:00+08:00"), submittedAt: Self.at("2026-11-16T10:00:00+08:00"),
            leadUnitID: Self.lead, confidential: false)
        #expect(plan.dueAt == Self.at("2026-11-18T23:59:59+08:00"))
    }

    // MARK: 4. 兰溪 四.4 only for orders overdue without an extension request

    /// 兰溪 四.4 「对超过办理期限又未申请延期的,由市效能办下发《效能监察建议书》」: an overdue order whose
    /// extension request awaits the centre is not such a case; once the request is denied after
    /// the deadline, it is.
    @Test func lanxiSupervisesOverdueOrdersWithoutAnExtensionRequest() throws {
        let policy = try Self.policy("lanxi-2010")
        let supervisor = Supervisor(policy: policy, calendar: try Self.calendar(for: policy))
        #expect(supervisor.trigger(forEventType: "deadline.overdue", obligation: "handling", status: .extensionRequested) == nil)
        #expect(supervisor.trigger(forEventType: "deadline.overdue", obligation: "handling", status: .signed)?.trigger == .overdue)
        let denied = supervisor.trigger(
            forEventType: LifecycleNotice.Step.extensionDenied.rawValue, obligation: nil, status: .signed,
            handlingDue: Self.at("2026-11-20T17:00:00+08:00"), now: Self.at("2026-11-23T09:00:00+08:00"))
        #expect(denied?.trigger == .overdue && denied?.article == "四.4")
        #expect(supervisor.trigger(
            forEventType: LifecycleNotice.Step.extensionDenied.rawValue, obligation: nil, status: .signed,
            handlingDue: Self.at("2026-11-30T17:00:00+08:00"), now: Self.at("2026-11-23T09:00:00+08:00")) == nil)
    }

    /// 长沙 第三十四条（一） 「逾期未办结事项」 has no such exception: overdue is overdue.
    @Test func changshaSupervisesEveryOverdueOrder() throws {
        let policy = try Self.policy("changsha-2020")
        let supervisor = Supervisor(policy: policy, calendar: try Self.calendar(for: policy))
        #expect(supervisor.trigger(forEventType: "deadline.overdue", obligation: "handling", status: .extensionRequested)?.trigger == .overdue)
    }

    // MARK: 5 and 8. Repeats

    static let closedText = "小区门口的路灯坏了三个多月，晚上一片漆黑，老人出门很不方便，请尽快修好。"

    static func candidate(closed: Bool, sameCaller: Bool = true) -> OpenCaseCandidate {
        OpenCaseCandidate(
            caseID: UUID(), caseNumber: "20261001-000123", category: .help, areaCode: "430104", text: closedText,
            closed: closed, sameCaller: sameCaller)
    }

    /// 长沙 第十三条（六） 「已依法办理完毕且诉求人无新情况、新理由…再次提出的事项」: the same caller repeats
    /// a closed case and says nothing new: not accepted, with the article.
    @Test func changshaRefusesARepeatOfAClosedCaseWithNothingNew() throws {
        let decider = IntakeDecider(policy: try Fixtures.changsha())
        let event = Fixtures.event(content: Self.closedText, category: .help, areaCode: "430104")
        guard case let .notAccept(rule) = decider.decide(event, openCases: [Self.candidate(closed: true)]) else {
            Issue.record("expected not_accepted, got \(decider.decide(event, openCases: [Self.candidate(closed: true)]))")
            return
        }
        #expect(rule.code == "closed_no_new_reason" && rule.article == "第十三条（六）")
    }

    /// The same repeat with a new situation (the lamp went out again after the repair) is a new case.
    @Test func changshaAcceptsARepeatOfAClosedCaseWithANewSituation() throws {
        let decider = IntakeDecider(policy: try Fixtures.changsha())
        let event = Fixtures.event(content: "修好没几天又坏了，" + Self.closedText, category: .help, areaCode: "430104")
        #expect(decider.decide(event, openCases: [Self.candidate(closed: true)]) == .accept(category: .help, source: .event))
        let denial = Fixtures.event(content: "这次没有新情况，" + Self.closedText, category: .help, areaCode: "430104")
        guard case .notAccept = decider.decide(denial, openCases: [Self.candidate(closed: true)]) else {
            Issue.record("a denied new situation is no new situation")
            return
        }
    }

    /// Another caller's closed case is no reason to refuse anyone; a policy without the rule
    /// (宜宾 has no such article) accepts the repeat.
    @Test func aClosedCaseOfAnotherCallerOrAnotherPolicyRefusesNothing() throws {
        let event = Fixtures.event(content: Self.closedText, category: .help, areaCode: "430104")
        let changsha = IntakeDecider(policy: try Fixtures.changsha())
        #expect(changsha.decide(event, openCases: [Self.candidate(closed: true, sameCaller: false)]) == .accept(category: .help, source: .event))
        let yibin = IntakeDecider(policy: try Self.policy("yibin-2007"))
        guard case .accept = yibin.decide(event, openCases: [Self.candidate(closed: true)]) else {
            Issue.record("宜宾 has no closed-case rule")
            return
        }
    }

    /// A stranger naming someone's open case in `refers_to_case` is not merged into it (and so
    /// learns nothing of it): only the case's own caller urges it.
    @Test func aRepeatNamingAnotherCallersCaseOpensItsOwn() throws {
        let decider = IntakeDecider(policy: try Fixtures.changsha())
        let event = Fixtures.event(content: "我要催一下这个案子。", category: .help, areaCode: "430104", refersToCase: "20261001-000123", phone: "13900000000")
        #expect(decider.decide(event, openCases: [Self.candidate(closed: false, sameCaller: false)]) == .accept(category: .help, source: .event))
        guard case .merge = decider.decide(event, openCases: [Self.candidate(closed: false, sameCaller: true)]) else {
            Issue.record("the case's own caller urges it")
            return
        }
    }

    // MARK: 6. The caller hears the committed date

    /// 长沙 第二十二条（二） 「告知诉求人…明确的解决时限」: an interim reply becomes a notification with the date.
    @Test func theCallerIsToldOfAnInterimReply() throws {
        let planner = NotificationPlanner(policy: try Fixtures.changsha())
        let committed = try #require(CalendarDate("2027-03-31"))
        let plan = planner.plan(
            for: CaseEventFacts(type: "case.interim_replied", article: "第二十二条（二）", callerToBeTold: true, committedDate: committed),
            confidential: false, result: nil)
        #expect(plan == NotificationPlan(content: .interimReply(committedDate: committed), article: "第二十二条（二）"))
        #expect(plan?.kind == "interim_reply")
        #expect(planner.plan(for: CaseEventFacts(type: "case.interim_replied", callerToBeTold: false, committedDate: committed), confidential: false, result: nil) == nil)
    }

    // MARK: 7. Same-day limits in working time

    /// 宜宾 第十一条（三） 「应在当日…退回」, read with 第十一条（一） 「工作人员在工作时间内」: an order
    /// dispatched at 23:30 on a Saturday counts from Monday's opening, so the unit has Monday to
    /// return it, not 29 minutes; one dispatched on a Monday morning is due that Monday.
    @Test func yibinSameDayCountsInWorkingTime() throws {
        let lifecycle = try Self.lifecycle("yibin-2007")
        let saturdayNight = Self.dispatched("yibin-2007", at: "2026-11-21T23:30:00+08:00")
        let sign = try lifecycle.plan(.sign, unit: Self.lead, for: saturdayNight, from: Self.at("2026-11-21T23:30:00+08:00"))
        #expect(sign.startedAt == Self.at("2026-11-23T09:00:00+08:00"))
        #expect(sign.dueAt == Self.at("2026-11-23T23:59:59+08:00"))
        let monday = Self.dispatched("yibin-2007", at: "2026-11-23T10:00:00+08:00")
        #expect(try lifecycle.plan(.sign, unit: Self.lead, for: monday, from: Self.at("2026-11-23T10:00:00+08:00")).dueAt
            == Self.at("2026-11-23T23:59:59+08:00"))
        let inTime = try Self.decide(lifecycle, Self.byUnit(.requestReturn(reason: "不属于本单位职责。"), at: "2026-11-23T16:00:00+08:00"), on: saturdayNight)
        #expect(inTime.after.status == .awaitingManualDispatch, "宜宾 grants a return at once (approver none)")
    }

    /// 兰溪 三 「受理来电时间与市机关正常作息时间同步」 (08:30–17:00): an order dispatched after hours counts
    /// from the next morning; an urgent one (四.2(3) 「需立即处理」) counts at once.
    @Test func lanxiCountsUnitsLimitsInOfficeHoursButNotUrgentOnes() throws {
        let lifecycle = try Self.lifecycle("lanxi-2010")
        var evening = Self.dispatched("lanxi-2010", at: "2026-11-23T20:00:00+08:00")
        let handling = try lifecycle.plan(.handling, unit: Self.lead, for: evening, from: Self.at("2026-11-23T20:00:00+08:00"))
        #expect(handling.startedAt == Self.at("2026-11-24T08:30:00+08:00"))
        #expect(handling.dueAt == Self.at("2026-12-01T23:59:59+08:00"), "5 working days from Tuesday")
        evening.urgent = true
        let urgent = try lifecycle.plan(.handling, unit: Self.lead, for: evening, from: Self.at("2026-11-23T20:00:00+08:00"))
        #expect(urgent.startedAt == Self.at("2026-11-23T20:00:00+08:00") && urgent.dueAt == Self.at("2026-11-23T23:59:59+08:00"))
    }

    /// 长沙 sets no working time (the line runs around the clock): nothing moves.
    @Test func changshaCountsAroundTheClock() throws {
        let lifecycle = try Self.lifecycle("changsha-2020")
        let night = Self.dispatched("changsha-2020", at: "2026-11-21T23:30:00+08:00")
        #expect(try lifecycle.plan(.sign, unit: Self.lead, for: night, from: Self.at("2026-11-21T23:30:00+08:00")).startedAt
            == Self.at("2026-11-21T23:30:00+08:00"))
    }

    // MARK: 9 and 10. Choices marked, nothing configured that no rule uses

    /// 长沙 第三十四条（一）–（七） names what is supervised; the preset's other triggers are marked as
    /// choices with their reasons.
    @Test func changshaTriggersOutsideArticle34AreMarkedChoices() throws {
        let triggers = try Fixtures.changsha().supervision.triggers
        for rule in triggers {
            let named = rule.article.hasPrefix("第三十四条")
            #expect(rule.chosen != named, "\(rule.trigger.rawValue): \(rule.article)")
            if rule.chosen { #expect(rule.note?.hasPrefix("Chosen:") == true, "\(rule.trigger.rawValue)") }
        }
        #expect(Set(triggers.filter(\.chosen).map(\.trigger)) == [.notSigned, .refusedOrder, .resultRejected])
    }

    /// No worker keeps a feedback clock, so no preset sets one; a rating-appeal window without
    /// the grounds a unit may appeal on (长沙 第二十七条 has them, the other four regulations none)
    /// is refused as configuration no rule uses.
    @Test func limitsNoRuleUsesAreRefused() throws {
        for id in ["ordos-2019", "bairin-left-banner", "yibin-2007", "lanxi-2010"] {
            let policy = try Self.policy(id)
            #expect(policy.ratingAppeals == nil && policy.rule(for: .ratingAppeal) == nil, "\(id)")
        }
        var withoutGrounds = try Fixtures.changsha()
        withoutGrounds.ratingAppeals = nil
        #expect(withoutGrounds.problems().map(\.key) == ["limits.rating-appeal"])
        let text = try Repository.text("Ops/policies/changsha-2020.yaml")
            .replacingOccurrences(of: "\nlimits:\n", with: "\nlimits:\n  feedback:\n    article: \"第二十二条\"\n    default: {working_days: 1}\n")
        let error = try #require(throws: PolicyFileError.self) { try PolicyLoader.parse(text, origin: "changsha-2020.yaml") }
        #expect(error.problems.map(\.key) == ["limits.feedback"], "\(error)")
    }

    // MARK: 11. Assessment

    static func figures(_ id: String, orders: Int, signedOnTime: Int, finishedOnTime: Int, stillOverdue: Int, returned: Int = 0) -> UnitFigures {
        var figures = UnitFigures(unitID: id, unitName: id)
        figures.ordersReceived = orders
        figures.returned = returned
        figures.signDue = orders
        figures.signedOnTime = signedOnTime
        figures.handlingDue = orders
        figures.finishedOnTime = finishedOnTime
        figures.overdue = orders - finishedOnTime
        figures.stillOverdue = stillOverdue
        figures.satisfied = finishedOnTime
        figures.dissatisfied = orders - finishedOnTime
        return figures
    }

    /// 巴林左旗 第三十条 「受理率、办结率、满意率、逾期工单未办结」 are what its score weighs; a unit with one
    /// order, however well handled, is not ranked above units with a period's work.
    @Test func bairinWeighsWhatArticle30NamesAndRanksOnlyUnitsWithEnoughOrders() throws {
        let rules = try Self.policy("bairin-left-banner").assessment
        #expect(Set(rules.weights.keys) == [.acceptanceRate, .onTimeRate, .satisfactionRate, .replyRate])
        let ranked = Assessment(rules: rules).rank([
            Self.figures("one-order", orders: 1, signedOnTime: 1, finishedOnTime: 1, stillOverdue: 0),
            Self.figures("busy", orders: 20, signedOnTime: 18, finishedOnTime: 16, stillOverdue: 1),
            Self.figures("returns", orders: 20, signedOnTime: 20, finishedOnTime: 16, stillOverdue: 1, returned: 8),
        ])
        #expect(ranked.map(\.figures.unitID) == ["busy", "returns", "one-order"])
        #expect(ranked.map(\.rank) == [1, 2, nil])
        #expect(ranked[2].score == 1, "the small unit is scored and shown")
    }

    /// 宜宾 第十一条（四）5 「回复率、满足率、时效性…退办及督办」.
    @Test func yibinWeighsWhatItsArticleNames() throws {
        let rules = try Self.policy("yibin-2007").assessment
        #expect(Set(rules.weights.keys) == [.replyRate, .resolutionRate, .onTimeRate, .acceptanceRate, .unsupervisedRate])
        #expect(rules.formula.contains("回复率") && rules.formula.contains("解决率"))
    }

    // MARK: 12. Validity

    /// 鄂尔多斯 第三十三条 「自印发2019年9月1日起实施，有效期五年」 and 长沙 第四十二条 「自2020年10月1日起施行,
    /// 有效期5年」 have lapsed; the presets say so, and a policy without an end never lapses.
    @Test func lapsedRegulationsAreRecognised() throws {
        let ordos = try Self.policy("ordos-2019").validity
        #expect(ordos.until == CalendarDate("2024-08-31") && ordos.article == "第三十三条")
        let changsha = try Self.policy("changsha-2020").validity
        #expect(!changsha.lapsed(at: Self.at("2025-09-30T23:59:00+08:00")))
        #expect(changsha.lapsed(at: Self.at("2025-10-01T00:00:01+08:00")))
        #expect(changsha.warning(policy: "changsha-2020", version: "2020.11", at: Self.at("2026-12-06T09:00:00+08:00"))?.contains("第四十二条") == true)
        #expect(try !Self.policy("bairin-left-banner").validity.lapsed(at: Self.at("2099-01-01T00:00:00+08:00")))
    }
}
