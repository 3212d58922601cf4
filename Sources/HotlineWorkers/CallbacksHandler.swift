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
/// (where the policy says so) and resolved, and that a callback is coming.
struct CallbacksHandler: MessageHandler {
    let name = "callbacks"
    let archive: PolicyArchive
    let vault: PersonalDataVault
    let sealer: ContactSealer
    let logger: Logger

    static let topics = [TopicName.cases, TopicName.callbackResults]

    /// Tells the caller of acceptance, extensions, the result and the callback to come (巴林左旗 第二十四条).
    var notifier: CitizenNotifier { CitizenNotifier(vault: vault, sealer: sealer) }

    func apply(_ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws {
        if message.topic == TopicName.callbackResults {
            try await applyResult(message, now: now, connection: connection, outbox: &outbox)
            return
        }
        guard let value = message.value, let event = try? JSONDecoder().decode(CaseEventEnvelope.self, from: Data(value)),
              let facts = try? JSONDecoder().decode(CaseEventFacts.self, from: Data(value))
        else {
            try await DeadLetterWriter(worker: name, logger: logger).write(
                message,
                rejection: IntakeRejection(.schemaViolation, "The lifecycle event lacks type, event_id or case_id, or has a malformed handling_due; see Topics/hotline.cases.v1/schema.json."),
                now: now, connection: connection, outbox: &outbox)
            return
        }
        let answeredDirectly = event.type == LifecycleNotice.Step.closed.rawValue && facts.answeredFrom != nil
        guard NotificationPlanner.eventTypes.contains(event.type) || answeredDirectly else { return }
        var log = logger.forEvent(event.eventID, in: message)
        log[metadataKey: "case_id"] = "\(event.caseID.uuidString.lowercased())"
        guard try await firstTime(event.eventID, message, connection: connection, logger: log),
              let subject = try await CallbackStore.subject(of: event.caseID, on: connection, logger: log)
        else { return }
        let planner = try await planner(subject.policyID, subject.policyVersion, connection: connection, logger: log)
        let resolved = event.type == LifecycleNotice.Step.resolved.rawValue
        let approved = resolved ? try await NotificationStore.approvedResult(of: event.caseID, on: connection, logger: log) : nil
        if let notice = NotificationPlanner(policy: planner.policy).plan(for: facts, confidential: subject.confidential, result: approved?.result) {
            try await notifier.notify(
                notice, reply: approved?.reply, caseID: event.caseID, subject: subject, now: now, connection: connection, outbox: &outbox,
                logger: log)
        }
        // A direct answer (即时办结) is called back only where every case is (长沙 第二十五条 「全面回访」).
        let calledBack = resolved || (answeredDirectly && planner.policy.knowledgeRules.directAnswerCallbackArticle != nil)
        guard calledBack else { return }
        let plan = try planner.firstTask(approvedAt: now, leadUnitID: subject.leadUnitID, confidential: subject.confidential)
        try await issue(
            plan, caseID: event.caseID, subject: subject, planner: planner, now: now, connection: connection, outbox: &outbox, logger: log)
    }

    /// Records a task, starts (or restarts) its callback clock and publishes it with the sealed phone number.
    private func issue(
        _ plan: CallbackTaskPlan, caseID: UUID, subject: CallbackSubject, planner: CallbackPlanner, now: Date,
        connection: PostgresConnection, outbox: inout [OutboxMessage], logger: Logger
    ) async throws {
        let taskID = UUID()
        guard try await CallbackStore.issue(
            id: taskID, caseID: caseID, round: subject.round, unitID: subject.leadUnitID, plan: plan, at: now,
            on: connection, logger: logger)
        else { return }
        let clock = ClockPlan(
            obligation: .callback, unitID: plan.performerUnitID, startedAt: now, dueAt: plan.dueAt, warnAt: nil, limit: plan.limit,
            basis: planner.calendar.basis(from: now, to: plan.dueAt, limit: plan.limit))
        var clocks: [ClockChange] = [.start(clock)]
        if plan.channel.isAutomatic { clocks.append(.meet(.callback, at: now)) }
        try await ClockStore.apply(clocks, caseID: caseID, round: subject.round, on: connection, logger: logger)
        let caller = try vault.open(subject.callerSealed, keyID: subject.callerKeyID, caseID: caseID)
        let article = planner.policy.rule(for: .callback)?.article ?? planner.policy.callbacks.article
        let event = CallbackTaskEvent(
            eventID: UUID(), taskID: taskID, caseID: caseID, caseNumber: subject.caseNumber, round: subject.round, plan: plan,
            contact: try caller.phone.map { try sealer.seal($0, for: taskID) },
            basis: PolicyBasis(policy: subject.policyID, policyVersion: subject.policyVersion, article: article), occurredAt: now)
        outbox.append(OutboxMessage(
            topic: TopicName.callbackTasks, key: Array(caseID.uuidString.lowercased().utf8), payload: try EventJSON.encode(event),
            headers: EventHeaders.make(eventID: event.eventID.uuidString.lowercased(), type: "callback.task_issued")))
        try await CaseHistoryStore.append(
            caseID: caseID, at: now, actor: "callbacks", action: "callback_issued",
            detailJSON: try jsonText(["task_id": taskID.uuidString.lowercased(), "attempt": "\(plan.attempt)", "channel": plan.channel.rawValue]),
            eventID: nil, on: connection, logger: logger)
        logger.info("callback task issued", metadata: [
            "task_id": "\(taskID.uuidString.lowercased())", "attempt": "\(plan.attempt)", "channel": "\(plan.channel.rawValue)",
        ])
        try await notifier.notify(
            NotificationPlanner(policy: planner.policy).callbackRequest(taskID: taskID, channel: plan.channel), caseID: caseID,
            subject: subject, now: now, connection: connection, outbox: &outbox, logger: logger)
    }

    private func applyResult(_ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws {
        let result: CallbackResult
        switch CallbackResultDecoder().decode(message.value) {
        case let .success(decoded):
            result = decoded
        case let .failure(failure):
            try await DeadLetterWriter(worker: name, logger: logger).write(
                message, rejection: failure.rejection, now: now, connection: connection, outbox: &outbox)
            if let eventID = failure.eventID, try await firstTime(eventID, message, connection: connection, logger: logger) {
                outbox.append(try outcome(
                    result: eventID, taskID: failure.taskID, row: nil, .init(.malformed, failure.rejection.message), now: now))
            }
            return
        }
        var log = logger.forEvent(result.eventID, in: message)
        log[metadataKey: "task_id"] = "\(result.taskID.uuidString.lowercased())"
        guard try await firstTime(result.eventID, message, connection: connection, logger: log) else { return }
        guard let row = try await CallbackStore.locked(result.taskID, on: connection, logger: log) else {
            outbox.append(try outcome(
                result: result.eventID, taskID: result.taskID, row: nil,
                .init(.unknownTask, "There is no callback task \(result.taskID.uuidString.lowercased()); use the task_id published on hotline.callback-tasks.v1."),
                now: now))
            log.info("refused a callback result", metadata: ["reason_code": "unknown_task"])
            return
        }
        guard row.state == "open" else {
            outbox.append(try outcome(
                result: result.eventID, taskID: result.taskID, row: row,
                .init(.alreadyRated, "Callback task \(row.id.uuidString.lowercased()) of case \(row.caseNumber) is already \(row.state == "rated" ? "rated" : "followed up by a manual callback"); a result changes nothing now."),
                now: now))
            log.info("refused a callback result", metadata: ["reason_code": "already_rated"])
            return
        }
        let planner = try await planner(row.policyID, row.policyVersion, connection: connection, logger: log)
        try await settle(
            row, try planner.decide(result, on: row.task, now: now), result: result, planner: planner, now: now,
            connection: connection, outbox: &outbox, logger: log)
        outbox.append(try outcome(result: result.eventID, taskID: result.taskID, row: row, nil, now: now))
    }

    /// The expiry sweep: an automatic callback left unanswered through its window is
    /// rated as the policy says (长沙 「视为基本满意」) or followed by a manual one.
    ///
    /// A task whose follow-up the working-day calendar cannot count (it does not cover the
    /// year) is set aside for an hour and the sweep goes on: failing would roll back every
    /// other expiry of the sweep and fail again a second later, forever (DESIGN.md: a
    /// deterministic failure never stalls a partition). The decision is the expiry's only
    /// count (a deemed rating opens no appeal window), so nothing is written before it. A
    /// set-aside task counts as handled: it was claimed and dealt with, and the next claims
    /// skip it.
    func expire(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let rows = try await CallbackStore.claimExpired(now: now, limit: limit, on: connection, logger: logger)
        for row in rows {
            var log = logger
            log[metadataKey: "case_id"] = "\(row.caseID.uuidString.lowercased())"
            log[metadataKey: "task_id"] = "\(row.id.uuidString.lowercased())"
            let planner = try await planner(row.policyID, row.policyVersion, connection: connection, logger: log)
            let decision: CallbackDecision
            do throws(CalendarError) {
                decision = try planner.expire(row.task, now: now)
            } catch {
                let retryAt = now.addingTimeInterval(FailureKind.calendarRetryDelay)
                try await CallbackStore.setAsideForCalendar(row.id, until: retryAt, on: connection, logger: log)
                WorkerMetrics.calendarSetAside(worker: name, kind: "sweep")
                log.error("callback expiry set aside: the working-day calendar cannot count the follow-up", metadata: [
                    "retry_at": "\(RFC3339.formatSeconds(retryAt))", "error": "\(error)",
                ])
                continue
            }
            try await settle(
                row, decision, result: nil, planner: planner, now: now, connection: connection, outbox: &outbox, logger: log)
        }
        return rows.count
    }

    /// Applies a decision to an open task in the caller's transaction.
    private func settle(
        _ row: CallbackTaskRow, _ decision: CallbackDecision, result: CallbackResult?, planner: CallbackPlanner, now: Date,
        connection: PostgresConnection, outbox: inout [OutboxMessage], logger: Logger
    ) async throws {
        let comment = try result?.comment.map { (sealed: try vault.seal(text: $0, caseID: row.caseID), keyID: vault.activeKeyID) }
        switch decision {
        case .stillOpen:
            try await CallbackStore.recordUnanswered(row.id, on: connection, logger: logger)
        case let .rated(rating, resolved, source):
            try await CallbackStore.close(
                row.id, state: "rated", rating: rating, resolved: resolved, source: source, calledBy: result?.calledBy,
                calledAt: result?.calledAt, comment: comment, at: now, on: connection, logger: logger)
            try await ClockStore.apply([.meet(.callback, at: now)], caseID: row.caseID, round: row.round, on: connection, logger: logger)
            if let closes = try RatingAppealDecider(policy: planner.policy, calendar: planner.calendar).windowCloses(rating: rating, ratedAt: now) {
                try await RatingAppealStore.openWindow(onTask: row.id, until: closes, on: connection, logger: logger)
            }
            let rated = CaseRating(
                round: row.round, unitID: row.unitID, rating: rating, resolved: resolved, source: source, channel: row.task.channel,
                attempt: row.task.attempt, article: planner.policy.callbacks.article,
                reopened: try await CallbackStore.wasReopened(row.caseID, on: connection, logger: logger))
            outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: row.caseID, caseNumber: row.caseNumber, occurredAt: now,
                policy: .init(id: row.policyID, version: row.policyVersion), body: .rated(rated))))
            try await CaseHistoryStore.append(
                caseID: row.caseID, at: now, actor: "callbacks", action: "rated",
                detailJSON: try jsonText(["task_id": row.id.uuidString.lowercased(), "rating": rating.rawValue, "source": source.rawValue]),
                eventID: result?.eventID, on: connection, logger: logger)
            logger.info("case rated", metadata: ["rating": "\(rating.rawValue)", "source": "\(source.rawValue)"])
        case let .followUp(automaticRating, plan):
            try await CallbackStore.close(
                row.id, state: "followed_up", rating: automaticRating, resolved: result?.resolved, source: automaticRating == nil ? nil : .caller,
                calledBy: result?.calledBy, calledAt: result?.calledAt, comment: comment, at: now, on: connection, logger: logger)
            guard let subject = try await CallbackStore.subject(of: row.caseID, on: connection, logger: logger) else { return }
            try await issue(
                plan, caseID: row.caseID, subject: subject, planner: planner, now: now, connection: connection, outbox: &outbox,
                logger: logger)
        }
    }

    private func planner(_ policyID: String, _ version: String, connection: PostgresConnection, logger: Logger) async throws -> CallbackPlanner {
        let edition = try await archive.edition(policyID: policyID, version: version, connection: connection, logger: logger)
        return CallbackPlanner(policy: edition.policy, calendar: edition.calendar)
    }

    /// Records an input event as processed; false when it already was (a redelivery).
    private func firstTime(_ eventID: String, _ message: ConsumedMessage, connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await ProcessedEvents.record(consumer: name, eventID: eventID, of: message, on: connection, logger: logger) == nil
    }

    private func outcome(
        result eventID: String, taskID: UUID?, row: CallbackTaskRow?, _ refusal: CallbackOutcome.Refusal?, now: Date
    ) throws -> OutboxMessage {
        let event = CallbackOutcome(
            eventID: UUID(), resultEventID: eventID, taskID: taskID, caseID: row?.caseID, caseNumber: row?.caseNumber,
            refusal: refusal, occurredAt: now)
        return OutboxMessage(
            topic: TopicName.callbackOutcomes, key: taskID.map { Array($0.uuidString.lowercased().utf8) },
            payload: try EventJSON.encode(event), headers: EventHeaders.make(eventID: event.eventID.uuidString.lowercased(), type: event.type))
    }
}
