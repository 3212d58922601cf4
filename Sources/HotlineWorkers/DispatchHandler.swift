import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// The dispatch worker's rules applied to one `hotline.cases.v1` message: a
/// `case.accepted` event routes the case to its lead unit and co-units (长沙
/// 第十六条（二）; 巴林左旗 第十二条 "根据职责、属地或行业管理规定以派单的形式即时转派至承办单位办理"),
/// or, when no rule matches, puts it in the manual-dispatch queue, never dropping it.
/// Other lifecycle events are not for this worker and are passed over. It also
/// applies the units' and the centre's actions on the orders it sends
/// (`ActionHandler`), so one worker owns who holds a case, and the units' knowledge-base
/// entries with the centre's approvals (`KnowledgeHandler`).
public struct DispatchHandler: MessageHandler {
    public let name = "dispatch"
    let router: Router
    /// Each case is routed and timed under the policy version it was accepted under.
    let archive: PolicyArchive
    let logger: Logger

    public init(router: Router, archive: PolicyArchive, logger: Logger) {
        self.router = router
        self.archive = archive
        self.logger = logger
    }

    /// The topics the dispatch worker consumes.
    public static let topics = [TopicName.cases, TopicName.unitActions, TopicName.centreActions, TopicName.knowledge]


    public func apply(
        _ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws {
        switch message.topic {
        case TopicName.unitActions:
            try await ActionHandler(name: name, archive: archive, network: router.network, logger: logger)
                .apply(message, source: .units, now: now, connection: connection, outbox: &outbox)
        case TopicName.centreActions:
            try await ActionHandler(name: name, archive: archive, network: router.network, logger: logger)
                .apply(message, source: .centre, now: now, connection: connection, outbox: &outbox)
        case TopicName.knowledge:
            let decider = KnowledgeDecider(ownership: KnowledgeOwnership(router: router), rules: archive.running.policy.knowledgeRules)
            try await KnowledgeHandler(name: name, decider: decider, logger: logger)
                .apply(message, now: now, connection: connection, outbox: &outbox)
        default:
            try await route(message, now: now, connection: connection, outbox: &outbox)
        }
    }

    private func route(
        _ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws {
        guard let value = message.value, let envelope = try? JSONDecoder().decode(CaseEventEnvelope.self, from: Data(value)) else {
            try await DeadLetterWriter(worker: name, logger: logger).write(
                message,
                rejection: IntakeRejection(.schemaViolation, "The lifecycle event lacks type, event_id or case_id; see Topics/hotline.cases.v1/schema.json."),
                now: now, connection: connection, outbox: &outbox)
            return
        }
        var log = logger.forEvent(envelope.eventID, in: message)
        log[metadataKey: "case_id"] = "\(envelope.caseID.uuidString.lowercased())"
        if envelope.type == "case.rated", let rated = try? JSONDecoder().decode(RatedRound.self, from: Data(value)) {
            try await close(envelope, after: rated, message: message, now: now, connection: connection, outbox: &outbox, logger: log)
            return
        }
        guard envelope.type == "case.accepted" else { return }

        let first = try await ProcessedEvents.record(consumer: name, eventID: envelope.eventID, of: message, on: connection, logger: log)
        if first != nil {
            log.debug("skipped an event already applied")
            return
        }
        guard let routable = try await DispatchStore.routableCase(envelope.caseID, on: connection, logger: log) else {
            try await DeadLetterWriter(worker: name, logger: log).write(
                message,
                rejection: IntakeRejection(.processingError, "case \(envelope.caseID) does not exist in PostgreSQL; the event belongs to another database."),
                now: now, connection: connection, outbox: &outbox)
            return
        }
        guard routable.status == "accepted" else {
            // Already dispatched, answered at once (即时办结) or waiting for the centre's own reply.
            log.info("case not awaiting dispatch", metadata: ["status": "\(routable.status)"])
            return
        }
        let policy = CaseEvent.PolicyRef(id: routable.policyID, version: routable.policyVersion)
        switch try await decision(for: routable, connection: connection, logger: log) {
        case let .dispatch(lead, coUnits, ruleID):
            try await DispatchStore.assign(
                caseID: routable.id, round: 1, lead: lead, coUnits: coUnits, ruleID: ruleID, at: now,
                on: connection, logger: log)
            try await startClocks(caseID: routable.id, lead: lead.id, now: now, connection: connection, logger: log)
            try await CaseHistoryStore.append(
                caseID: routable.id, at: now, actor: "dispatch", action: "dispatched",
                detailJSON: try jsonText(["lead_unit": lead.id, "co_units": coUnits.map(\.id).joined(separator: ","), "rule_id": ruleID, "round": "1"]),
                eventID: envelope.eventID, on: connection, logger: log)
            outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: routable.id, caseNumber: routable.caseNumber, occurredAt: now, policy: policy,
                body: .dispatched(round: 1, lead: .init(lead), coUnits: coUnits.map(CaseEvent.UnitRef.init), ruleID: ruleID))))
            log.info("dispatched a case", metadata: ["lead_unit": "\(lead.id)", "rule_id": "\(ruleID)", "co_units": "\(coUnits.count)"])
        case let .manual(reason):
            try await DispatchStore.queueForManualDispatch(caseID: routable.id, reason: reason, at: now, on: connection, logger: log)
            try await CaseHistoryStore.append(
                caseID: routable.id, at: now, actor: "dispatch", action: "queued_for_manual_dispatch",
                detailJSON: try jsonText(["reason_code": "no_rule_matched"]),
                eventID: envelope.eventID, on: connection, logger: log)
            outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: routable.id, caseNumber: routable.caseNumber, occurredAt: now, policy: policy,
                body: .dispatchPending(reason: reason))))
            log.info("case queued for manual dispatch")
        }
    }

    /// The part of `case.rated` that closes a case.
    struct RatedRound: Decodable {
        var round: Int
        var rating: CallbackRating
    }

    /// A round rated 满意 or 基本满意 closes the case (`case.closed`); a 不满意 leaves it for
    /// the centre to send back (`reopen`) or close (`close_case`).
    private func close(
        _ envelope: CaseEventEnvelope, after rated: RatedRound, message: ConsumedMessage, now: Date, connection: PostgresConnection,
        outbox: inout [OutboxMessage], logger: Logger
    ) async throws {
        guard try await ProcessedEvents.record(consumer: name, eventID: envelope.eventID, of: message, on: connection, logger: logger) == nil,
            let current = try await LifecycleStore.lockedCase(envelope.caseID, on: connection, logger: logger)
        else { return }
        let lifecycle = try await archive.lifecycle(for: current.policy, network: router.network, connection: connection, logger: logger)
        guard let change = lifecycle.closeAfterRating(rated.rating, round: rated.round, on: current) else { return }
        try await ActionHandler(name: name, archive: archive, network: router.network, logger: logger).record(
            change, by: "callbacks", staffID: nil, eventID: envelope.eventID, on: current, now: now, connection: connection,
            outbox: &outbox, logger: logger)
        logger.info("closed a rated case", metadata: ["rating": "\(rated.rating.rawValue)"])
    }

    /// A centre precedent for the case's category and area (长沙 第二十三条) comes
    /// before the routing file's rules.
    private func decision(for routable: RoutableCase, connection: PostgresConnection, logger: Logger) async throws -> DispatchDecision {
        if let precedent = try await LifecycleStore.precedent(
            category: routable.category, areaCode: routable.areaCode, on: connection, logger: logger),
           let lead = router.network.unit(precedent.lead)
        {
            let coUnits = precedent.coUnits.compactMap(router.network.unit)
            return .dispatch(lead: lead, coUnits: coUnits, ruleID: "precedent")
        }
        return router.route(category: routable.category, areaCode: routable.areaCode, text: routable.text)
    }

    /// Round 1 starts: the sign clock, and the handling clock when the policy counts it from dispatch.
    private func startClocks(caseID: UUID, lead: String, now: Date, connection: PostgresConnection, logger: Logger) async throws {
        guard var current = try await LifecycleStore.lockedCase(caseID, on: connection, logger: logger) else { return }
        current.round = 1
        current.dispatchedAt = now
        let lifecycle = try await archive.lifecycle(for: current.policy, network: router.network, connection: connection, logger: logger)
        // No order goes out without its clocks: a due instant the calendar cannot count fails
        // this event alone, set aside as `calendar_not_covered` by the pipeline for a replay.
        let clocks = try lifecycle.clocksForDispatch(of: current, lead: lead, at: now)
        for case let .start(plan) in clocks where plan.obligation == .handling { current.handlingDue = plan.dueAt }
        try await ClockStore.apply(clocks, caseID: caseID, round: 1, on: connection, logger: logger)
        try await LifecycleStore.save(current, at: now, on: connection, logger: logger)
    }
}
