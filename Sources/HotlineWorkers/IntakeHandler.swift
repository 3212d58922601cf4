import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// The intake worker's rules applied to one `hotline.intake.v1` message:
/// bad input → one dead letter; a redelivered message → nothing; a re-published
/// appeal (same channel and external id) → the same receipt again, never a second
/// case; otherwise the decision of `IntakeDecider` with its case, urge or record,
/// history row, receipt and lifecycle event. An `answered_from` naming a version that was
/// not shown to operators is dead-lettered (`unknown_entry_version`) and changes nothing.
public struct IntakeHandler: BatchHandler {
    public let name = "intake"
    let decoder: IntakeEventDecoder
    let decider: IntakeDecider
    let replies: ReplyObligation
    let vault: PersonalDataVault
    let logger: Logger

    public init(policy: Policy, calendar: WorkingDayCalendar, vault: PersonalDataVault, maximumEventBytes: Int, logger: Logger) {
        self.decoder = IntakeEventDecoder(maximumBytes: maximumEventBytes)
        self.decider = IntakeDecider(policy: policy)
        self.replies = ReplyObligation(policy: policy, calendar: calendar)
        self.vault = vault
        self.logger = logger
    }

    private var policy: Policy { decider.policy }

    public func apply(
        _ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws {
        let event: IntakeEvent
        switch decoder.decode(message.value) {
        case let .failure(rejection):
            try await DeadLetterWriter(worker: name, logger: logger)
                .write(message, rejection: rejection, now: now, connection: connection, outbox: &outbox)
            return
        case let .success(decoded):
            event = decoded
        }
        let log = logger.forEvent(event.eventID, in: message)

        let first = try await ProcessedEvents.record(consumer: name, eventID: event.eventID, of: message, on: connection, logger: log)
        if let first, first == FirstDelivery(topic: message.topic, partition: message.partition, offset: message.offset) {
            log.debug("skipped a redelivered event")
            return
        }
        let receiptKey = message.key ?? Array("\(event.channel.rawValue):\(event.externalID)".utf8)

        if let existing = try await IntakeStore.request(channel: event.channel, externalID: event.externalID, on: connection, logger: log) {
            // The same appeal published again: answer it the same way (idempotency key
            // is channel + external id), and open nothing.
            try await IntakeStore.countRepublished(channel: event.channel, externalID: event.externalID, on: connection, logger: log)
            let stored = try JSONDecoder().decode(IntakeReceipt.self, from: Data(existing.receiptJSON.utf8))
            let receipt = stored.reissued(eventID: UUID(), replyingTo: event, issuedAt: now)
            outbox.append(try receiptMessage(receipt, key: receiptKey))
            log.info("answered a re-published appeal", metadata: ["outcome": "\(existing.outcome)"])
            return
        }

        let phoneIndex = vault.phoneIndex(event.caller)
        if let phoneIndex {
            try await IntakeStore.lockCaller(phoneIndex: phoneIndex, on: connection, logger: log)
        }
        let openCases = try await IntakeStore.openCases(
            phoneIndex: phoneIndex, caseNumber: event.refersToCase, on: connection, logger: log)
        let policyRef = CaseEvent.PolicyRef(id: policy.policy, version: policy.version)

        var answered: KnowledgeAnswer.Found?
        if let answer = event.answeredFrom {
            answered = try await KnowledgeStore.found(answer, on: connection, logger: log)
        }

        switch decider.decide(event, openCases: openCases, answered: answered) {
        case let .refuse(rejection):
            try await DeadLetterWriter(worker: name, logger: log)
                .write(message, rejection: rejection, now: now, connection: connection, outbox: &outbox)

        case let .accept(category, source):
            let opened = try await open(event, category: category, source: source, status: .accepted, now: now, connection: connection, logger: log)
            try await acknowledge(event, opened, key: receiptKey, now: now, connection: connection, outbox: &outbox, logger: log)
            outbox.append(try caseMessage(opened.accepted()))

        case let .answerDirectly(category, source, answer):
            // 即时办结: created closed, never dispatched; no sign or handling clock runs. The
            // callbacks worker calls it back where the policy's knowledge.direct_answer_callback_article says so.
            let opened = try await open(
                event, category: category, source: source, status: .closed, answeredFrom: answer,
                callbackOwed: policy.knowledgeRules.directAnswerCallbackArticle != nil, now: now, connection: connection, logger: log)
            try await acknowledge(event, opened, key: receiptKey, now: now, connection: connection, outbox: &outbox, logger: log)
            let article = policy.knowledgeRules.directAnswerArticle
            try await CaseHistoryStore.append(
                caseID: opened.id, at: now, actor: "intake", action: "answered_directly",
                detailJSON: try jsonText(["entry_id": answer.entryID, "version": "\(answer.version)", "article": article ?? "-"]),
                eventID: event.eventID, on: connection, logger: log)
            outbox.append(try caseMessage(opened.accepted(answeredFrom: answer)))
            outbox.append(try caseMessage(opened.event(.lifecycle(LifecycleNotice(
                step: .closed, round: 0, unitID: nil, status: .closed, article: article, answeredFrom: answer)))))
            log.info("closed a case answered from the knowledge base", metadata: ["entry_id": "\(answer.entryID)", "version": "\(answer.version)"])

        case let .awaitReply(category, source):
            let opened = try await open(event, category: category, source: source, status: .awaitingReply, now: now, connection: connection, logger: log)
            try await acknowledge(event, opened, key: receiptKey, now: now, connection: connection, outbox: &outbox, logger: log)
            // No case runs without its clock: a due instant the calendar cannot count fails this
            // appeal alone, set aside as `calendar_not_covered` by the pipeline.
            let clock = try replies.clock(category: category, urgent: event.urgent, acceptedAt: now)
            if let clock { try await ClockStore.apply([.start(clock)], caseID: opened.id, round: 0, on: connection, logger: log) }
            let replyDue = clock?.dueAt
            try await CaseHistoryStore.append(
                caseID: opened.id, at: now, actor: "intake", action: "awaiting_reply",
                detailJSON: try jsonText(["knowledge_not_found": "true", "reply_due": replyDue.map(RFC3339.formatSeconds) ?? "-",
                                          "article": policy.rule(for: .reply)?.article ?? "-"]),
                eventID: event.eventID, on: connection, logger: log)
            outbox.append(try caseMessage(opened.accepted(replyDue: replyDue, replyDueProvisional: clock?.basis.isProvisional ?? false)))
            log.info("case awaits the centre's reply", metadata: ["case_id": "\(opened.id.uuidString.lowercased())"])

        case let .merge(open, category):
            // 鄂尔多斯 第十八条（四）: a repeat call about a case still being handled is
            // explained and the unit urged (催办); no second case.
            let urgeCount = try await IntakeStore.recordUrge(caseID: open.caseID, event: event, at: now, on: connection, logger: log)
            let basis = PolicyBasis(policy: policy.policy, policyVersion: policy.version, article: policy.repeat.article)
            try await CaseHistoryStore.append(
                caseID: open.caseID, at: now, actor: "intake", action: "urged",
                detailJSON: try jsonText(["channel": event.channel.rawValue, "external_id": event.externalID,
                                          "urge_count": "\(urgeCount)", "article": policy.repeat.article]),
                eventID: event.eventID, on: connection, logger: log)
            let receipt = IntakeReceipt(
                eventID: UUID(), replyingTo: event, outcome: .merged, caseID: open.caseID, caseNumber: open.caseNumber,
                category: open.category, reasonCode: "repeat_of_open_case", reason: policy.repeat.reason, basis: basis,
                issuedAt: now)
            try await record(event, receipt, keepContent: false, now: now, connection: connection, logger: log)
            outbox.append(try receiptMessage(receipt, key: receiptKey))
            outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: open.caseID, caseNumber: open.caseNumber, occurredAt: now, policy: policyRef,
                body: .urged(urgeCount: urgeCount, channel: event.channel, basis: basis))))
            log.info("linked a repeat appeal", metadata: ["case_id": "\(open.caseID.uuidString.lowercased())", "category": "\(category.rawValue)", "urge_count": "\(urgeCount)"])

        case let .redirect(rule), let .notAccept(rule):
            let redirected = rule.to != nil && policy.scope.redirect.contains(rule)
            let receipt = IntakeReceipt(
                eventID: UUID(), replyingTo: event, outcome: redirected ? .redirected : .notAccepted,
                reasonCode: rule.code, reason: rule.reason, redirectTo: redirected ? rule.to : nil,
                basis: PolicyBasis(policy: policy.policy, policyVersion: policy.version, article: rule.article),
                issuedAt: now)
            try await record(event, receipt, keepContent: true, now: now, connection: connection, logger: log)
            outbox.append(try receiptMessage(receipt, key: receiptKey))
            log.info("appeal not opened as a case", metadata: ["outcome": "\(receipt.outcome.rawValue)", "reason_code": "\(rule.code)"])
        }
    }

    /// A new case row with its number and the `accepted` history row.
    private func open(
        _ event: IntakeEvent, category: CategoryCode, source: CategorySource, status: CaseStatus, answeredFrom: KnowledgeAnswer? = nil,
        callbackOwed: Bool = false, now: Date, connection: PostgresConnection, logger: Logger
    ) async throws -> OpenedCase {
        let caseID = UUID()
        let phoneIndex = vault.phoneIndex(event.caller)
        let sequence = try await IntakeStore.nextCaseSequence(day: CaseNumber.day(of: event.receivedAt), on: connection, logger: logger)
        let caseNumber = CaseNumber.make(acceptedAt: event.receivedAt, sequence: sequence)
        try await IntakeStore.insertCase(
            NewCase(
                id: caseID, caseNumber: caseNumber, policyID: policy.policy, policyVersion: policy.version,
                event: event, category: category, categorySource: source, acceptedAt: now,
                callerSealed: try vault.seal(event.caller, caseID: caseID), callerKeyID: vault.activeKeyID,
                callerPhoneIndex: phoneIndex, status: status, answeredFrom: answeredFrom, callbackOwed: callbackOwed),
            on: connection, logger: logger)
        try await CaseHistoryStore.append(
            caseID: caseID, at: now, actor: "intake", action: "accepted",
            detailJSON: try jsonText(["category": category.rawValue, "category_source": source.rawValue,
                                      "channel": event.channel.rawValue, "external_id": event.externalID,
                                      "policy": policy.policy, "policy_version": policy.version]),
            eventID: event.eventID, on: connection, logger: logger)
        logger.info("accepted a case", metadata: ["case_id": "\(caseID.uuidString.lowercased())", "case_number": "\(caseNumber)", "category": "\(category.rawValue)"])
        return OpenedCase(
            id: caseID, number: caseNumber, category: category, event: event, policy: .init(id: policy.policy, version: policy.version), at: now)
    }

    /// The receipt of a new case, recorded for re-published events and queued.
    private func acknowledge(
        _ event: IntakeEvent, _ opened: OpenedCase, key: [UInt8], now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage],
        logger: Logger
    ) async throws {
        let receipt = IntakeReceipt(
            eventID: UUID(), replyingTo: event, outcome: .accepted, caseID: opened.id, caseNumber: opened.number,
            category: opened.category, issuedAt: now)
        try await record(event, receipt, keepContent: false, now: now, connection: connection, logger: logger)
        outbox.append(try receiptMessage(receipt, key: key))
    }

    private func record(
        _ event: IntakeEvent, _ receipt: IntakeReceipt, keepContent: Bool, now: Date,
        connection: PostgresConnection, logger: Logger
    ) async throws {
        let json = String(decoding: try EventJSON.encode(receipt), as: UTF8.self)
        try await IntakeStore.insertRequest(
            event: event, receipt: receipt, receiptJSON: json, recordedAt: now, keepContent: keepContent,
            on: connection, logger: logger)
    }

    private func receiptMessage(_ receipt: IntakeReceipt, key: [UInt8]) throws -> OutboxMessage {
        OutboxMessage(
            topic: TopicName.receipts, key: key, payload: try EventJSON.encode(receipt),
            headers: EventHeaders.make(eventID: receipt.eventID, type: "receipt.\(receipt.outcome.rawValue)"))
    }
}

/// A case intake just opened, for the events it publishes.
struct OpenedCase {
    var id: UUID
    var number: String
    var category: CategoryCode
    var event: IntakeEvent
    var policy: CaseEvent.PolicyRef
    var at: Date

    func event(_ body: CaseEvent.Body) -> CaseEvent {
        CaseEvent(eventID: UUID(), caseID: id, caseNumber: number, occurredAt: at, policy: policy, body: body)
    }

    func accepted(answeredFrom: KnowledgeAnswer? = nil, replyDue: Date? = nil, replyDueProvisional: Bool = false) -> CaseEvent {
        event(.accepted(
            category: category, channel: event.channel, areaCode: event.areaCode, urgent: event.urgent,
            confidential: event.caller.confidential, receivedAt: event.receivedAt, answeredFrom: answeredFrom, replyDue: replyDue,
            replyDueProvisional: replyDueProvisional))
    }
}

/// A lifecycle event for `hotline.cases.v1`, keyed by case id.
func caseMessage(_ event: CaseEvent) throws -> OutboxMessage {
    OutboxMessage(
        topic: TopicName.cases, key: Array(event.caseID.uuidString.lowercased().utf8), payload: try EventJSON.encode(event),
        headers: EventHeaders.make(eventID: event.eventID.uuidString.lowercased(), type: event.type))
}

/// A flat JSON object for history details.
func jsonText(_ fields: [String: String]) throws -> String {
    String(decoding: try EventJSON.encode(fields), as: UTF8.self)
}
