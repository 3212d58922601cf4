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
/// history row, receipt and lifecycle event.
public struct IntakeHandler: BatchHandler {
    public let name = "intake"
    let decoder: IntakeEventDecoder
    let decider: IntakeDecider
    let vault: PersonalDataVault
    let logger: Logger

    public init(policy: Policy, vault: PersonalDataVault, maximumEventBytes: Int, logger: Logger) {
        self.decoder = IntakeEventDecoder(maximumBytes: maximumEventBytes)
        self.decider = IntakeDecider(policy: policy)
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

        switch decider.decide(event, openCases: openCases) {
        case let .accept(category, source):
            let caseID = UUID()
            let sequence = try await IntakeStore.nextCaseSequence(day: CaseNumber.day(of: event.receivedAt), on: connection, logger: log)
            let caseNumber = CaseNumber.make(acceptedAt: event.receivedAt, sequence: sequence)
            try await IntakeStore.insertCase(
                NewCase(
                    id: caseID, caseNumber: caseNumber, policyID: policy.policy, policyVersion: policy.version,
                    event: event, category: category, categorySource: source, acceptedAt: now,
                    callerSealed: try vault.seal(event.caller, caseID: caseID), callerKeyID: vault.activeKeyID,
                    callerPhoneIndex: phoneIndex),
                on: connection, logger: log)
            let lifecycle = CaseEvent(
                eventID: UUID(), caseID: caseID, caseNumber: caseNumber, occurredAt: now, policy: policyRef,
                body: .accepted(
                    category: category, channel: event.channel, areaCode: event.areaCode, urgent: event.urgent,
                    confidential: event.caller.confidential, receivedAt: event.receivedAt))
            try await CaseHistoryStore.append(
                caseID: caseID, at: now, actor: "intake", action: "accepted",
                detailJSON: try jsonText(["category": category.rawValue, "category_source": source.rawValue,
                                          "channel": event.channel.rawValue, "external_id": event.externalID,
                                          "policy": policy.policy, "policy_version": policy.version]),
                eventID: event.eventID, on: connection, logger: log)
            let receipt = IntakeReceipt(
                eventID: UUID(), replyingTo: event, outcome: .accepted, caseID: caseID, caseNumber: caseNumber,
                category: category, issuedAt: now)
            try await record(event, receipt, keepContent: false, now: now, connection: connection, logger: log)
            outbox.append(try receiptMessage(receipt, key: receiptKey))
            outbox.append(try caseMessage(lifecycle))
            log.info("accepted a case", metadata: ["case_id": "\(caseID.uuidString.lowercased())", "case_number": "\(caseNumber)", "category": "\(category.rawValue)"])

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
