import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// The intake worker's rules applied to a batch of `hotline.intake.v1` messages, set-based:
/// decode every message, load what the batch needs in one query per table, decide every
/// message in order over that in-memory view, then write each table once.
///
/// Per message: bad input → one dead letter; a redelivered message → nothing; a
/// re-published appeal (same channel and external id) → the same receipt again, never a
/// second case; otherwise the decision of `IntakeDecider` with its case, urge or record,
/// history row, receipt and lifecycle event. An `answered_from` naming a version that was
/// not shown to operators is dead-lettered (`unknown_entry_version`) and changes nothing.
/// Two appeals of one caller in one batch are decided in order: the second sees the
/// case the first opened and is merged into it as an urge.
public struct IntakeHandler: BatchHandler {
    public let name = "intake"
    let decoder: IntakeEventDecoder
    let decider: IntakeDecider
    let replies: ReplyObligation
    let vault: PersonalDataVault
    let queryCodes: QueryCodeIssuer
    let caseNumbers: any CaseNumberReservation
    let logger: Logger

    public init(
        policy: Policy, calendar: WorkingDayCalendar, vault: PersonalDataVault, queryCodes: QueryCodeIssuer,
        caseNumbers: any CaseNumberReservation, maximumEventBytes: Int, logger: Logger
    ) {
        self.caseNumbers = caseNumbers
        self.queryCodes = queryCodes
        self.decoder = IntakeEventDecoder(maximumBytes: maximumEventBytes)
        self.decider = IntakeDecider(policy: policy)
        self.replies = ReplyObligation(policy: policy, calendar: calendar)
        self.vault = vault
        self.logger = logger
    }

    private var policy: Policy { decider.policy }

    /// An adapter publishing an appeal again gets its receipt again.
    public var decidesRepublishedEvents: Bool { true }

    // MARK: decode

    public func decode(_ message: ConsumedMessage, from sender: Party?) -> Decoded<IntakeEvent> {
        switch decoder.decode(message.value) {
        case let .success(event): .event(event, id: event.eventID)
        case let .failure(rejection): .refused(DecodeRefusal(rejection))
        }
    }

    // MARK: load

    /// One query per table. The callers' locks come first so the open cases read after
    /// them are those no other intake instance is about to change.
    public func load(_ batch: [Delivery<IntakeEvent>], now: Date, connection: PostgresConnection) async throws -> IntakeView {
        var view = IntakeView()
        let events = batch.map(\.event)
        guard !events.isEmpty else { return view }
        let phoneIndexes = events.compactMap { vault.phoneIndex($0.caller) }
        try await IntakeStore.lockCallers(phoneIndexes: phoneIndexes, on: connection, logger: logger)
        view.requests = try await IntakeStore.requests(events.map(\.requestKey), on: connection, logger: logger)
        let closedSince = decider.policy.repeat.closedCase.map { now.addingTimeInterval(-Double($0.withinDays) * 86_400) }
        view.openCases = try await IntakeStore.openCases(
            phoneIndexes: phoneIndexes, caseNumbers: events.compactMap(\.refersToCase), closedSince: closedSince, on: connection, logger: logger
        ).map(opened)
        view.knowledge = try await KnowledgeStore.found(events.compactMap(\.answeredFrom), on: connection, logger: logger)
        return view
    }

    /// A stored case's text, opened for the repeat rule's similarity (a shredded case's is empty).
    private func opened(_ stored: StoredOpenCase) throws -> StoredOpenCase {
        guard let sealed = stored.sealed else { return stored }
        var opened = stored
        opened.candidate.text = try vault.text(of: sealed)
        return opened
    }

    // MARK: decide

    /// Every message's decision, in the batch's order, over `view`; no I/O.
    public func decide(_ batch: [Delivery<IntakeEvent>], view: IntakeView, now: Date) throws -> IntakeEffects {
        var view = view
        var effects = IntakeEffects()
        for delivery in batch {
            let message = delivery.message
            let event = delivery.event
            let log = logger.forEvent(event.eventID, in: message)
            let receiptKey = message.key ?? Array("\(event.channel.rawValue):\(event.externalID)".utf8)

            if let existing = view.requests[event.requestKey] {
                // The same appeal published again: answer it the same way (idempotency key
                // is channel + external id), and open nothing.
                effects.republished[event.requestKey, default: 0] += 1
                let again = withQueryCode(existing.reissued(eventID: UUID(), replyingTo: event, issuedAt: now))
                effects.outgoing.append(.receipt(again, key: receiptKey, trace: delivery.trace))
                effects.outcomes.append(.republished)
                log.info("answered a re-published appeal", metadata: ["outcome": "\(existing.outcome.rawValue)"])
                continue
            }

            let phoneIndex = vault.phoneIndex(event.caller)
            let candidates = view.candidates(phoneIndex: phoneIndex, refersTo: event.refersToCase)
            let answered = event.answeredFrom.flatMap { view.knowledge[$0] }
            let decision = decider.decide(event, openCases: candidates, answered: answered)
            var caseEvents: [CaseEvent] = []
            let receipt = try apply(
                decision, of: event, phoneIndex: phoneIndex, now: now, view: &view, effects: &effects, caseEvents: &caseEvents, logger: log
            ).map(withQueryCode)
            guard let receipt else {
                if case let .refuse(rejection) = decision {
                    effects.rejections.append(Rejection(message, rejection))
                    effects.outcomes.append(.rejected(rejection.reason))
                }
                continue
            }
            let keepText = receipt.outcome == .notAccepted || receipt.outcome == .redirected
            effects.requests.append(NewIntakeRequest(
                event: event, receipt: receipt, recordedAt: now,
                keptText: keepText ? try vault.seal(requestText: event.text, of: event.requestKey) : nil))
            view.requests[event.requestKey] = receipt
            effects.outgoing.append(.receipt(receipt, key: receiptKey, trace: delivery.trace))
            effects.outgoing.append(contentsOf: caseEvents.map { .caseEvent($0, trace: delivery.trace) })
            effects.outcomes.append(.decided(receipt.outcome, caseNumber: receipt.caseNumber))
        }
        return effects
    }

    /// An accepted case's receipt carries its query code (巴林左旗 第二十四条), derived from the
    /// case id (`QueryCodeIssuer`), so the first receipt and every re-issue say the same code.
    /// A merged appeal's receipt carries none: the caller was given the case's code with its
    /// first receipt, and a repeat is matched by phone, which does not prove who calls.
    private func withQueryCode(_ receipt: IntakeReceipt) -> IntakeReceipt {
        guard receipt.outcome == .accepted, let caseID = receipt.caseID.flatMap(UUID.init(uuidString:)) else { return receipt }
        var copy = receipt
        copy.queryCode = queryCodes.code(for: caseID).description
        return copy
    }

    /// One valid appeal's decision applied to the view and the effects, with the lifecycle
    /// events it publishes after its receipt; the receipt the caller gets, or nil when the
    /// appeal is refused.
    private func apply(
        _ decision: IntakeDecision, of event: IntakeEvent, phoneIndex: [UInt8]?, now: Date,
        view: inout IntakeView, effects: inout IntakeEffects, caseEvents: inout [CaseEvent], logger log: Logger
    ) throws -> IntakeReceipt? {
        switch decision {
        case .refuse:
            return nil

        case let .accept(category, source):
            let opened = try open(event, category: category, source: source, status: .accepted, phoneIndex: phoneIndex, now: now,
                                  view: &view, effects: &effects, logger: log)
            caseEvents.append(opened.accepted())
            return opened.receipt(replyingTo: event)

        case let .answerDirectly(category, source, answer):
            // 即时办结: created closed, never dispatched; no sign or handling clock runs. The
            // callbacks worker calls it back where the policy's knowledge.direct_answer_callback_article says so.
            let opened = try open(
                event, category: category, source: source, status: .closed, answeredFrom: answer,
                callbackOwed: policy.knowledgeRules.directAnswerCallbackArticle != nil, phoneIndex: phoneIndex, now: now,
                view: &view, effects: &effects, logger: log)
            let article = policy.knowledgeRules.directAnswerArticle
            effects.history.append(HistoryEntry(
                caseID: opened.id, at: now, actor: "intake", action: "answered_directly",
                detailJSON: try jsonText(["entry_id": answer.entryID, "version": "\(answer.version)", "article": article ?? "-"]),
                eventID: event.eventID))
            caseEvents.append(opened.accepted(answeredFrom: answer))
            caseEvents.append(opened.event(.lifecycle(LifecycleNotice(
                step: .closed, round: 0, unitID: nil, status: .closed, article: article, answeredFrom: answer))))
            log.info("closed a case answered from the knowledge base", metadata: ["entry_id": "\(answer.entryID)", "version": "\(answer.version)"])
            return opened.receipt(replyingTo: event)

        case let .awaitReply(category, source):
            // No case runs without its clock: a due instant the calendar cannot count fails the
            // batch, and the pipeline sets this appeal alone aside as `calendar_not_covered`.
            let clock = try replies.clock(category: category, urgent: event.urgent, acceptedAt: now)
            let opened = try open(event, category: category, source: source, status: .awaitingReply, phoneIndex: phoneIndex, now: now,
                                  view: &view, effects: &effects, logger: log)
            if let clock { effects.clocks.append(ClockRecord(caseID: opened.id, round: 0, plan: clock)) }
            let replyDue = clock?.dueAt
            effects.history.append(HistoryEntry(
                caseID: opened.id, at: now, actor: "intake", action: "awaiting_reply",
                detailJSON: try jsonText(["knowledge_not_found": "true", "reply_due": replyDue.map(RFC3339.formatSeconds) ?? "-",
                                          "article": policy.rule(for: .reply)?.article ?? "-"]),
                eventID: event.eventID))
            caseEvents.append(opened.accepted(replyDue: replyDue, replyDueProvisional: clock?.basis.isProvisional ?? false))
            log.info("case awaits the centre's reply", metadata: ["case_id": "\(opened.id.uuidString.lowercased())"])
            return opened.receipt(replyingTo: event)

        case let .merge(open, category):
            // 鄂尔多斯 第十八条（四）: a repeat call about a case still being handled is
            // explained and the unit urged (催办); no second case.
            guard let index = view.openCases.firstIndex(where: { $0.candidate.caseID == open.caseID }) else { return nil }
            view.openCases[index].urgeCount += 1
            let urgeCount = view.openCases[index].urgeCount
            effects.urges.append(NewUrge(caseID: open.caseID, key: event.requestKey, at: now))
            let basis = PolicyBasis(policy: policy.policy, policyVersion: policy.version, article: policy.repeat.article)
            effects.history.append(HistoryEntry(
                caseID: open.caseID, at: now, actor: "intake", action: "urged",
                detailJSON: try jsonText(["channel": event.channel.rawValue, "external_id": event.externalID,
                                          "urge_count": "\(urgeCount)", "article": policy.repeat.article]),
                eventID: event.eventID))
            caseEvents.append(CaseEvent(
                eventID: UUID(), caseID: open.caseID, caseNumber: open.caseNumber, occurredAt: now,
                policy: .init(id: policy.policy, version: policy.version),
                body: .urged(urgeCount: urgeCount, channel: event.channel, basis: basis)))
            log.info("linked a repeat appeal", metadata: ["case_id": "\(open.caseID.uuidString.lowercased())", "category": "\(category.rawValue)", "urge_count": "\(urgeCount)"])
            return IntakeReceipt(
                eventID: UUID(), replyingTo: event, outcome: .merged, caseID: open.caseID, caseNumber: open.caseNumber,
                category: open.category, reasonCode: IntakeDecision.repeatOfOpenCase, reason: policy.repeat.reason, basis: basis,
                issuedAt: now)

        case let .redirect(rule), let .notAccept(rule):
            let redirected = decision.receiptOutcome(under: policy) == .redirected
            log.info("appeal not opened as a case", metadata: ["outcome": "\(redirected ? "redirected" : "not_accepted")", "reason_code": "\(rule.code)"])
            return IntakeReceipt(
                eventID: UUID(), replyingTo: event, outcome: redirected ? .redirected : .notAccepted,
                reasonCode: rule.code, reason: rule.reason, redirectTo: redirected ? rule.to : nil,
                basis: PolicyBasis(policy: policy.policy, policyVersion: policy.version, article: rule.article),
                issuedAt: now)
        }
    }

    /// A new case with the day's next number and its `accepted` history row; an open one
    /// joins the view, so the caller's next appeal in the batch is judged a repeat of it.
    private func open(
        _ event: IntakeEvent, category: CategoryCode, source: CategorySource, status: CaseStatus, answeredFrom: KnowledgeAnswer? = nil,
        callbackOwed: Bool = false, phoneIndex: [UInt8]?, now: Date, view: inout IntakeView, effects: inout IntakeEffects, logger: Logger
    ) throws -> OpenedCase {
        let caseID = UUID()
        // The batch's own number; `IntakeEffects.numbered(after:)` moves it past the numbers
        // reserved before the batch.
        let caseNumber = effects.nextCaseNumber(receivedAt: event.receivedAt)
        effects.cases.append(NewCase(
            id: caseID, caseNumber: caseNumber, policyID: policy.policy, policyVersion: policy.version,
            event: event, category: category, categorySource: source, acceptedAt: now,
            sealed: try vault.sealNewCase(
                caseID, caller: event.caller, subject: event.subject, content: event.content, lookupReplyKey: queryCodes.replyKey(for: caseID)),
            callerPhoneIndex: phoneIndex, status: status, answeredFrom: answeredFrom, callbackOwed: callbackOwed))
        effects.verifiers.append(queryCodes.verifier(for: caseID))
        effects.history.append(HistoryEntry(
            caseID: caseID, at: now, actor: "intake", action: "accepted",
            detailJSON: try jsonText(["category": category.rawValue, "category_source": source.rawValue,
                                      "channel": event.channel.rawValue, "external_id": event.externalID,
                                      "policy": policy.policy, "policy_version": policy.version]),
            eventID: event.eventID))
        if status != .closed {
            view.openCases.append(StoredOpenCase(
                candidate: OpenCaseCandidate(caseID: caseID, caseNumber: caseNumber, category: category, areaCode: event.areaCode, text: event.text),
                callerPhoneIndex: phoneIndex, urgeCount: 0))
        }
        logger.info("accepted a case", metadata: ["case_id": "\(caseID.uuidString.lowercased())", "case_number": "\(caseNumber)", "category": "\(category.rawValue)"])
        return OpenedCase(
            id: caseID, number: caseNumber, category: category, event: event, policy: .init(id: policy.policy, version: policy.version), at: now)
    }

    // MARK: flush

    /// Each table written once, parents before children, once the batch's cases have their
    /// numbers: reserved in one statement of their own, after those used before the batch.
    public func flush(_ effects: IntakeEffects, now: Date, connection: PostgresConnection) async throws -> [OutboxMessage] {
        let effects = effects.numbered(after: try await caseNumbers.reserve(effects.caseNumbersNeeded))
        try await IntakeStore.insertCases(effects.cases, on: connection, logger: logger)
        try await LookupStore.insertVerifiers(effects.verifiers, at: now, on: connection, logger: logger)
        try await IntakeStore.insertRequests(effects.requests, on: connection, logger: logger)
        try await IntakeStore.countRepublished(effects.republished, on: connection, logger: logger)
        try await IntakeStore.recordUrges(effects.urges, on: connection, logger: logger)
        try await ClockStore.write(effects.clocks, on: connection, logger: logger)
        try await CaseHistoryStore.appendAll(effects.history, on: connection, logger: logger)
        for case let .receipt(receipt, _, _) in effects.outgoing {
            BatchTally.receipt(outcome: receipt.outcome.rawValue, duplicate: receipt.duplicate)
        }
        return try effects.outbox()
    }
}
