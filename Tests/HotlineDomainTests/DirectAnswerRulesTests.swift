import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// 即时办结 and the centre's own reply, with the real policies: 长沙 第十六条（一）「可根据信息库内容等
/// 当场答复诉求人的,直接在线办结;未查找到相关信息的,可在取得诉求人同意后,通过三方通话、短信回复或回拨电话等
/// 方式在1个工作日内进行答复」.
@Suite struct DirectAnswerRulesTests {
    let policy: Policy
    let decider: IntakeDecider
    let calendar: WorkingDayCalendar

    init() throws {
        policy = try Fixtures.changsha()
        decider = IntakeDecider(policy: policy)
        calendar = try CalendarLoader.load(name: policy.calendar, directory: Repository.path("Ops/calendars"))
    }

    static let question = "请问长沙市住房公积金提取需要哪些材料？"
    static let answer = KnowledgeAnswer(entryID: "gjj-withdrawal-materials", version: 2)

    func event(answeredFrom: KnowledgeAnswer? = nil, notFound: Bool = false) -> IntakeEvent {
        var event = Fixtures.event(content: Self.question)
        event.answeredFrom = answeredFrom
        event.knowledgeNotFound = notFound
        return event
    }

    @Test func anApprovedVersionClosesTheCaseAtOnce() {
        let approved = KnowledgeAnswer.Found(state: .approved, decidedAt: Fixtures.receivedAt.addingTimeInterval(-86_400))
        let decision = decider.decide(event(answeredFrom: Self.answer), openCases: [], answered: approved)
        #expect(decision == .answerDirectly(category: .consultation, source: .text, Self.answer))
    }

    @Test func aDirectAnswerIsNotMergedIntoASimilarOpenCase() {
        let open = OpenCaseCandidate(caseID: UUID(), caseNumber: "20261001-000017", category: .consultation, areaCode: nil, text: Self.question)
        let approved = KnowledgeAnswer.Found(state: .approved, decidedAt: Fixtures.receivedAt)
        guard case .answerDirectly = decider.decide(event(answeredFrom: Self.answer), openCases: [open], answered: approved) else {
            Issue.record("the operator's answer closes its own case")
            return
        }
    }

    @Test func anUnknownVersionIsRefused() throws {
        let decision = decider.decide(event(answeredFrom: Self.answer), openCases: [], answered: nil)
        guard case let .refuse(rejection) = decision else { Issue.record("expected a refusal, got \(decision)"); return }
        #expect(rejection.reason == .unknownEntryVersion)
        #expect(rejection.field == "/answered_from")
    }

    @Test(arguments: [
        KnowledgeAnswer.Found(state: .pending, decidedAt: nil),
        KnowledgeAnswer.Found(state: .rejected, decidedAt: Fixtures.receivedAt.addingTimeInterval(-60)),
        KnowledgeAnswer.Found(state: .approved, decidedAt: Fixtures.receivedAt.addingTimeInterval(60)),
    ])
    func aVersionNotShownWhenTheAppealCameIsRefused(found: KnowledgeAnswer.Found) {
        let decision = decider.decide(event(answeredFrom: Self.answer), openCases: [], answered: found)
        guard case let .refuse(rejection) = decision else { Issue.record("expected a refusal, got \(decision)"); return }
        #expect(rejection.reason == .unknownEntryVersion)
        #expect(rejection.field == "/answered_from/version")
    }

    @Test func anEmergencyIsRedirectedEvenWithAnAnswer() {
        var fire = event(answeredFrom: Self.answer)
        fire.content = "我家楼下的餐馆着火了，火势很大！"
        guard case .redirect = decider.decide(fire, openCases: [], answered: nil) else {
            Issue.record("redirects come first")
            return
        }
    }

    @Test func nothingFoundWaitsForTheCentresReplyUnderChangsha() {
        #expect(decider.decide(event(notFound: true), openCases: []) == .awaitReply(category: .consultation, source: .text))
    }

    @Test func nothingFoundIsDispatchedWhereThePolicySetsNoReplyLimit() throws {
        let bairin = try PolicyLoader.load(file: Repository.path("Ops/policies/bairin-left-banner.yaml"))
        #expect(bairin.rule(for: .reply) == nil)
        guard case .accept = IntakeDecider(policy: bairin).decide(event(notFound: true), openCases: []) else {
            Issue.record("巴林左旗 第十一条 sends what cannot be answered to a unit")
            return
        }
    }

    @Test func theReplyIsDueWithinOneWorkingDay() throws {
        // Friday 9 October 2026, 10:15 → Saturday 10 October, 23:59:59: a worked day (调休 for 国庆节).
        let clock = try #require(try ReplyObligation(policy: policy, calendar: calendar).clock(
            category: .consultation, urgent: false, acceptedAt: Fixtures.receivedAt))
        #expect(clock.obligation == .reply)
        #expect(clock.unitID == nil)
        #expect(RFC3339.formatSeconds(clock.dueAt) == "2026-10-10T23:59:59+08:00")
    }

    @Test func theCentresReplyResolvesTheCaseAndMeetsTheClock() throws {
        let network = try Fixtures.changshaRouter().network
        let lifecycle = CaseLifecycle(policy: policy, calendar: calendar, network: network)
        let waiting = LifecycleCase(
            id: UUID(), caseNumber: "20261009-000001", policy: .init(id: policy.policy, version: policy.version),
            status: .awaitingReply, category: .consultation, urgent: false, round: 0, leadUnitID: nil, dispatchedAt: nil)
        let reply = CaseAction(
            eventID: "centre:reply-1", caseID: waiting.id, actor: .centre(staffID: "zx-chenjing"), occurredAt: Fixtures.receivedAt,
            kind: .reply(reason: "已回拨诉求人告知办理材料。"))
        let change = try lifecycle.decide(reply, on: waiting, now: Fixtures.receivedAt)
        #expect(change.after.status == .resolved)
        #expect(change.clocks == [.meet(.reply, at: Fixtures.receivedAt)])
        #expect(change.notice?.step == .resolved)
        #expect(change.notice?.article == "第十六条（一）")
        #expect(change.dispatch == nil)

        var dispatched = waiting
        dispatched.status = .dispatched
        #expect(throws: ActionRefusal.self) { try lifecycle.decide(reply, on: dispatched, now: Fixtures.receivedAt) }
    }

    @Test func aDecodedAnswerKeepsEntryAndVersion() throws {
        let bytes = Array(#"{"schema_version":1,"event_id":"ivr-20261009-0001","channel":"phone","external_id":"CALL-1","received_at":"2026-10-09T10:15:00+08:00","caller":{},"content":"请问公积金怎么提取？","answered_from":{"entry_id":"gjj-withdrawal-materials","version":2}}"#.utf8)
        let event = try IntakeEventDecoder().decode(bytes).get()
        #expect(event.answeredFrom == Self.answer)
        #expect(!event.knowledgeNotFound)
    }

    @Test func onlyChangshaCallsDirectAnswersBack() throws {
        #expect(policy.knowledgeRules.directAnswerCallbackArticle == "第二十五条")
        for id in ["bairin-left-banner", "ordos-2019", "yibin-2007", "lanxi-2010"] {
            let other = try PolicyLoader.load(file: Repository.path("Ops/policies/\(id).yaml"))
            #expect(other.knowledgeRules.directAnswerCallbackArticle == nil, "\(id)")
            #expect(other.rule(for: .reply) == nil, "\(id)")
        }
    }

    /// 巴林左旗 第十五条（八）: one late upload in the 20-working-day window supervises the unit.
    @Test func bairinSupervisesAUnitForASingleLateUpload() throws {
        let bairin = try PolicyLoader.load(file: Repository.path("Ops/policies/bairin-left-banner.yaml"))
        let rule = try #require(Supervisor(policy: bairin, calendar: calendar).rule(for: .knowledgeLate))
        #expect(rule.article == "第十五条（八）" && rule.windowWorkingDays == 20 && rule.maxLateUploads == 0)
        let review = UnitRateReview(rule: rule, calendar: calendar)
        let window = try review.window(before: try #require(CalendarDate("2026-10-28")))
        #expect(review.knowledgeFigures(lateUploads: 1, window: window).isLate)
        #expect(!review.knowledgeFigures(lateUploads: 0, window: window).isLate)
        #expect(SupervisionTrigger.unitTriggers.contains(.knowledgeLate) && !SupervisionTrigger.caseTriggers.contains(.knowledgeLate))
        #expect(Supervisor(policy: policy, calendar: calendar).rule(for: .knowledgeLate) == nil, "长沙 names no such trigger")
    }
}
