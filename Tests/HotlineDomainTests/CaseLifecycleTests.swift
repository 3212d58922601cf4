import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// The strict case state machine under the real 长沙 policy (Ops/policies/changsha-2020.yaml),
/// the shipped calendars and the 长沙 unit network: what a hotline centre would notice if a
/// rule of 长沙市12345政务热线运行管理办法 stopped holding. No Kafka, no PostgreSQL.
@Suite struct CaseLifecycleTests {
    let lifecycle: CaseLifecycle

    init() throws {
        let policy = try Fixtures.changsha()
        let calendar = try CalendarLoader.load(name: policy.calendar, directory: Repository.path("Ops/calendars"))
        lifecycle = CaseLifecycle(policy: policy, calendar: calendar, network: try Fixtures.changshaRouter().network)
    }

    static let lead = "yuelu-wangyuehu"
    /// A count that stays inside 2026 rests on that year's notice alone.
    static let official2026 = CalendarBasis(notices: ["国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"], provisionalYears: [])
    static let coUnit = "city-eco"

    static func at(_ text: String) -> Date {
        guard let date = RFC3339.parse(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    /// A case dispatched to 望月湖街道 (with the ecology bureau as co-unit), not yet signed.
    func dispatched(_ category: CategoryCode = .complaint, at time: Date = CaseLifecycleTests.at("2026-11-13T09:00:00+08:00")) -> LifecycleCase {
        LifecycleCase(
            id: UUID(uuidString: "88ee787c-3396-5fb9-9f88-e99bf404320b")!, caseNumber: "20261113-000871",
            policy: .init(id: "changsha-2020", version: "2020.2"), status: .dispatched, category: category, urgent: false,
            round: 1, leadUnitID: Self.lead, coUnitIDs: [Self.coUnit], dispatchedAt: time)
    }

    func byUnit(_ kind: CaseAction.Kind, _ unit: String = lead, at time: String) -> CaseAction {
        CaseAction(eventID: "unit:\(UUID())", caseID: dispatched().id, actor: .unit(id: unit, staffID: "wyh-zhangli"),
                   occurredAt: Self.at(time), kind: kind)
    }

    func byCentre(_ kind: CaseAction.Kind, at time: String) -> CaseAction {
        CaseAction(eventID: "centre:\(UUID())", caseID: dispatched().id, actor: .centre(staffID: "zx-chenjing"),
                   occurredAt: Self.at(time), kind: kind)
    }

    /// Decides an action at the moment it occurred.
    func decide(_ action: CaseAction, on current: LifecycleCase) throws -> CaseLifecycle.Change {
        try lifecycle.decide(action, on: current, now: action.occurredAt)
    }

    /// The refusal of an action that must be refused.
    func refusal(_ action: CaseAction, on current: LifecycleCase) throws -> ActionRefusal {
        try #require(throws: ActionRefusal.self) { try decide(action, on: current) }
    }

    /// The case after its lead unit signed it, an hour after dispatch.
    func signed(_ category: CategoryCode = .complaint, at time: String) throws -> LifecycleCase {
        try decide(byUnit(.sign, at: time), on: dispatched(category, at: Self.at(time).addingTimeInterval(-3600))).after
    }

    let result = ResultReport(handledBy: "望月湖街道城管执法中队 张力", handledAt: CaseLifecycleTests.at("2026-11-24T15:00:00+08:00"),
                              actionTaken: "已责令施工单位22时后停止作业。", outcome: .resolved)

    // MARK: Signing (签收)

    /// 第十七条 「应在次日(工作日)内签收」; 第十九条（二） 投诉 「自签收后10个工作日内办结」: signing meets
    /// the sign clock and starts the handling clock, counted from the signing day.
    @Test func signByTheAssignedUnitStartsTheHandlingClock() throws {
        let change = try decide(byUnit(.sign, at: "2026-11-16T10:00:00+08:00"), on: dispatched())
        let signedAt = Self.at("2026-11-16T10:00:00+08:00")
        #expect(change.after.status == .signed)
        #expect(change.after.signedAt == signedAt)
        // Mon 16 Nov + 10 working days = Mon 30 Nov; warned when one working day remains.
        let due = Self.at("2026-11-30T23:59:59+08:00")
        #expect(change.after.handlingDue == due)
        #expect(change.clocks == [
            .meet(.sign, at: signedAt),
            .start(ClockPlan(obligation: .handling, unitID: Self.lead, startedAt: signedAt, dueAt: due,
                             warnAt: Self.at("2026-11-27T23:59:59+08:00"), limit: .workingDays(10), basis: Self.official2026)),
        ])
        #expect(change.notice?.step == .signed)
        #expect(change.notice?.article == "第十七条")
    }

    /// 第十九条（一） 「咨询类事项,自签收后3个工作日内办结」: the weekend does not count, an
    /// adjusted working Sunday (调休, 2026-09-20 for 国庆节) does.
    @Test func aConsultationSignedOnAFridayIsDueThreeWorkingDaysLater() throws {
        let friday = try signed(.consultation, at: "2026-11-20T16:00:00+08:00")
        #expect(friday.handlingDue == Self.at("2026-11-25T23:59:59+08:00"), "Fri → Mon, Tue, Wed")
        let beforeWorkedSunday = try signed(.consultation, at: "2026-09-18T16:00:00+08:00")
        #expect(beforeWorkedSunday.handlingDue == Self.at("2026-09-22T23:59:59+08:00"), "Fri → Sun 20 (调休), Mon, Tue")
        let complaint = try signed(.complaint, at: "2026-11-20T16:00:00+08:00")
        #expect(complaint.handlingDue == Self.at("2026-12-04T23:59:59+08:00"), "投诉 takes 10 working days")
    }

    /// 第十七条: the 责任单位 that received the order signs it; another unit (even a co-unit
    /// of the case) is refused, and the order still waits for its own unit's signature.
    @Test func signByAnotherUnitIsRefusedAsNotAssigned() throws {
        let case0 = dispatched()
        for other in ["yuelu-meixihu", Self.coUnit] {
            let refused = try refusal(byUnit(.sign, other, at: "2026-11-16T10:00:00+08:00"), on: case0)
            #expect(refused.code == .notAssignedUnit, "\(other)")
            #expect(!refused.reason.contains(Self.lead) && !refused.reason.contains(other), "the refusal names no unit: \(refused.reason)")
        }
        #expect(try decide(byUnit(.sign, at: "2026-11-16T10:05:00+08:00"), on: case0).after.status == .signed)
        // An order already signed cannot be signed a second time.
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        #expect(try refusal(byUnit(.sign, at: "2026-11-16T11:00:00+08:00"), on: signedCase).code == .wrongState)
    }

    // MARK: Actions out of order

    /// 第二十二条: a result is reported on an order the unit has taken (signed); the centre
    /// reviews a return only when one was asked for (第十八条).
    @Test func anActionNotAllowedInTheCurrentStateIsRefused() throws {
        let unsigned = dispatched()
        let submit = try refusal(byUnit(.submitResult(result), at: "2026-11-16T10:00:00+08:00"), on: unsigned)
        #expect(submit.code == .wrongState)
        #expect(submit.reason.contains("is dispatched"), "\(submit.reason)")

        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let approve = try refusal(byCentre(.approveReturn(reason: "同意退回。", redispatchTo: nil), at: "2026-11-17T10:00:00+08:00"), on: signedCase)
        #expect(approve.code == .wrongState)
        #expect(approve.reason.contains("return_requested"), "\(approve.reason)")
        let review = try refusal(byCentre(.approveResult(reason: "同意办结。"), at: "2026-11-17T10:00:00+08:00"), on: signedCase)
        #expect(review.code == .wrongState, "no result was submitted")
    }

    // MARK: Returns (退回)

    /// 第十七条（二） 「应当自签收后2个工作日内申请退回」: signed on a Friday, the window
    /// closes at the end of Tuesday; a request on Wednesday, the third working day, is refused.
    @Test func aReturnAfterTheTwoWorkingDayWindowIsRefused() throws {
        let signedCase = try signed(at: "2026-11-20T10:00:00+08:00")
        let inTime = try decide(byUnit(.requestReturn(reason: "不属于本单位职责。"), at: "2026-11-24T18:00:00+08:00"), on: signedCase)
        #expect(inTime.after.status == .returnRequested)
        #expect(inTime.notice?.step == .returnRequested)

        let late = try refusal(byUnit(.requestReturn(reason: "不属于本单位职责。"), at: "2026-11-25T09:00:00+08:00"), on: signedCase)
        #expect(late.code == .windowClosed)
        #expect(late.article == "第十七条（二）")
        #expect(late.reason.contains("2026-11-24T23:59:59+08:00"), "\(late.reason)")
    }

    /// 第十八条 「退回申请未通过的,由责任单位继续办理」: a denied return puts the order back
    /// in the unit's hands, signed as before.
    @Test func aDeniedReturnLeavesTheOrderWithTheUnit() throws {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let requested = try decide(byUnit(.requestReturn(reason: "不属于本单位职责。"), at: "2026-11-17T10:00:00+08:00"), on: signedCase).after
        let denied = try decide(byCentre(.denyReturn(reason: "属街道属地管理职责。"), at: "2026-11-17T15:00:00+08:00"), on: requested)
        #expect(denied.after.status == .signed)
        #expect(denied.after.leadUnitID == Self.lead)
        #expect(denied.after.handlingDue == signedCase.handlingDue)
        #expect(denied.clocks.isEmpty, "the handling clock keeps running")
    }

    // MARK: Extensions (延期)

    /// The case after one approved extension: signed Mon 16 Nov (due Mon 30 Nov), extended to 4 Dec.
    func extendedOnce() throws -> CaseLifecycle.Change {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let until = try #require(CalendarDate("2026-12-04"))
        let requested = try decide(byUnit(.requestExtension(reason: "需联合执法检测。", until: until), at: "2026-11-25T10:00:00+08:00"), on: signedCase)
        #expect(requested.after.status == .extensionRequested)
        #expect(requested.clocks.isEmpty, "the deadline moves only when the centre approves")
        return try decide(byCentre(.approveExtension(reason: "同意延期。", until: nil), at: "2026-11-25T15:00:00+08:00"), on: requested.after)
    }

    /// 第二十一条 「延期审核通过的,责任单位应向诉求人告知延长期限」: the approved date becomes the
    /// handling deadline, the clock moves with it, and the notice says the caller must be told.
    @Test func anApprovedExtensionMovesTheHandlingDue() throws {
        let change = try extendedOnce()
        let due = Self.at("2026-12-04T23:59:59+08:00")
        #expect(change.after.status == .signed)
        #expect(change.after.handlingDue == due)
        #expect(change.after.extensionsThisRound == 1)
        // The warning is counted back from the new date; the old deadline (30 Nov) is where the count starts.
        #expect(change.clocks == [.move(
            .handling, dueAt: due, warnAt: Self.at("2026-12-03T23:59:59+08:00"), countedFrom: Self.at("2026-11-30T23:59:59+08:00"),
            basis: Self.official2026)])
        #expect(change.notice?.step == .extended)
        #expect(change.notice?.callerToBeTold == true)
        #expect(change.notice?.article == "第二十条、第二十一条")
    }

    /// 第二十条 asks the unit to request 「在办理期限届满前」; the centre's review may come after
    /// that moment and still grant a date of its own.
    @Test func theCentreMayGrantADateAfterTheOldDeadlinePassed() throws {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let asked = try #require(CalendarDate("2026-12-04"))
        let requested = try decide(byUnit(.requestExtension(reason: "需联合执法检测。", until: asked), at: "2026-11-30T16:00:00+08:00"), on: signedCase)
        let granted = try #require(CalendarDate("2026-12-03"))
        let approved = try decide(byCentre(.approveExtension(reason: "同意延期至12月3日。", until: granted), at: "2026-12-01T09:30:00+08:00"), on: requested.after)
        #expect(approved.after.handlingDue == Self.at("2026-12-03T23:59:59+08:00"))
    }

    /// 第二十条 「原则上只能延期1次」: a second request in the same round is refused.
    @Test func aSecondExtensionInTheSameRoundIsRefused() throws {
        let extended = try extendedOnce().after
        let until = try #require(CalendarDate("2026-12-10"))
        let second = try refusal(byUnit(.requestExtension(reason: "检测报告仍未出具。", until: until), at: "2026-12-01T10:00:00+08:00"), on: extended)
        #expect(second.code == .limitReached)
        #expect(second.article == "第二十条、第二十一条")
    }

    /// 第二十一条 「延期申请未通过的,由责任单位继续办理」: a denied request is not an extension,
    /// so the unit may still ask once more.
    @Test func aDeniedExtensionDoesNotUseUpTheOneExtension() throws {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let until = try #require(CalendarDate("2026-12-04"))
        let requested = try decide(byUnit(.requestExtension(reason: "需联合执法检测。", until: until), at: "2026-11-25T10:00:00+08:00"), on: signedCase)
        let denied = try decide(byCentre(.denyExtension(reason: "理由不充分。"), at: "2026-11-25T15:00:00+08:00"), on: requested.after)
        #expect(denied.after.status == .signed)
        #expect(denied.after.handlingDue == Self.at("2026-11-30T23:59:59+08:00"))
        let again = try decide(byUnit(.requestExtension(reason: "已取得检测排期。", until: until), at: "2026-11-26T10:00:00+08:00"), on: denied.after)
        #expect(again.after.status == .extensionRequested)
    }

    /// 第二十条 「应当在办理期限届满前提出延期申请」.
    @Test func anExtensionAskedForAfterTheLimitPassedIsRefused() throws {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let until = try #require(CalendarDate("2026-12-04"))
        let late = try refusal(byUnit(.requestExtension(reason: "需联合执法检测。", until: until), at: "2026-12-01T09:00:00+08:00"), on: signedCase)
        #expect(late.code == .windowClosed)
    }

    // MARK: Review of results (办结审核)

    /// 第二十二条: submitting the result meets the handling clock (the policy's review rule)
    /// and starts the centre's review clock; approving it resolves the case.
    @Test func approvingASubmittedResultResolvesTheCase() throws {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let submittedAt = Self.at("2026-11-24T17:00:00+08:00")
        let submitted = try decide(byUnit(.submitResult(result), at: "2026-11-24T17:00:00+08:00"), on: signedCase)
        #expect(submitted.after.status == .resultSubmitted)
        #expect(submitted.clocks.first == .meet(.handling, at: submittedAt))
        guard case let .start(review)? = submitted.clocks.last else {
            Issue.record("no review clock: \(submitted.clocks)")
            return
        }
        #expect(review.obligation == .review && review.unitID == nil)
        #expect(review.dueAt == Self.at("2026-11-25T23:59:59+08:00"), "1 working day for the centre")

        let approved = try decide(byCentre(.approveResult(reason: "办理结果属实。"), at: "2026-11-25T10:00:00+08:00"), on: submitted.after)
        #expect(approved.after.status == .resolved)
        #expect(approved.clocks.contains(.meet(.review, at: Self.at("2026-11-25T10:00:00+08:00"))))
        #expect(approved.notice?.step == .resolved)
    }

    /// 第三十三条 「发回重办」: a rejected result goes back to the same unit, whose handling
    /// clock resumes with its old deadline, and the unit reports again.
    @Test func rejectingAResultKeepsTheUnitOnIt() throws {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let submitted = try decide(byUnit(.submitResult(result), at: "2026-11-24T17:00:00+08:00"), on: signedCase).after
        let rejected = try decide(byCentre(.rejectResult(reason: "诉求人反映仍在夜间施工。"), at: "2026-11-25T10:00:00+08:00"), on: submitted)
        #expect(rejected.after.status == .signed)
        #expect(rejected.after.leadUnitID == Self.lead)
        #expect(rejected.after.round == signedCase.round)
        #expect(rejected.after.handlingDue == Self.at("2026-11-30T23:59:59+08:00"))
        #expect(rejected.clocks == [.meet(.review, at: Self.at("2026-11-25T10:00:00+08:00")), .resume(.handling)])
        #expect(rejected.notice?.step == .resultRejected)
        #expect(try decide(byUnit(.submitResult(result), at: "2026-11-26T10:00:00+08:00"), on: rejected.after).after.status == .resultSubmitted)
    }

    // MARK: Re-dispatch (改派)

    /// 第十八条 「同意退回的,进行职责界定后再次转派」: the order moves to another unit in a new
    /// round; the old unit's clocks stop, the new unit has a day to sign, and the old unit can
    /// no longer act on it.
    @Test func redispatchMovesTheCaseToAnotherUnit() throws {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let target = CaseAction.Redispatch(leadUnitID: "city-urban", coUnitIDs: [Self.lead])
        let change = try decide(byCentre(.redispatch(target, reason: "改由市城管执法局牵头。"), at: "2026-11-18T10:00:00+08:00"), on: signedCase)
        #expect(change.after.status == .dispatched)
        #expect(change.after.leadUnitID == "city-urban")
        #expect(change.after.coUnitIDs == [Self.lead])
        #expect(change.after.round == 2)
        #expect(change.after.signedAt == nil && change.after.handlingDue == nil)
        #expect(change.dispatch?.lead.id == "city-urban")
        #expect(change.dispatch?.ruleID == "centre")
        #expect(change.clocks.first == .cancelAll)
        guard case let .start(sign)? = change.clocks.last else {
            Issue.record("no sign clock: \(change.clocks)")
            return
        }
        #expect(sign.obligation == .sign && sign.unitID == "city-urban")
        #expect(sign.dueAt == Self.at("2026-11-19T23:59:59+08:00"), "次日(工作日)内签收")

        let oldUnit = try refusal(byUnit(.submitResult(result), Self.lead, at: "2026-11-19T10:00:00+08:00"), on: change.after)
        #expect(oldUnit.code == .notAssignedUnit)
        #expect(try decide(byUnit(.sign, "city-urban", at: "2026-11-19T09:00:00+08:00"), on: change.after).after.status == .signed)
    }

    @Test func redispatchToAUnitOutsideTheNetworkIsRefused() throws {
        let signedCase = try signed(at: "2026-11-16T10:00:00+08:00")
        let target = CaseAction.Redispatch(leadUnitID: "city-nowhere")
        let refused = try refusal(byCentre(.redispatch(target, reason: "改派。"), at: "2026-11-18T10:00:00+08:00"), on: signedCase)
        #expect(refused.code == .unknownUnit)
    }
}
