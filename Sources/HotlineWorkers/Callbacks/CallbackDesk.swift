import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The callbacks worker's rules over a loaded view, shared by its consumer and its expiry
/// sweep: tell the caller (notifications), issue a callback task (回访) with its clock, and
/// settle a task with a citizen's result or its expiry. No I/O: what to write is gathered in
/// `CallbacksEffects` and written once per table by `flush`.
struct CallbackDesk: Sendable {
    let vault: PersonalDataVault
    let sealer: ContactSealer
    let logger: Logger

    func planner(_ policy: CaseEvent.PolicyRef, in view: CallbacksView) throws -> CallbackPlanner {
        guard let edition = view.editions[policy] else { throw PolicyVersionMissing(policyID: policy.id, version: policy.version) }
        return CallbackPlanner(policy: edition.policy, calendar: edition.calendar)
    }

    /// A planned notification for the caller on `hotline.notifications.v1`, in the
    /// transaction of the event that calls for it, so a redelivered event (skipped by its
    /// event id) never sends a second one. The caller's phone and the unit's reply are sealed
    /// for the SMS/WeChat adapter (`ContactSealer`, the notification id as authenticated
    /// data); a caller who gave no phone cannot be reached and gets none.
    func notify(
        _ plan: NotificationPlan, reply: String? = nil, caseID: UUID, subject: CallbackSubject, now: Date, effects: inout CallbacksEffects,
        logger: Logger
    ) throws {
        guard let phone = try vault.caller(of: subject.sealed).phone else {
            logger.debug("no notification: the caller gave no phone", metadata: ["kind": "\(plan.kind)"])
            return
        }
        let id = UUID()
        let notification = CitizenNotification(
            id: id, caseID: caseID, caseNumber: subject.caseNumber, plan: plan, contact: try sealer.seal(phone, for: id),
            reply: try reply.map { try sealer.seal($0, for: id) },
            basis: PolicyBasis(policy: subject.policyID, policyVersion: subject.policyVersion, article: plan.article), occurredAt: now)
        effects.outbox.append(OutboxMessage(
            topic: TopicName.notifications, key: Array(caseID.uuidString.lowercased().utf8), payload: try EventJSON.encode(notification),
            headers: EventHeaders.make(eventID: id.uuidString.lowercased(), type: CitizenNotification.type)))
        effects.history.append(HistoryEntry(
            caseID: caseID, at: now, actor: "callbacks", action: "notified",
            detailJSON: try jsonText(["notification_id": id.uuidString.lowercased(), "kind": plan.kind]), eventID: nil))
        logger.info("citizen notification requested", metadata: ["notification_id": "\(id.uuidString.lowercased())", "kind": "\(plan.kind)"])
    }

    /// Issues a task once per round and attempt, starts (or restarts) its callback clock
    /// (met at once by an automatic task) and publishes it with the sealed phone number.
    func issue(
        _ plan: CallbackTaskPlan, caseID: UUID, subject: CallbackSubject, planner: CallbackPlanner, now: Date,
        view: inout CallbacksView, effects: inout CallbacksEffects, logger: Logger
    ) throws {
        guard view.slots.insert(CallbackSlot(caseID: caseID, round: subject.round, attempt: plan.attempt)).inserted else { return }
        let taskID = UUID()
        effects.issued.append(NewCallbackTask(id: taskID, caseID: caseID, round: subject.round, unitID: subject.leadUnitID, plan: plan, issuedAt: now))
        let start = plan.countedFrom ?? now
        let clock = ClockPlan(
            obligation: .callback, unitID: plan.performerUnitID, startedAt: start, dueAt: plan.dueAt, warnAt: nil, limit: plan.limit,
            basis: planner.calendar.basis(from: start, to: plan.dueAt, limit: plan.limit))
        view.clocks.apply([.start(clock)] + (plan.channel.isAutomatic ? [.meet(.callback, at: now)] : []), caseID: caseID, round: subject.round)
        let caller = try vault.caller(of: subject.sealed)
        let article = planner.policy.rule(for: .callback)?.article ?? planner.policy.callbacks.article
        let event = CallbackTaskEvent(
            eventID: UUID(), taskID: taskID, caseID: caseID, caseNumber: subject.caseNumber, round: subject.round, plan: plan,
            contact: try caller.phone.map { try sealer.seal($0, for: taskID) },
            basis: PolicyBasis(policy: subject.policyID, policyVersion: subject.policyVersion, article: article), occurredAt: now)
        effects.outbox.append(OutboxMessage(
            topic: TopicName.callbackTasks, key: Array(caseID.uuidString.lowercased().utf8), payload: try EventJSON.encode(event),
            headers: EventHeaders.make(eventID: event.eventID.uuidString.lowercased(), type: "callback.task_issued")))
        effects.history.append(HistoryEntry(
            caseID: caseID, at: now, actor: "callbacks", action: "callback_issued",
            detailJSON: try jsonText(["task_id": taskID.uuidString.lowercased(), "attempt": "\(plan.attempt)", "channel": plan.channel.rawValue]),
            eventID: nil))
        logger.info("callback task issued", metadata: [
            "task_id": "\(taskID.uuidString.lowercased())", "attempt": "\(plan.attempt)", "channel": "\(plan.channel.rawValue)",
        ])
        try notify(
            NotificationPlanner(policy: planner.policy).callbackRequest(taskID: taskID, channel: plan.channel), caseID: caseID,
            subject: subject, now: now, effects: &effects, logger: logger)
    }

    /// Applies a decision to an open task: a call nobody answered; the round's rating
    /// (`case.rated`, the callback clock met, the unit's appeal window where the policy has
    /// one); or its end with a manual callback to follow.
    func settle(
        _ row: CallbackTaskRow, _ decision: CallbackDecision, result: CallbackResult?, planner: CallbackPlanner, now: Date,
        view: inout CallbacksView, effects: inout CallbacksEffects, logger: Logger
    ) throws {
        let comment = try result?.comment.map { try vault.seal(comment: $0, caseID: row.caseID, dataKey: row.caseDataKey) }
        func ended(_ change: inout CallbackTaskChange, state: String) {
            change.state = state
            change.calledBy = result?.calledBy
            change.calledAt = result?.calledAt
            change.comment = comment?.sealed
            change.commentKeyID = comment?.keyID
            change.closedAt = now
        }
        switch decision {
        case .stillOpen:
            effects.change(row.id) { $0.unansweredCalls += 1 }
        case let .rated(rating, resolved, source):
            let appealBy = try RatingAppealDecider(policy: planner.policy, calendar: planner.calendar).windowCloses(rating: rating, ratedAt: now)
            effects.change(row.id) { change in
                ended(&change, state: "rated")
                change.rating = rating
                change.resolved = resolved
                change.source = source
                change.appealBy = appealBy
            }
            view.tasks[row.id]?.state = "rated"
            view.clocks.apply([.meet(.callback, at: now)], caseID: row.caseID, round: row.round)
            let rated = CaseRating(
                round: row.round, unitID: row.unitID, rating: rating, resolved: resolved, source: source, channel: row.task.channel,
                attempt: row.task.attempt, article: planner.policy.callbacks.article, reopened: view.reopened.contains(row.caseID))
            effects.outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: row.caseID, caseNumber: row.caseNumber, occurredAt: now,
                policy: .init(id: row.policyID, version: row.policyVersion), body: .rated(rated))))
            effects.history.append(HistoryEntry(
                caseID: row.caseID, at: now, actor: "callbacks", action: "rated",
                detailJSON: try jsonText(["task_id": row.id.uuidString.lowercased(), "rating": rating.rawValue, "source": source.rawValue]),
                eventID: result?.eventID))
            logger.info("case rated", metadata: ["rating": "\(rating.rawValue)", "source": "\(source.rawValue)"])
        case let .followUp(automaticRating, plan):
            effects.change(row.id) { change in
                ended(&change, state: "followed_up")
                change.rating = automaticRating
                change.resolved = result?.resolved
                change.source = automaticRating == nil ? nil : .caller
            }
            view.tasks[row.id]?.state = "followed_up"
            guard let subject = view.subjects[row.caseID] else { return }
            try issue(plan, caseID: row.caseID, subject: subject, planner: planner, now: now, view: &view, effects: &effects, logger: logger)
        }
    }

    /// Writes a batch's or a sweep's effects, each table once.
    static func flush(_ effects: CallbacksEffects, connection: PostgresConnection, logger: Logger) async throws {
        try await CallbackStore.issueAll(effects.issued, on: connection, logger: logger)
        try await CallbackStore.changeAll(effects.taskChanges, on: connection, logger: logger)
        try await ClockStore.write(effects.clocks, on: connection, logger: logger)
        try await CaseHistoryStore.appendAll(effects.history, on: connection, logger: logger)
    }

    /// Loads what deciding on these cases needs, one query per table.
    static func load(
        caseIDs: [UUID], into view: inout CallbacksView, archive: PolicyArchive, connection: PostgresConnection, logger: Logger
    ) async throws {
        view.subjects = try await CallbackStore.subjects(of: caseIDs, on: connection, logger: logger)
        view.slots = try await CallbackStore.slots(of: caseIDs, on: connection, logger: logger)
        view.clocks = ClockBook(try await ClockStore.lockLive(caseIDs: caseIDs, obligations: [.callback], on: connection, logger: logger))
        let policies = Set(view.subjects.values.map { CaseEvent.PolicyRef(id: $0.policyID, version: $0.policyVersion) })
            .union(view.tasks.values.map { CaseEvent.PolicyRef(id: $0.policyID, version: $0.policyVersion) })
        for policy in policies {
            view.editions[policy] = try await archive.edition(policyID: policy.id, version: policy.version, connection: connection, logger: logger)
        }
    }
}
