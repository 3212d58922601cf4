import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// Applies unit actions (`hotline.unit-actions.v1`: sign, return, extension, interim
/// reply, result, co-unit contribution) and centre actions
/// (`hotline.centre-actions.v1`: approve or deny, re-dispatch, mark, urge) through
/// the case state machine, and rating appeals through `RatingAppealRecorder`. Every action gets an outcome on
/// `hotline.action-outcomes.v1`; a refused action leaves the case untouched; a
/// malformed one is also dead-lettered with its original bytes.
struct ActionHandler: Sendable {
    let name: String
    let archive: PolicyArchive
    let network: UnitNetwork
    let logger: Logger

    func apply(
        _ message: ConsumedMessage, source: CaseActionDecoder.Source, now: Date, connection: PostgresConnection,
        outbox: inout [OutboxMessage]
    ) async throws {
        let action: CaseAction
        switch CaseActionDecoder(source).decode(message.value) {
        case let .success(decoded):
            action = decoded
        case let .failure(failure):
            try await DeadLetterWriter(worker: name, logger: logger).write(
                message, rejection: failure.rejection, now: now, connection: connection, outbox: &outbox)
            if let eventID = failure.eventID, failure.caseID != nil,
               try await ProcessedEvents.record(consumer: name, eventID: eventID, of: message, on: connection, logger: logger) == nil
            {
                outbox.append(try outcomeMessage(ActionOutcome(
                    eventID: UUID(), actionEventID: eventID, actionType: failure.type, actor: failure.actor,
                    caseID: failure.caseID, caseNumber: nil, occurredAt: now, status: nil,
                    refusal: ActionRefusal(.malformed, failure.rejection.message))))
            }
            return
        }
        var log = logger.forEvent(action.eventID, in: message)
        log[metadataKey: "case_id"] = "\(action.caseID.uuidString.lowercased())"
        log[metadataKey: "action"] = "\(action.type)"
        if try await ProcessedEvents.record(consumer: name, eventID: action.eventID, of: message, on: connection, logger: log) != nil
        {
            log.debug("skipped an action already applied")
            return
        }
        guard let current = try await LifecycleStore.lockedCase(action.caseID, on: connection, logger: log) else {
            outbox.append(try refused(action, caseNumber: nil, status: nil, ActionRefusal(.unknownCase, "There is no case \(action.caseID.uuidString.lowercased()); use the case_id published on hotline.cases.v1."), now: now))
            log.info("refused an action", metadata: ["reason_code": "unknown_case"])
            return
        }
        let lifecycle = try await archive.lifecycle(for: current.policy, network: network, connection: connection, logger: log)
        let change: CaseLifecycle.Change
        do {
            if case let .ratingAppeal(appeal) = action.kind {
                try await RatingAppealRecorder(decider: RatingAppealDecider(policy: lifecycle.policy, calendar: lifecycle.calendar)).apply(
                    appeal, of: action, on: current, now: now, connection: connection, outbox: &outbox, logger: log)
                outbox.append(try outcomeMessage(ActionOutcome(
                    eventID: UUID(), actionEventID: action.eventID, actionType: action.type, actor: action.actor,
                    caseID: action.caseID, caseNumber: current.caseNumber, occurredAt: now, status: current.status, refusal: nil)))
                log.info("applied a rating appeal action")
                return
            }
            change = try lifecycle.decide(action, on: current, now: now)
        } catch let refusal as ActionRefusal {
            outbox.append(try refused(action, caseNumber: current.caseNumber, status: current.status, refusal, now: now))
            log.info("refused an action", metadata: ["reason_code": "\(refusal.code.rawValue)", "status": "\(current.status.rawValue)"])
            return
        }
        try await record(
            change, by: action.actor.historyName, staffID: action.actor.staffID, eventID: action.eventID, on: current, now: now,
            connection: connection, outbox: &outbox, logger: log)
        outbox.append(try outcomeMessage(ActionOutcome(
            eventID: UUID(), actionEventID: action.eventID, actionType: action.type, actor: action.actor,
            caseID: action.caseID, caseNumber: current.caseNumber, occurredAt: now, status: change.after.status, refusal: nil)))
        log.info("applied an action", metadata: ["status": "\(change.after.status.rawValue)"])
    }

    /// Writes an accepted change: assignments, case fields, clocks, history and events, in the batch's transaction.
    func record(
        _ change: CaseLifecycle.Change, by historyActor: String, staffID: String?, eventID: String, on current: LifecycleCase,
        now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage], logger: Logger
    ) async throws {
        let policy = current.policy
        if let dispatch = change.dispatch {
            try await DispatchStore.assign(
                caseID: current.id, round: change.after.round, lead: dispatch.lead, coUnits: dispatch.coUnits,
                ruleID: dispatch.ruleID, at: now, on: connection, logger: logger)
            if dispatch.asPrecedent {
                try await LifecycleStore.recordPrecedent(
                    category: current.category,
                    areaCode: try await LifecycleStore.areaCode(of: current.id, on: connection, logger: logger),
                    lead: dispatch.lead.id, coUnits: dispatch.coUnits.map(\.id), basisCase: current.id, at: now,
                    on: connection, logger: logger)
            }
            outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: current.id, caseNumber: current.caseNumber, occurredAt: now, policy: policy,
                body: .dispatched(
                    round: change.after.round, lead: .init(dispatch.lead), coUnits: dispatch.coUnits.map(CaseEvent.UnitRef.init),
                    ruleID: dispatch.ruleID))))
        }
        if change.queueForManualDispatch {
            try await LifecycleStore.endAssignments(current.id, on: connection, logger: logger)
            try await DispatchStore.queueForManualDispatch(
                caseID: current.id, reason: "returned by unit \(current.leadUnitID ?? "-")", at: now, on: connection, logger: logger)
        }
        // Clocks of the old round stop before the new round's start.
        try await ClockStore.apply(change.clocks.filter { $0 == .cancelAll }, caseID: current.id, round: current.round, on: connection, logger: logger)
        try await ClockStore.apply(change.clocks.filter { $0 != .cancelAll }, caseID: current.id, round: change.after.round, on: connection, logger: logger)
        try await LifecycleStore.save(change.after, at: now, on: connection, logger: logger)
        try await CaseHistoryStore.append(
            caseID: current.id, at: now, actor: historyActor, action: change.history,
            detailJSON: try jsonText(change.historyDetail.merging(staffID.map { ["staff_id": $0] } ?? [:]) { $1 }),
            eventID: eventID, on: connection, logger: logger)
        if let notice = change.notice {
            outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: current.id, caseNumber: current.caseNumber, occurredAt: now, policy: policy,
                body: .lifecycle(notice))))
        }
    }

    private func refused(_ action: CaseAction, caseNumber: String?, status: CaseStatus?, _ refusal: ActionRefusal, now: Date) throws -> OutboxMessage {
        try outcomeMessage(ActionOutcome(
            eventID: UUID(), actionEventID: action.eventID, actionType: action.type, actor: action.actor,
            caseID: action.caseID, caseNumber: caseNumber, occurredAt: now, status: status, refusal: refusal))
    }

    private func outcomeMessage(_ outcome: ActionOutcome) throws -> OutboxMessage {
        OutboxMessage(
            topic: TopicName.actionOutcomes, key: outcome.caseID.map { Array($0.uuidString.lowercased().utf8) },
            payload: try EventJSON.encode(outcome),
            headers: EventHeaders.make(eventID: outcome.eventID.uuidString.lowercased(), type: outcome.type))
    }
}
