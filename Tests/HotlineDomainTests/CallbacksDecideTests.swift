import Foundation
import HotlineDomain
import HotlineKafka
@testable import HotlinePostgres
import Logging
import Testing
@testable import HotlineWorkers

/// The callbacks worker decides a batch over the state loaded for it, with no PostgreSQL:
/// the callback (回访) a resolution calls for under 长沙 第二十五、二十六条, and what a citizen's
/// result does to its task.
@Suite struct CallbacksDecideTests {
    let handler: CallbacksHandler
    let vault: PersonalDataVault
    let edition: PolicyArchive.Edition
    static let policy = CaseEvent.PolicyRef(id: "changsha-2020", version: "2020.12")
    static let caseID = UUID(uuidString: "6f1c3b2e-0c4e-4a53-9d2a-1e7f3a9b8c03")!
    /// 2026-11-16T10:00:00+08:00, a Monday.
    static let now = CaseLifecycleTests.at("2026-11-16T10:00:00+08:00")

    init() throws {
        let archive = try PolicyArchive(
            policyFile: Fixtures.changshaPolicyFile, policyID: "changsha-2020", calendarDirectory: Repository.path("Ops/calendars"))
        edition = archive.running
        vault = try PersonalDataVaultTests.vault()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        handler = CallbacksHandler(
            archive: archive, desk: CallbackDesk(vault: vault, sealer: ContactSealer(key: KeyConfiguration.DataKey(id: "contact1", key: Array(repeating: 5, count: 32))), logger: logger),
            logger: logger)
    }

    func view(tasks: [CallbackTaskRow] = [], slots: Set<CallbackSlot> = []) throws -> CallbacksView {
        var view = CallbacksView()
        let sealed = try vault.sealNewCase(Self.caseID, caller: Caller(phone: "13874812345"), subject: nil, content: "楼道灯坏了。")
        view.subjects[Self.caseID] = CallbackSubject(
            caseNumber: "20261113-000001", policyID: Self.policy.id, policyVersion: Self.policy.version, round: 1,
            leadUnitID: "city-housing", confidential: false,
            sealed: sealed)
        // The unit's reply as dispatch keeps it in the history: sealed under the case's key.
        let row = try vault.sealingFreeText(in: ["reason": "已修复。"], of: sealed)
        view.approved[Self.caseID] = ApprovedResult(
            result: HandlingResult(outcome: .resolved, unitID: "city-housing", unitName: "市住建局"),
            reply: StoredHistoryText(clear: nil, sealed: row[HistoryFreeText.sealedMember], keyID: row[HistoryFreeText.sealedKeyMember]),
            submittedAt: Self.now.addingTimeInterval(-3600))
        for task in tasks { view.tasks[task.id] = task }
        view.slots = slots
        view.editions[Self.policy] = edition
        return view
    }

    func resolved(_ offset: Int64) -> Delivery<CallbacksHandler.Event> {
        Delivery(
            message: ConsumedMessage(topic: TopicName.cases, partition: 0, offset: offset, timestampMilliseconds: nil, key: nil, value: [], headers: []),
            event: .lifecycle(caseID: Self.caseID, facts: CaseEventFacts(type: "case.resolved")), eventID: "evt-\(offset)")
    }

    static let ivr = Party(id: "callback-desk", kind: .callbackAdapter, displayName: "IVR")

    func result(
        _ offset: Int64, task: UUID, rating: CallbackRating?, outcome: CallbackResult.Outcome = .answered, from sender: Party = ivr
    ) -> Delivery<CallbacksHandler.Event> {
        Delivery(
            message: ConsumedMessage(topic: TopicName.callbackResults, partition: 0, offset: offset, timestampMilliseconds: nil, key: nil, value: [], headers: []),
            event: .result(CallbackResult(
                eventID: "res-\(offset)", taskID: task, outcome: outcome, rating: rating, resolved: rating == nil ? nil : true, comment: nil,
                calledBy: "ivr", calledAt: Self.now), sender: sender),
            eventID: "res-\(offset)")
    }

    func task(_ channel: CallbackChannel, attempt: Int = 1, performer: String? = nil) -> CallbackTaskRow {
        CallbackTaskRow(
            id: UUID(), caseID: Self.caseID, caseNumber: "20261113-000001", policyID: Self.policy.id, policyVersion: Self.policy.version,
            round: 1, unitID: "city-housing", state: "open", task: OpenCallbackTask(attempt: attempt, channel: channel, performerUnitID: performer))
    }

    /// Issue 19: a result counts only from the task's performer. A task the unit performs
    /// (宜宾 第十一条（五）2 「责任单位对所经办的信件，要跟踪回访」) is not rated by another unit, nor
    /// by a callback adapter; a centre task is not rated by a unit. Nothing is settled, the
    /// message is dead-lettered `forbidden`, and the answer names no case.
    @Test func aResultNotSignedByTheTasksPerformerIsForbiddenAndSettlesNothing() throws {
        let unitTask = task(.manual, performer: "city-housing")
        let centreTask = task(.manual)
        let otherUnit = Party(id: "city-urban", kind: .unit, displayName: "城管局")
        for (row, sender) in [(unitTask, otherUnit), (unitTask, Self.ivr), (centreTask, otherUnit)] {
            let effects = try handler.decide(
                [result(1, task: row.id, rating: .satisfied, from: sender)], view: try view(tasks: [row]), now: Self.now)
            #expect(effects.rejections.map(\.rejection.reason) == [.forbidden], "\(sender.id) on \(row.task.performerUnitID ?? "centre")")
            #expect(effects.taskChanges.isEmpty && effects.issued.isEmpty && effects.history.isEmpty)
            #expect(types(effects) == ["callback.result_refused"])
            #expect(!String(decoding: effects.outbox[0].payload, as: UTF8.self).contains("20261113-000001"), "the answer names no case")
        }
        let own = try handler.decide(
            [result(1, task: unitTask.id, rating: .satisfied, from: Party(id: "city-housing", kind: .unit, displayName: "住建局"))],
            view: try view(tasks: [unitTask]), now: Self.now)
        #expect(own.rejections.isEmpty && types(own).contains("callback.result_accepted"))
    }

    func types(_ effects: CallbacksEffects) -> [String] {
        effects.outbox.map { $0.headers["hotline-event-type"] ?? "-" }
    }

    /// 长沙 第二十五条 「全面回访」, 第二十六条 automatic call: a resolved case is told its result and
    /// gets an automatic callback, whose clock is met as it is issued; the caller is told it comes.
    @Test func aResolvedCaseIsToldItsResultAndCalledBackAutomatically() throws {
        let effects = try handler.decide([resolved(1)], view: try view(), now: Self.now)
        #expect(effects.issued.map { "\($0.plan.channel.rawValue) \($0.plan.attempt) \($0.round)" } == ["automatic_call 1 1"])
        #expect(effects.clocks.map { "\($0.obligation.rawValue) \($0.state.rawValue)" } == ["callback met"])
        #expect(types(effects) == ["notification.requested", "callback.task_issued", "notification.requested"])
        #expect(effects.history.map(\.action) == ["notified", "callback_issued", "notified"])
    }

    /// A resolution seen again (its task already issued) issues no second task.
    @Test func aTaskIsIssuedOncePerRoundAndAttempt() throws {
        let effects = try handler.decide(
            [resolved(1)], view: try view(slots: [CallbackSlot(caseID: Self.caseID, round: 1, attempt: 1)]), now: Self.now)
        #expect(effects.issued.isEmpty)
        #expect(types(effects) == ["notification.requested"])
    }

    /// 第二十六条 「通过自动回访方式显示诉求人对结果不满意的…应在1个工作日内再次进行人工回访」: an automatic
    /// 不满意 ends the task and issues a manual one due the next working day.
    @Test func anAutomaticDissatisfiedRatingIsFollowedByAManualCallback() throws {
        let automatic = task(.automaticCall)
        let effects = try handler.decide([result(1, task: automatic.id, rating: .dissatisfied)], view: try view(tasks: [automatic]), now: Self.now)
        #expect(effects.taskChanges.map { "\($0.state ?? "-") \($0.rating?.rawValue ?? "-")" } == ["followed_up dissatisfied"])
        #expect(effects.issued.map { "\($0.plan.channel.rawValue) \($0.plan.attempt)" } == ["manual 2"])
        #expect(effects.issued.first.map { RFC3339.formatSeconds($0.plan.dueAt) } == "2026-11-17T23:59:59+08:00")
        #expect(types(effects).last == "callback.result_accepted")
    }

    /// A manual callback's rating ends the round: the task is rated, its clock met, the
    /// case rated on `hotline.cases.v1`; a second result for it in the same batch is refused.
    @Test func aManualRatingRatesTheRoundOnce() throws {
        let manual = task(.manual, attempt: 2)
        var given = try view(tasks: [manual])
        given.clocks = ClockBook([ClockRecord(
            caseID: Self.caseID, round: 1, obligation: .callback, unitID: nil, startedAt: Self.now, dueAt: Self.now.addingTimeInterval(86_400),
            warnAt: nil, state: .open, nextFireAt: Self.now.addingTimeInterval(86_400), countedFrom: Self.now, limit: .workingDays(1),
            basis: "", provisional: false)])
        let effects = try handler.decide(
            [result(1, task: manual.id, rating: .satisfied), result(2, task: manual.id, rating: .dissatisfied)], view: given, now: Self.now)
        #expect(effects.taskChanges.map { "\($0.state ?? "-") \($0.rating?.rawValue ?? "-")" } == ["rated satisfied"])
        #expect(effects.clocks.map { "\($0.obligation.rawValue) \($0.state.rawValue)" } == ["callback met"])
        #expect(types(effects) == ["case.rated", "callback.result_accepted", "callback.result_refused"])
        #expect(String(decoding: effects.outbox[2].payload, as: UTF8.self).contains("already_rated"))
    }

    /// A result naming a task nobody issued is refused and changes nothing.
    @Test func aResultForAnUnknownTaskIsRefused() throws {
        let effects = try handler.decide([result(1, task: UUID(), rating: .satisfied)], view: try view(), now: Self.now)
        #expect(effects.taskChanges.isEmpty && effects.issued.isEmpty)
        #expect(String(decoding: effects.outbox[0].payload, as: UTF8.self).contains("unknown_task"))
    }
}
