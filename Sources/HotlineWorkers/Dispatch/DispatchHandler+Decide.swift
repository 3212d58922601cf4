import Foundation
import HotlineDomain
import HotlinePostgres
import Logging

extension DispatchHandler {
    /// Every event's effects, in the batch's order, over `view`; no I/O. A later event sees
    /// what an earlier one did to the same case, as if each had its own batch.
    public func decide(_ batch: [Delivery<DispatchEvent>], view: DispatchView, now: Date) throws -> DispatchEffects {
        var view = view
        var effects = DispatchEffects()
        for delivery in batch {
            // What the event leads to continues its trace.
            let marks = (outbox: effects.outbox.count, workOrders: effects.workOrders.count)
            defer {
                effects.outbox.carry(delivery.trace, from: marks.outbox)
                for index in marks.workOrders..<effects.workOrders.count { effects.workOrders[index].trace = delivery.trace }
            }
            var log = logger.forEvent(delivery.eventID, in: delivery.message)
            if let caseID = delivery.event.caseID { log[metadataKey: "case_id"] = "\(caseID.uuidString.lowercased())" }
            switch delivery.event {
            case let .accepted(caseID):
                try route(caseID, delivery, now: now, view: &view, effects: &effects, logger: log)
            case let .rated(caseID, round):
                try close(caseID, round: round, delivery, now: now, view: &view, effects: &effects, logger: log)
            case let .action(action):
                log[metadataKey: "action"] = "\(action.type)"
                try act(action, now: now, view: &view, effects: &effects, logger: log)
            case let .knowledge(event):
                log[metadataKey: "entry_id"] = "\(event.entryID)"
                log[metadataKey: "entry_version"] = "\(event.version)"
                try keep(event, now: now, view: &view, effects: &effects, logger: log)
            }
        }
        effects.clocks = view.clocks.changedRecords
        return effects
    }

    /// The case state machine under the version the case was accepted under.
    func lifecycle(of routed: DispatchCase, in view: DispatchView) throws -> CaseLifecycle {
        guard let edition = view.editions[routed.lifecycle.policy] else {
            throw PolicyVersionMissing(policyID: routed.lifecycle.policy.id, version: routed.lifecycle.policy.version)
        }
        return CaseLifecycle(policy: edition.policy, calendar: edition.calendar, network: router.network)
    }

    // MARK: routing

    /// A centre precedent for the case's category and area (长沙 第二十三条) comes before the
    /// routing file's rules.
    private func route(
        _ caseID: UUID, _ delivery: Delivery<DispatchEvent>, now: Date, view: inout DispatchView, effects: inout DispatchEffects,
        logger: Logger
    ) throws {
        guard let routed = view.cases[caseID] else {
            effects.rejections.append(Rejection(delivery.message, IntakeRejection(
                .processingError, "Case \(caseID.uuidString.lowercased()) does not exist in this database; the event belongs to another installation.")))
            return
        }
        let decision: DispatchDecision
        if let precedent = view.precedents[RoutingPrecedent.Key(category: routed.lifecycle.category, areaCode: routed.areaCode)],
           let lead = router.network.unit(precedent.lead)
        {
            decision = .dispatch(lead: lead, coUnits: precedent.coUnits.compactMap(router.network.unit), ruleID: "precedent")
        } else {
            decision = router.route(category: routed.lifecycle.category, areaCode: routed.areaCode, text: routed.text)
        }
        // No order goes out without its clocks: a due instant the calendar cannot count fails
        // the batch, and the pipeline sets this event alone aside as `calendar_not_covered`.
        guard let change = try lifecycle(of: routed, in: view).route(routed.lifecycle, decision, now: now) else {
            // Already dispatched, answered at once (即时办结) or waiting for the centre's own reply.
            logger.info("case not awaiting dispatch", metadata: ["status": "\(routed.lifecycle.status.rawValue)"])
            return
        }
        try record(change, of: routed, by: "dispatch", staffID: nil, eventID: delivery.eventID, now: now, view: &view, effects: &effects)
        if let dispatch = change.dispatch {
            logger.info("dispatched a case", metadata: [
                "lead_unit": "\(dispatch.lead.id)", "rule_id": "\(dispatch.ruleID)", "co_units": "\(dispatch.coUnits.count)",
            ])
        } else {
            logger.info("case queued for manual dispatch")
        }
    }

    /// A round rated 满意 or 基本满意 closes the case (`case.closed`); a 不满意 leaves it for
    /// the centre to send back (`reopen`) or close (`close_case`). The rating is the one the
    /// callbacks worker recorded on the round's task; a `case.rated` without one changes nothing.
    private func close(
        _ caseID: UUID, round: Int, _ delivery: Delivery<DispatchEvent>, now: Date, view: inout DispatchView,
        effects: inout DispatchEffects, logger: Logger
    ) throws {
        guard let rating = view.ratedRounds[caseID]?.first(where: { $0.round == round })?.rating else {
            logger.warning("case.rated names a round with no rated callback task; nothing closed", metadata: ["round": "\(round)"])
            return
        }
        guard let rated = view.cases[caseID],
              let change = try lifecycle(of: rated, in: view).closeAfterRating(rating, round: round, on: rated.lifecycle)
        else { return }
        try record(change, of: rated, by: "callbacks", staffID: nil, eventID: delivery.eventID, now: now, view: &view, effects: &effects)
        logger.info("closed a rated case", metadata: ["rating": "\(rating.rawValue)"])
    }

    // MARK: actions

    /// A unit's or the centre's action through the case state machine (or the rating
    /// appeal rules); every action is answered on `hotline.action-outcomes.v1`, a refused
    /// one leaving the case untouched.
    private func act(
        _ action: CaseAction, now: Date, view: inout DispatchView, effects: inout DispatchEffects, logger: Logger
    ) throws {
        guard let current = view.cases[action.caseID] else {
            effects.outbox.append(try outcome(action, caseNumber: nil, status: nil, refusal: ActionRefusal(
                .unknownCase, "There is no case \(action.caseID.uuidString.lowercased()); use the case_id published on hotline.cases.v1."), now: now))
            logger.info("refused an action", metadata: ["reason_code": "unknown_case"])
            return
        }
        let lifecycle = try lifecycle(of: current, in: view)
        let status: CaseStatus
        do {
            if case let .ratingAppeal(appeal) = action.kind {
                try appealRating(appeal, of: action, on: current, lifecycle: lifecycle, now: now, view: &view, effects: &effects)
                status = current.lifecycle.status
            } else {
                let change = try lifecycle.decide(action, on: current.lifecycle, now: now)
                try record(
                    change, of: current, by: action.actor.historyName, staffID: action.actor.staffID, eventID: action.eventID, now: now,
                    view: &view, effects: &effects)
                status = change.after.status
            }
        } catch let refusal as ActionRefusal {
            effects.outbox.append(try outcome(
                action, caseNumber: current.lifecycle.caseNumber, status: current.lifecycle.status, refusal: refusal, now: now))
            logger.info("refused an action", metadata: [
                "reason_code": "\(refusal.code.rawValue)", "status": "\(current.lifecycle.status.rawValue)",
            ])
            return
        }
        effects.outbox.append(try outcome(action, caseNumber: current.lifecycle.caseNumber, status: status, refusal: nil, now: now))
        logger.info("applied an action", metadata: ["status": "\(status.rawValue)"])
    }

    /// An accepted change of a case applied to the view and the effects: its units, the
    /// manual-dispatch queue, its clocks, its fields, its history row and its events.
    private func record(
        _ change: CaseLifecycle.Change, of current: DispatchCase, by historyActor: String, staffID: String?, eventID: String, now: Date,
        view: inout DispatchView, effects: inout DispatchEffects
    ) throws {
        let before = current.lifecycle
        var after = change.after
        after.source = CaseSource.of(channel: current.channel, leaderAssigned: after.leaderAssigned, mediaExposed: after.mediaExposed)
        func publish(_ body: CaseEvent.Body) throws {
            effects.outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: before.id, caseNumber: before.caseNumber, occurredAt: now, policy: before.policy, body: body)))
        }
        if let dispatch = change.dispatch {
            effects.assign(
                before.id, round: after.round, lead: dispatch.lead, coUnits: dispatch.coUnits, ruleID: dispatch.ruleID,
                leavingQueue: before.status == .awaitingManualDispatch, at: now)
            if dispatch.asPrecedent {
                let precedent = RoutingPrecedent(
                    key: RoutingPrecedent.Key(category: before.category, areaCode: current.areaCode), lead: dispatch.lead.id,
                    coUnits: dispatch.coUnits.map(\.id), basisCase: before.id, decidedAt: now)
                view.precedents[precedent.key] = precedent
                effects.precedents.removeAll { $0.key == precedent.key }
                effects.precedents.append(precedent)
            }
            try publish(.dispatched(
                round: after.round, lead: .init(dispatch.lead), coUnits: dispatch.coUnits.map(CaseEvent.UnitRef.init), ruleID: dispatch.ruleID))
            guard let stored = view.appeals[before.id] else { throw WorkOrderAppealMissing(caseID: before.id) }
            let drafts = WorkOrderPlanner.drafts(
                kind: .of(change), round: after, lead: dispatch.lead, coUnits: dispatch.coUnits, clocks: change.clocks, appeal: stored.appeal,
                earlierRounds: view.roundReports[before.id] ?? [], now: now, newID: UUID.init)
            effects.workOrders += drafts.map { PendingWorkOrder(draft: $0, key: view.sealingKeys[$0.order.unitID], appeal: stored) }
        }
        if let manual = change.manualDispatch {
            effects.endAssignments(of: before.id)
            effects.queue[before.id] = .queued(reason: manual.reason, at: now)
            if manual.announced { try publish(.dispatchPending(reason: manual.reason)) }
        }
        // Clocks of the old round stop before the new round's start.
        view.clocks.apply(change.clocks.filter { $0 == .cancelAll }, caseID: before.id, round: before.round)
        view.clocks.apply(change.clocks.filter { $0 != .cancelAll }, caseID: before.id, round: after.round)
        view.cases[before.id]?.lifecycle = after
        effects.save(after, at: now)
        effects.history.append(HistoryEntry(
            caseID: before.id, at: now, actor: historyActor, action: change.history,
            detailJSON: try jsonText(vault.sealingFreeText(
                in: change.historyDetail.merging(staffID.map { ["staff_id": $0] } ?? [:]) { $1 }, of: current.sealed)),
            eventID: eventID))
        // The unit's reply, for the citizen who looks the case up with the receipt's code.
        if change.notice?.step == .resultSubmitted, let reply = change.historyDetail[HistoryFreeText.reason],
           let sealed = try vault.sealLookupReply(reply, of: current.sealed) {
            effects.lookupReplies[before.id] = LookupReply(caseID: before.id, sealed: sealed, submittedAt: now)
        }
        if let notice = change.notice { try publish(.lifecycle(notice)) }
    }

    /// A rating appeal action (长沙 第二十七条): the unit's appeal or the centre's decision is
    /// recorded and announced; the case itself does not move. Throws the decider's
    /// `ActionRefusal` when the action is not allowed; nothing is recorded then.
    private func appealRating(
        _ appeal: RatingAppealAction, of action: CaseAction, on current: DispatchCase, lifecycle: CaseLifecycle, now: Date,
        view: inout DispatchView, effects: inout DispatchEffects
    ) throws {
        let caseID = current.lifecycle.id
        let rated = view.ratedRounds[caseID]?.first { appeal.round == nil || $0.round == appeal.round }
        let existing = rated.flatMap { view.ratingAppeals[$0.taskID] }
        let notice = try RatingAppealDecider(policy: lifecycle.policy, calendar: lifecycle.calendar).decide(
            appeal, by: action.actor, caseNumber: current.lifecycle.caseNumber, rated: rated, existing: existing, now: now)
        guard let rated else { return }
        var detail = ["round": "\(rated.round)", "ground": notice.ground.code]
        switch appeal {
        case let .file(_, statement, evidence, _):
            let id = UUID()
            effects.appealsFiled.append(FiledRatingAppeal(
                id: id, caseID: caseID, rated: rated, notice: notice,
                evidenceJSON: String(decoding: try JSONEncoder().encode(evidence), as: UTF8.self), filedBy: action.actor.staffID, at: now))
            view.ratingAppeals[rated.taskID] = RatingAppealRecord(id: id, ground: notice.ground.code, state: .pending)
            detail["statement"] = statement
            detail["evidence_items"] = "\(evidence.count)"
        case let .uphold(reason, _, _), let .reject(reason, _):
            guard let existing else { return }
            let state: RatingAppealState = notice.step == .upheld ? .upheld : .rejected
            effects.appealsDecided.append(RatingAppealDecision(
                id: existing.id, state: state, assessedRating: notice.assessedRating, decidedBy: action.actor.staffID, at: now))
            view.ratingAppeals[rated.taskID]?.state = state
            detail["reason"] = reason
            if let assessed = notice.assessedRating { detail["assessed_rating"] = assessed.rawValue }
        }
        effects.history.append(HistoryEntry(
            caseID: caseID, at: now, actor: action.actor.historyName, action: action.type,
            detailJSON: try jsonText(vault.sealingFreeText(in: detail.merging(["staff_id": action.actor.staffID]) { $1 }, of: current.sealed)),
            eventID: action.eventID))
        effects.outbox.append(try caseMessage(CaseEvent(
            eventID: UUID(), caseID: caseID, caseNumber: current.lifecycle.caseNumber, occurredAt: now, policy: current.lifecycle.policy,
            body: .ratingAppeal(notice))))
    }

    private func outcome(_ action: CaseAction, caseNumber: String?, status: CaseStatus?, refusal: ActionRefusal?, now: Date) throws -> OutboxMessage {
        try ActionOutcomes.message(ActionOutcome(
            eventID: UUID(), actionEventID: action.eventID, actionType: action.type, actor: action.actor,
            caseID: action.caseID, caseNumber: caseNumber, occurredAt: now, status: status, refusal: refusal))
    }

    // MARK: knowledge

    /// A unit's new or changed entry is checked (the unit exists, the duty is its own, the
    /// version is the next) and kept as a new immutable version, pending the centre's
    /// approval where the policy says so (长沙 第八条（二）); the centre's approval or
    /// rejection decides a pending version. Every event is answered on
    /// `hotline.knowledge-outcomes.v1`; a refused one changes nothing.
    private func keep(
        _ event: KnowledgeEvent, now: Date, view: inout DispatchView, effects: inout DispatchEffects, logger: Logger
    ) throws {
        let decider = KnowledgeDecider(ownership: KnowledgeOwnership(router: router), rules: archive.running.policy.knowledgeRules)
        let existing = view.knowledgeVersions[event.entryID] ?? []
        let body: KnowledgeOutcome.Body
        var unitID: String?
        switch event {
        case let .published(entry):
            unitID = entry.unitID
            switch decider.publish(entry, existing: existing) {
            case let .failure(refusal):
                body = .refused(refusal)
            case let .success(publication):
                effects.knowledgePublished.append((entry, publication))
                view.knowledgeVersions[entry.entryID, default: []].insert(
                    PublishedKnowledgeVersion(version: entry.version, unitID: entry.unitID, state: publication.state, reviewBy: entry.reviewBy),
                    at: 0)
                body = .accepted(state: publication.state.rawValue)
                logger.info("knowledge entry published", metadata: [
                    "unit_id": "\(entry.unitID)", "state": "\(publication.state.rawValue)", "late": "\(publication.late)",
                ])
            }
        case let .reviewed(review):
            unitID = existing.first { $0.version == review.version }?.unitID
            if let refusal = decider.refusal(for: review, existing: existing) {
                body = .refused(refusal)
            } else {
                let state: KnowledgeState = review.approved ? .approved : .rejected
                effects.knowledgeReviewed.append(review)
                if let index = view.knowledgeVersions[event.entryID]?.firstIndex(where: { $0.version == review.version }) {
                    view.knowledgeVersions[event.entryID]?[index].state = state
                }
                body = .accepted(state: state.rawValue)
                logger.info("knowledge entry reviewed", metadata: ["approved": "\(review.approved)"])
            }
        }
        if case let .refused(refusal) = body {
            logger.info("refused a knowledge event", metadata: ["reason_code": "\(refusal.code.rawValue)"])
        }
        effects.outbox.append(try KnowledgeOutcomes.message(KnowledgeOutcome(
            eventID: UUID(), knowledgeEventID: event.eventID, knowledgeEventType: event.type, entryID: event.entryID,
            version: event.version, unitID: unitID, occurredAt: now, body: body)))
    }
}
