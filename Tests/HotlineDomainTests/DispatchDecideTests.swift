import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import Testing
@testable import HotlineWorkers

/// The dispatch worker decides a whole batch over the state loaded for it, with no
/// PostgreSQL: given the cases and clocks, the exact rows and events each event makes, and
/// a later event of the batch seeing what an earlier one did.
@Suite struct DispatchDecideTests {
    let handler: DispatchHandler
    let edition: PolicyArchive.Edition
    static let policy = CaseEvent.PolicyRef(id: "changsha-2020", version: "2020.12")
    static let caseID = UUID(uuidString: "6f1c3b2e-0c4e-4a53-9d2a-1e7f3a9b8c01")!
    /// 2026-11-13T09:00:00+08:00, a Friday.
    static let now = CaseLifecycleTests.at("2026-11-13T09:00:00+08:00")
    static let noise = "望月湖小区旁边的工地夜间施工，噪音很大，影响休息。"

    init() throws {
        let archive = try PolicyArchive(
            policyFile: Fixtures.changshaPolicyFile, policyID: "changsha-2020", calendarDirectory: Repository.path("Ops/calendars"))
        edition = archive.running
        handler = DispatchHandler(
            router: try Fixtures.changshaRouter(), archive: archive, vault: try PersonalDataVaultTests.vault(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func view(_ cases: [LifecycleCase], text: String = noise, areaCode: String? = "430104007", clocks: [ClockRecord] = []) throws -> DispatchView {
        var view = DispatchView()
        for lifecycle in cases {
            view.cases[lifecycle.id] = DispatchCase(
                lifecycle: lifecycle, areaCode: areaCode, text: text, channel: .phone,
                sealed: try handler.vault.sealNewCase(lifecycle.id, caller: Caller(), subject: nil, content: text))
            view.appeals[lifecycle.id] = StoredAppeal(
                appeal: WorkOrderAppeal(subject: nil, content: text, areaCode: areaCode, confidential: false),
                sealed: SealedCase(caseID: lifecycle.id, dataKey: nil, callerSealed: [], callerKeyID: "k1", appealSealed: nil))
        }
        view.clocks = ClockBook(clocks)
        view.editions[Self.policy] = edition
        return view
    }

    func accepted(_ id: UUID = caseID, number: String = "20261113-000001") -> LifecycleCase {
        LifecycleCase(
            id: id, caseNumber: number, policy: Self.policy, status: .accepted, category: .complaint, urgent: false, round: 0,
            leadUnitID: nil, dispatchedAt: nil)
    }

    func delivery(_ offset: Int64, _ event: DispatchEvent) -> Delivery<DispatchEvent> {
        Delivery(
            message: ConsumedMessage(topic: "t", partition: 0, offset: offset, timestampMilliseconds: nil, key: nil, value: [], headers: []),
            event: event, eventID: "evt-\(offset)")
    }

    func action(_ offset: Int64, _ kind: CaseAction.Kind, by actor: ActionActor) -> Delivery<DispatchEvent> {
        delivery(offset, .action(CaseAction(eventID: "evt-\(offset)", caseID: Self.caseID, actor: actor, occurredAt: Self.now, kind: kind)))
    }

    func types(_ effects: DispatchEffects) -> [String] {
        effects.outbox.map { "\($0.topic) \($0.headers["hotline-event-type"] ?? "-")" }
    }

    /// 长沙 第十六条（二）, 第十七条: an accepted case goes to the units the routing rule names, round 1,
    /// with its sign clock (next working day) and, as 长沙 counts handling from signing, no
    /// handling clock yet.
    @Test func anAcceptedCaseIsDispatchedWithItsClocks() throws {
        let effects = try handler.decide([delivery(1, .accepted(caseID: Self.caseID))], view: try view([accepted()]), now: Self.now)
        #expect(effects.assignments.map { "\($0.unit.id) \($0.role) \($0.round) \($0.current)" } == ["city-housing lead 1 true", "city-urban co 1 true"])
        #expect(effects.cases.map(\.lifecycle.status) == [.dispatched])
        #expect(effects.clocks.map { "\($0.obligation.rawValue) \($0.state.rawValue) \(RFC3339.formatSeconds($0.dueAt))" }
            == ["sign open 2026-11-16T23:59:59+08:00"])
        #expect(effects.history.map(\.action) == ["dispatched"])
        #expect(types(effects) == ["hotline.cases.v1 case.dispatched"])
        #expect(effects.queue.isEmpty, "routed at once, never queued: the manual queue is not touched")
    }

    /// 巴林左旗 第十二条 派单: the dispatch issues one work order per unit of the round, each
    /// to be sealed to the unit's key as the view holds it at the batch's instant; a unit
    /// with no key is left without one (its order is withheld at flush).
    @Test func aDispatchIssuesAWorkOrderPerUnit() throws {
        var view = try view([accepted()])
        view.sealingKeys["city-housing"] = PartySealingKey(keyID: "city-housing:sealing:1", publicKey: Array(repeating: 1, count: 32))
        let effects = try handler.decide([delivery(1, .accepted(caseID: Self.caseID))], view: view, now: Self.now)
        #expect(effects.workOrders.map { "\($0.draft.order.unitID) \($0.draft.order.role.rawValue) \($0.draft.order.kind.rawValue) \($0.key?.keyID ?? "no key")" }
            == ["city-housing lead dispatch city-housing:sealing:1", "city-urban co dispatch no key"])
        #expect(effects.workOrders.allSatisfy { $0.draft.order.signDue.map(RFC3339.formatSeconds) == "2026-11-16T23:59:59+08:00" })
        #expect(effects.workOrders.allSatisfy { $0.draft.content.content == Self.noise })
    }

    /// A unit's sign in the same batch as the dispatch sees the case dispatched: it is
    /// signed, its sign clock met and its handling clock started; the case is written once.
    @Test func aSignInTheSameBatchSeesTheDispatch() throws {
        let effects = try handler.decide(
            [delivery(1, .accepted(caseID: Self.caseID)), action(2, .sign, by: .unit(id: "city-housing", staffID: "s1"))],
            view: try view([accepted()]), now: Self.now)
        #expect(effects.cases.count == 1)
        #expect(effects.cases.first?.lifecycle.status == .signed)
        #expect(effects.clocks.map { "\($0.obligation.rawValue) \($0.state.rawValue)" } == ["sign met", "handling open"])
        #expect(types(effects) == ["hotline.cases.v1 case.dispatched", "hotline.cases.v1 case.signed", "hotline.action-outcomes.v1 action.accepted"])
    }

    /// A centre precedent for the category and area (长沙 第二十三条) routes before the rules.
    @Test func aPrecedentRoutesBeforeTheRules() throws {
        var given = try view([accepted()])
        let key = RoutingPrecedent.Key(category: .complaint, areaCode: "430104007")
        given.precedents[key] = RoutingPrecedent(key: key, lead: "city-eco", coUnits: [], basisCase: UUID(), decidedAt: Self.now)
        let effects = try handler.decide([delivery(1, .accepted(caseID: Self.caseID))], view: given, now: Self.now)
        #expect(effects.assignments.map(\.unit.id) == ["city-eco"])
        #expect(effects.assignments.first?.ruleID == "precedent")
    }

    /// No rule matches: the case waits in the manual-dispatch queue, announced, never dropped.
    @Test func aCaseNoRuleMatchesWaitsForADispatcher() throws {
        let effects = try handler.decide(
            [delivery(1, .accepted(caseID: Self.caseID))], view: try view([accepted()], text: "我想问一个问题", areaCode: nil), now: Self.now)
        #expect(effects.assignments.isEmpty && effects.clocks.isEmpty)
        #expect(effects.cases.map(\.lifecycle.status) == [.awaitingManualDispatch])
        guard case .queued? = effects.queue[Self.caseID] else { Issue.record("not queued: \(effects.queue)"); return }
        #expect(types(effects) == ["hotline.cases.v1 case.dispatch_pending"])
    }

    /// A case no rule matched leaves the manual-dispatch queue when the centre dispatches it
    /// (长沙 第十六条（二）), in the same batch as its queuing or a later one.
    @Test func aQueuedCaseLeavesTheQueueWhenTheCentreDispatchesIt() throws {
        let given = try view([accepted()], text: "我想问一个问题", areaCode: nil)
        let queued = try handler.decide([delivery(1, .accepted(caseID: Self.caseID))], view: given, now: Self.now)
        var waiting = given
        waiting.cases[Self.caseID]?.lifecycle = try #require(queued.cases.first?.lifecycle)
        let dispatch = action(2, .redispatch(.init(leadUnitID: "city-eco"), reason: "职责"), by: .centre(staffID: "c1"))
        let later = try handler.decide([dispatch], view: waiting, now: Self.now)
        #expect(later.assignments.map(\.unit.id) == ["city-eco"])
        #expect(later.queue == [Self.caseID: .resolved(at: Self.now)])
        let together = try handler.decide([delivery(1, .accepted(caseID: Self.caseID)), dispatch], view: given, now: Self.now)
        #expect(together.queue == [Self.caseID: .resolved(at: Self.now)], "queued and resolved in one batch: nothing left waiting")
    }

    /// A sign by a unit that does not hold the order is refused with a reason and changes nothing.
    @Test func aSignByAnotherUnitIsRefusedAndChangesNothing() throws {
        let effects = try handler.decide(
            [delivery(1, .accepted(caseID: Self.caseID)), action(2, .sign, by: .unit(id: "city-eco", staffID: "s1"))],
            view: try view([accepted()]), now: Self.now)
        #expect(effects.cases.first?.lifecycle.status == .dispatched)
        let refused = try #require(effects.outbox.last)
        #expect(refused.headers["hotline-event-type"] == "action.refused")
        #expect(String(decoding: refused.payload, as: UTF8.self).contains("not_assigned_unit"))
    }

    /// A case already dispatched is not routed again by a redelivered `case.accepted`.
    @Test func aCaseAlreadyDispatchedIsNotRoutedAgain() throws {
        var dispatched = accepted()
        dispatched.status = .dispatched
        dispatched.round = 1
        dispatched.leadUnitID = "city-housing"
        let effects = try handler.decide([delivery(1, .accepted(caseID: Self.caseID))], view: try view([dispatched]), now: Self.now)
        #expect(effects.cases.isEmpty && effects.outbox.isEmpty && effects.assignments.isEmpty)
    }

    /// A lifecycle event about a case this database does not hold is set aside with a reason.
    @Test func anEventAboutAnUnknownCaseIsSetAside() throws {
        let effects = try handler.decide([delivery(1, .accepted(caseID: UUID()))], view: try view([]), now: Self.now)
        #expect(effects.rejections.map(\.rejection.reason) == [.processingError])
    }

    /// Two re-dispatches in one batch: only the last round's units stay current; the first
    /// round's clocks are cancelled by the second.
    @Test func twoRedispatchesInOneBatchLeaveOnlyTheLastRoundCurrent() throws {
        let centre = ActionActor.centre(staffID: "c1")
        let effects = try handler.decide([
            delivery(1, .accepted(caseID: Self.caseID)),
            action(2, .redispatch(.init(leadUnitID: "city-eco"), reason: "职责"), by: centre),
            action(3, .redispatch(.init(leadUnitID: "city-urban"), reason: "属地"), by: centre),
        ], view: try view([accepted()]), now: Self.now)
        #expect(effects.assignments.map { "\($0.unit.id) \($0.round) \($0.current)" }
            == ["city-housing 1 false", "city-urban 1 false", "city-eco 2 false", "city-urban 3 true"])
        #expect(effects.cases.first?.lifecycle.round == 3)
        #expect(effects.clocks.map { "\($0.round) \($0.obligation.rawValue) \($0.state.rawValue)" } == ["1 sign cancelled", "2 sign cancelled", "3 sign open"])
    }

    /// The centre's reason goes into the history sealed under the case's data key (issue 20
    /// item 3): the row keeps who, what and which round in clear, and the reason opens with
    /// the case's key.
    @Test func aReasonIsKeptSealedInTheHistory() throws {
        let given = try view([accepted()])
        let effects = try handler.decide([
            delivery(1, .accepted(caseID: Self.caseID)),
            action(2, .redispatch(.init(leadUnitID: "city-eco"), reason: "刘先生来电说明应由生态环境局处理"), by: .centre(staffID: "c1")),
        ], view: given, now: Self.now)
        let row = try #require(effects.history.last { $0.action == "redispatch" })
        #expect(!row.detailJSON.contains("刘先生"))
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(row.detailJSON.utf8)) as? [String: String])
        #expect(detail["reason"] == nil && detail["lead_unit"] == "city-eco" && detail["staff_id"] == "c1")
        let stored = try #require(StoredHistoryText(
            clear: nil, sealed: detail[HistoryFreeText.sealedMember], keyID: detail[HistoryFreeText.sealedKeyMember]))
        let sealed = try #require(given.cases[Self.caseID]?.sealed)
        #expect(try handler.vault.open(stored, member: "reason", of: sealed) == "刘先生来电说明应由生态环境局处理")
    }
}
