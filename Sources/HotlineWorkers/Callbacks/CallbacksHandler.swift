import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// The callbacks worker (回访): a case the centre resolved (or answered at once from the
/// knowledge base, where the policy calls those back too) gets a callback task on
/// `hotline.callback-tasks.v1` under its policy's rules; the adapters' results on
/// `hotline.callback-results.v1` rate the round (`case.rated` on `hotline.cases.v1`),
/// or, for an automatic 不满意, end the task and issue a manual one (长沙 第二十六条).
/// Every result gets an answer on `hotline.callback-outcomes.v1`; a result for an
/// unknown or already rated task is refused and changes nothing. The callback clock
/// (`limits.callback`) runs in `case_clocks` like every other obligation: an automatic
/// task meets it when issued, a manual one when the citizen's rating arrives. It also
/// tells the caller, on `hotline.notifications.v1`, that the case was accepted, extended
/// (where the policy says so) and resolved, and that a callback is coming (巴林左旗 第二十四条).
///
/// Set-based: the batch's tasks, cases, issued attempts, callback clocks and approved
/// results are loaded in one query per table, every event decided in order, each table
/// written once.
struct CallbacksHandler: BatchHandler {
    let name = "callbacks"
    let archive: PolicyArchive
    let desk: CallbackDesk
    let logger: Logger

    static let topics = [TopicName.cases, TopicName.callbackResults]

    enum Event: Sendable {
        /// A lifecycle event the caller is told of or that calls for a callback.
        case lifecycle(caseID: UUID, facts: CaseEventFacts)
        /// A result with the party that signed it, checked against the task's performer.
        case result(CallbackResult, sender: Party)
    }

    // MARK: decode

    func decode(_ message: ConsumedMessage, from sender: Party?) -> Decoded<Event> {
        guard message.topic == TopicName.callbackResults else { return decodeLifecycle(message) }
        guard let sender else { return .refused(DecodeRefusal(MessageAuthenticator.unsigned(topic: message.topic))) }
        return decodeResult(message, from: sender)
    }

    /// The lifecycle events that can call for a notification or a callback.
    private static let lifecycleTypes = NotificationPlanner.eventTypes.union([LifecycleNotice.Step.closed.rawValue])

    private func decodeLifecycle(_ message: ConsumedMessage) -> Decoded<Event> {
        if let type = message.eventType, !Self.lifecycleTypes.contains(type) { return .ignored }
        guard let value = message.value, let envelope = try? JSONDecoder().decode(CaseEventEnvelope.self, from: Data(value)),
              let facts = try? JSONDecoder().decode(CaseEventFacts.self, from: Data(value))
        else {
            return .refused(DecodeRefusal(IntakeRejection(
                .schemaViolation,
                "The lifecycle event lacks type, event_id or case_id, or has a malformed handling_due; see Topics/hotline.cases.v1/schema.json.")))
        }
        // Only a direct answer's closing (即时办结) is called back; other closings change nothing here.
        let answeredDirectly = facts.type == LifecycleNotice.Step.closed.rawValue && facts.answeredFrom != nil
        guard NotificationPlanner.eventTypes.contains(facts.type) || answeredDirectly else { return .ignored }
        return .event(.lifecycle(caseID: envelope.caseID, facts: facts), id: envelope.eventID)
    }

    private func decodeResult(_ message: ConsumedMessage, from sender: Party) -> Decoded<Event> {
        switch CallbackResultDecoder().decode(message.value) {
        case let .success(result):
            return .event(.result(result, sender: sender), id: result.eventID)
        case let .failure(failure):
            guard let eventID = failure.eventID else { return .refused(DecodeRefusal(failure.rejection)) }
            return .refused(DecodeRefusal(failure.rejection, eventID: eventID) { now in
                try Self.outcome(result: eventID, taskID: failure.taskID, row: nil, .init(.malformed, failure.rejection.message), now: now)
            })
        }
    }

    // MARK: load

    func load(_ batch: [Delivery<Event>], now: Date, connection: PostgresConnection) async throws -> CallbacksView {
        var view = CallbacksView()
        guard !batch.isEmpty else { return view }
        let taskIDs = batch.compactMap { delivery -> UUID? in
            if case let .result(result, _) = delivery.event { return result.taskID }
            return nil
        }
        view.tasks = try await CallbackStore.lock(taskIDs, on: connection, logger: logger)
        let resolved = batch.compactMap { delivery -> UUID? in
            guard case let .lifecycle(caseID, facts) = delivery.event, facts.type == LifecycleNotice.Step.resolved.rawValue else { return nil }
            return caseID
        }
        let lifecycleCases = batch.compactMap { delivery -> UUID? in
            if case let .lifecycle(caseID, _) = delivery.event { return caseID }
            return nil
        }
        let taskCases = Array(Set(view.tasks.values.map(\.caseID)))
        try await CallbackDesk.load(
            caseIDs: Array(Set(lifecycleCases + taskCases)), into: &view, archive: archive, connection: connection, logger: logger)
        view.approved = try await NotificationStore.approvedResults(of: resolved, on: connection, logger: logger)
        view.reopened = try await CallbackStore.reopened(taskCases, on: connection, logger: logger)
        return view
    }

    // MARK: decide

    func decide(_ batch: [Delivery<Event>], view: CallbacksView, now: Date) throws -> CallbacksEffects {
        var view = view
        var effects = CallbacksEffects()
        for delivery in batch {
            // What the event leads to continues its trace.
            let mark = effects.outbox.count
            defer { effects.outbox.carry(delivery.trace, from: mark) }
            var log = logger.forEvent(delivery.eventID, in: delivery.message)
            switch delivery.event {
            case let .lifecycle(caseID, facts):
                log[metadataKey: "case_id"] = "\(caseID.uuidString.lowercased())"
                try follow(facts, of: caseID, now: now, view: &view, effects: &effects, logger: log)
            case let .result(result, sender):
                log[metadataKey: "task_id"] = "\(result.taskID.uuidString.lowercased())"
                try apply(result, from: sender, delivery.message, now: now, view: &view, effects: &effects, logger: log)
            }
        }
        effects.clocks = view.clocks.changedRecords
        return effects
    }

    /// Tells the caller of the step where the policy says so, and calls a resolved case back
    /// (a direct answer, 即时办结, only where every case is: 长沙 第二十五条 「全面回访」).
    private func follow(
        _ facts: CaseEventFacts, of caseID: UUID, now: Date, view: inout CallbacksView, effects: inout CallbacksEffects, logger: Logger
    ) throws {
        guard let subject = view.subjects[caseID] else { return }
        let planner = try desk.planner(CaseEvent.PolicyRef(id: subject.policyID, version: subject.policyVersion), in: view)
        let resolved = facts.type == LifecycleNotice.Step.resolved.rawValue
        let approved = resolved ? view.approved[caseID] : nil
        if let notice = NotificationPlanner(policy: planner.policy).plan(for: facts, confidential: subject.confidential, result: approved?.result) {
            let reply = try approved?.reply.flatMap { try desk.vault.open($0, member: HistoryFreeText.reason, of: subject.sealed) }
            try desk.notify(notice, reply: reply, caseID: caseID, subject: subject, now: now, effects: &effects, logger: logger)
        }
        let answeredDirectly = facts.type == LifecycleNotice.Step.closed.rawValue && facts.answeredFrom != nil
        guard resolved || (answeredDirectly && planner.policy.knowledgeRules.directAnswerCallbackArticle != nil) else { return }
        let plan = try planner.firstTask(approvedAt: now, submittedAt: approved?.submittedAt, leadUnitID: subject.leadUnitID, confidential: subject.confidential)
        try desk.issue(plan, caseID: caseID, subject: subject, planner: planner, now: now, view: &view, effects: &effects, logger: logger)
    }

    /// A citizen's result on an open task; a result for an unknown or already settled task is
    /// refused, and so is one not signed by the task's performer (dead-lettered `forbidden`,
    /// answered without the task's case: the signer learns nothing of a task not its own).
    private func apply(
        _ result: CallbackResult, from sender: Party, _ message: ConsumedMessage, now: Date, view: inout CallbacksView,
        effects: inout CallbacksEffects, logger: Logger
    ) throws {
        if let row = view.tasks[result.taskID], let refusal = SenderAuthorisation.refusal(ofResultFor: row.task.performerUnitID, from: sender) {
            effects.rejections.append(Rejection(message, IntakeRejection(.forbidden, refusal)))
            effects.outbox.append(try Self.outcome(result: result.eventID, taskID: result.taskID, row: nil, .init(.forbidden, refusal), now: now))
            logger.info("refused a callback result", metadata: ["reason_code": "forbidden"])
            return
        }
        guard let row = view.tasks[result.taskID] else {
            effects.outbox.append(try Self.outcome(
                result: result.eventID, taskID: result.taskID, row: nil,
                .init(.unknownTask, "There is no callback task \(result.taskID.uuidString.lowercased()); use the task_id published on hotline.callback-tasks.v1."),
                now: now))
            logger.info("refused a callback result", metadata: ["reason_code": "unknown_task"])
            return
        }
        guard row.state == "open" else {
            effects.outbox.append(try Self.outcome(
                result: result.eventID, taskID: result.taskID, row: row,
                .init(.alreadyRated, "Callback task \(row.id.uuidString.lowercased()) of case \(row.caseNumber) is already \(row.state == "rated" ? "rated" : "followed up by a manual callback"); a result changes nothing now."),
                now: now))
            logger.info("refused a callback result", metadata: ["reason_code": "already_rated"])
            return
        }
        let planner = try desk.planner(CaseEvent.PolicyRef(id: row.policyID, version: row.policyVersion), in: view)
        try desk.settle(
            row, try planner.decide(result, on: row.task, now: now), result: result, planner: planner, now: now, view: &view,
            effects: &effects, logger: logger)
        effects.outbox.append(try Self.outcome(result: result.eventID, taskID: result.taskID, row: row, nil, now: now))
    }

    static func outcome(
        result eventID: String, taskID: UUID?, row: CallbackTaskRow?, _ refusal: CallbackOutcome.Refusal?, now: Date
    ) throws -> OutboxMessage {
        let event = CallbackOutcome(
            eventID: UUID(), resultEventID: eventID, taskID: taskID, caseID: row?.caseID, caseNumber: row?.caseNumber,
            refusal: refusal, occurredAt: now)
        return OutboxMessage(
            topic: TopicName.callbackOutcomes, key: taskID.map { Array($0.uuidString.lowercased().utf8) },
            payload: try EventJSON.encode(event), headers: EventHeaders.make(eventID: event.eventID.uuidString.lowercased(), type: event.type))
    }

    // MARK: flush

    func flush(_ effects: CallbacksEffects, now: Date, connection: PostgresConnection) async throws -> [OutboxMessage] {
        try await CallbackDesk.flush(effects, connection: connection, logger: logger)
        return effects.outbox
    }
}
