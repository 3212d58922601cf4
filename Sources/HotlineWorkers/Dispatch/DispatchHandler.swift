import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// The dispatch worker: it owns who holds a case. A `case.accepted` event routes the case
/// to its lead unit and co-units (长沙 第十六条（二）; 巴林左旗 第十二条 「根据职责、属地或行业管理规定以派单的形式
/// 即时转派至承办单位办理」), or, when no rule matches, to the manual-dispatch queue, never
/// dropping it; the units' and the centre's actions move the case through `CaseLifecycle`;
/// a rated round closes it; the units' knowledge-base entries and the centre's approvals
/// are kept (`KnowledgeDecider`). Every action and knowledge event is answered; a refused
/// one changes nothing; a malformed one is also dead-lettered with its original bytes.
/// Every new round issues a work order per unit on `hotline.work-orders.v1`, sealed to the
/// unit's key at flush (`WorkOrderIssuer`), the only place the caller's contact is opened.
///
/// Set-based: the batch's cases (with their current units), precedents, clocks, rated
/// rounds and knowledge versions are loaded in one query per table, every event is decided
/// in order over that view, and each table is written once.
public struct DispatchHandler: BatchHandler {
    public let name = "dispatch"
    let router: Router
    /// Each case is routed and timed under the policy version it was accepted under.
    let archive: PolicyArchive
    /// Opens a case's text for routing and the caller's contact where a work order is sealed to its unit.
    let vault: PersonalDataVault
    let logger: Logger
    /// The units' sealing keys, read again only when the directory changed.
    let directory = PartyDirectoryCache()

    public init(router: Router, archive: PolicyArchive, vault: PersonalDataVault, logger: Logger) {
        self.router = router
        self.archive = archive
        self.vault = vault
        self.logger = logger
    }

    /// A case's subject and content opened for the routing rules (a shredded case's is empty).
    private func opened(_ stored: DispatchCase) throws -> DispatchCase {
        var opened = stored
        opened.text = try vault.text(of: stored.sealed)
        return opened
    }

    /// The topics the dispatch worker consumes.
    public static let topics = [TopicName.cases, TopicName.unitActions, TopicName.centreActions, TopicName.knowledge]

    // MARK: decode

    public func decode(_ message: ConsumedMessage, from sender: Party?) -> Decoded<DispatchEvent> {
        guard TopicName.signed.contains(message.topic) else { return decodeCaseEvent(message) }
        guard let sender else { return .refused(DecodeRefusal(MessageAuthenticator.unsigned(topic: message.topic))) }
        switch message.topic {
        case TopicName.unitActions: return decodeAction(message, source: .units, from: sender)
        case TopicName.centreActions: return decodeAction(message, source: .centre, from: sender)
        default: return decodeKnowledge(message, from: sender)
        }
    }

    private func decodeCaseEvent(_ message: ConsumedMessage) -> Decoded<DispatchEvent> {
        if let type = message.eventType, !DispatchEvent.caseEventTypes.contains(type) { return .ignored }
        guard let value = message.value, let event = try? JSONDecoder().decode(DispatchCaseEvent.self, from: Data(value)) else {
            return .refused(DecodeRefusal(IntakeRejection(
                .schemaViolation, "The lifecycle event lacks type, event_id or case_id; see Topics/hotline.cases.v1/schema.json.")))
        }
        switch event.type {
        case "case.accepted":
            return .event(.accepted(caseID: event.caseID), id: event.eventID)
        case "case.rated":
            guard let round = event.round else {
                return .refused(DecodeRefusal(IntakeRejection(
                    .schemaViolation, "case.rated lacks round; see Topics/hotline.cases.v1/schema.json.")))
            }
            return .event(.rated(caseID: event.caseID, round: round), id: event.eventID)
        default:
            return .ignored
        }
    }

    /// An action whose signer may not send it is refused (`forbidden`) and answered to the
    /// signer alone: the outcome names the signer as the actor, never the party it claimed to be.
    private func decodeAction(_ message: ConsumedMessage, source: CaseActionDecoder.Source, from sender: Party) -> Decoded<DispatchEvent> {
        switch CaseActionDecoder(source).decode(message.value) {
        case let .success(action):
            guard let refusal = SenderAuthorisation.refusal(of: action, from: sender) else { return .event(.action(action), id: action.eventID) }
            let signer: ActionActor? = switch sender.kind {
            case .unit: .unit(id: sender.id, staffID: action.actor.staffID)
            case .centre: .centre(staffID: action.actor.staffID)
            case .channelAdapter, .callbackAdapter: nil
            }
            let rejection = IntakeRejection(.forbidden, refusal)
            guard let signer else { return .refused(DecodeRefusal(rejection)) }
            return .refused(DecodeRefusal(rejection, eventID: action.eventID) { now in
                try ActionOutcomes.message(ActionOutcome(
                    eventID: UUID(), actionEventID: action.eventID, actionType: action.type, actor: signer,
                    caseID: action.caseID, caseNumber: nil, occurredAt: now, status: nil, refusal: ActionRefusal(.forbidden, refusal)))
            })
        case let .failure(failure):
            // The sender learns of it on its outcome topic too, once, where it named its event and case.
            guard let eventID = failure.eventID, failure.caseID != nil else { return .refused(DecodeRefusal(failure.rejection)) }
            return .refused(DecodeRefusal(failure.rejection, eventID: eventID) { now in
                try ActionOutcomes.message(ActionOutcome(
                    eventID: UUID(), actionEventID: eventID, actionType: failure.type, actor: failure.actor,
                    caseID: failure.caseID, caseNumber: nil, occurredAt: now, status: nil,
                    refusal: ActionRefusal(.malformed, failure.rejection.message)))
            })
        }
    }

    /// An entry not published by its own unit, or a review not signed by the centre, is
    /// refused (`forbidden`) and answered to the signer where it is a unit or the centre.
    private func decodeKnowledge(_ message: ConsumedMessage, from sender: Party) -> Decoded<DispatchEvent> {
        switch KnowledgeEventDecoder().decode(message.value) {
        case let .success(event):
            guard let refusal = SenderAuthorisation.refusal(of: event, from: sender) else { return .event(.knowledge(event), id: event.eventID) }
            let rejection = IntakeRejection(.forbidden, refusal)
            guard sender.kind == .unit || sender.kind == .centre else { return .refused(DecodeRefusal(rejection)) }
            return .refused(DecodeRefusal(rejection, eventID: event.eventID) { now in
                try KnowledgeOutcomes.message(KnowledgeOutcome(
                    eventID: UUID(), knowledgeEventID: event.eventID, knowledgeEventType: event.type, entryID: event.entryID, version: nil,
                    unitID: sender.kind == .unit ? sender.id : nil, occurredAt: now, body: .refused(KnowledgeRefusal(.forbidden, refusal))))
            })
        case let .failure(failure):
            guard let eventID = failure.eventID else { return .refused(DecodeRefusal(failure.rejection)) }
            return .refused(DecodeRefusal(failure.rejection, eventID: eventID) { now in
                try KnowledgeOutcomes.message(KnowledgeOutcome(
                    eventID: UUID(), knowledgeEventID: eventID, knowledgeEventType: failure.type, entryID: failure.entryID, version: nil,
                    unitID: nil, occurredAt: now, body: .refused(KnowledgeRefusal(.malformed, failure.rejection.message))))
            })
        }
    }

    // MARK: load

    /// One query per table, the cases first so every row read after them belongs to cases
    /// this transaction holds.
    public func load(_ batch: [Delivery<DispatchEvent>], now: Date, connection: PostgresConnection) async throws -> DispatchView {
        var view = DispatchView()
        let caseIDs = Array(Set(batch.compactMap(\.event.caseID)))
        // Only a case to route needs its text: the others' stays sealed.
        let routing = Set(batch.compactMap { delivery -> UUID? in
            guard case let .accepted(caseID) = delivery.event else { return nil }
            return caseID
        })
        view.cases = try await DispatchStore.lockCases(caseIDs, on: connection, logger: logger)
            .mapValues { routing.contains($0.lifecycle.id) ? try opened($0) : $0 }
        let toRoute = batch.compactMap { delivery -> RoutingPrecedent.Key? in
            guard case let .accepted(caseID) = delivery.event, let routed = view.cases[caseID] else { return nil }
            return RoutingPrecedent.Key(category: routed.lifecycle.category, areaCode: routed.areaCode)
        }
        view.precedents = try await DispatchStore.precedents(toRoute, on: connection, logger: logger)
        view.clocks = ClockBook(try await ClockStore.lockLive(caseIDs: Array(view.cases.keys), on: connection, logger: logger))
        let appealed = batch.compactMap { delivery -> UUID? in
            guard case let .action(action) = delivery.event, case .ratingAppeal = action.kind else { return nil }
            return action.caseID
        }
        let rated = batch.compactMap { delivery -> UUID? in
            guard case let .rated(caseID, _) = delivery.event else { return nil }
            return caseID
        }
        if !rated.isEmpty || !appealed.isEmpty {
            view.ratedRounds = try await RatingAppealStore.ratedRounds(of: Array(Set(rated + appealed)), on: connection, logger: logger)
        }
        if !appealed.isEmpty {
            view.ratingAppeals = try await RatingAppealStore.lockedAppeals(
                onTasks: view.ratedRounds.values.flatMap { $0.map(\.taskID) }, on: connection, logger: logger)
        }
        let entries = batch.compactMap { delivery -> String? in
            guard case let .knowledge(event) = delivery.event else { return nil }
            return event.entryID
        }
        view.knowledgeVersions = try await KnowledgeStore.lockedVersions(of: entries, on: connection, logger: logger)
        let dispatching = batch.compactMap { delivery -> UUID? in
            switch delivery.event {
            case let .accepted(caseID): caseID
            case let .action(action) where action.mayStartRound: action.caseID
            default: nil
            }
        }
        view.appeals = try await WorkOrderStore.appeals(of: Array(Set(dispatching)), on: connection, logger: logger).mapValues(vault.opened)
        let reopening = batch.compactMap { delivery -> UUID? in
            guard case let .action(action) = delivery.event, case .reopen = action.kind else { return nil }
            return action.caseID
        }
        for (caseID, reports) in try await WorkOrderStore.roundReports(of: Array(Set(reopening)), on: connection, logger: logger) {
            guard let sealed = view.cases[caseID]?.sealed else { continue }
            view.roundReports[caseID] = try vault.opened(reports, of: sealed)
        }
        if !dispatching.isEmpty {
            // Every party's sealing key valid now, at the real instant also under a simulated
            // clock (keys are enrolled, rotated and revoked in real time, as BatchPipeline
            // judges signatures): a batch's new rounds may go to any unit.
            view.sealingKeys = PartySealingKey.current(in: try await directory.current(on: connection, logger: logger), at: Date())
        }
        for policy in Set(view.cases.values.map(\.lifecycle.policy)) {
            view.editions[policy] = try await archive.edition(policyID: policy.id, version: policy.version, connection: connection, logger: logger)
        }
        return view
    }

    // MARK: flush

    /// Each table written once, cases before the rows that name them, the history last: its
    /// chaining trigger locks each case's head until the transaction ends (migration 0026),
    /// and the callbacks worker appends to the same fresh cases, so the work orders are
    /// sealed before the first write rather than while those locks are held.
    public func flush(_ effects: DispatchEffects, now: Date, connection: PostgresConnection) async throws -> [OutboxMessage] {
        let orders = try WorkOrderIssuer(vault: vault, logger: logger).issue(effects.workOrders, at: now)
        try await LifecycleStore.saveAll(effects.cases, on: connection, logger: logger)
        try await DispatchStore.writeAssignments(ending: effects.endedAssignments, effects.assignments, on: connection, logger: logger)
        try await DispatchStore.writeQueue(effects.queue, on: connection, logger: logger)
        try await ClockStore.write(effects.clocks, on: connection, logger: logger)
        try await DispatchStore.recordPrecedents(effects.precedents, on: connection, logger: logger)
        try await KnowledgeStore.insertAll(effects.knowledgePublished, at: now, on: connection, logger: logger)
        try await KnowledgeStore.decideAll(effects.knowledgeReviewed, at: now, on: connection, logger: logger)
        try await RatingAppealStore.fileAll(effects.appealsFiled, on: connection, logger: logger)
        try await RatingAppealStore.decideAll(effects.appealsDecided, on: connection, logger: logger)
        try await WorkOrderStore.recordWithheld(orders.withheld, on: connection, logger: logger)
        try await LookupStore.writeReplies(Array(effects.lookupReplies.values), on: connection, logger: logger)
        try await CaseHistoryStore.appendAll(effects.history, on: connection, logger: logger)
        return effects.outbox + orders.messages
    }
}
