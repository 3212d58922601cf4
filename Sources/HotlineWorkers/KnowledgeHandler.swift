import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// Applies `hotline.knowledge.v1` in the dispatch worker: a unit's new or changed entry
/// is checked (the unit exists, the duty is its own, the version is the next) and kept
/// as a new immutable version, pending the centre's approval where the policy says so
/// (长沙 第八条（二）); the centre's approval or rejection decides a pending version. The
/// dispatch worker already applies the units' and the centre's actions on cases and
/// holds the unit network and routing rules that say whose duty an entry answers for,
/// so no other worker needs them. Every event is answered on
/// `hotline.knowledge-outcomes.v1`; a refused one changes nothing; a malformed one is
/// also dead-lettered with its original bytes.
struct KnowledgeHandler: Sendable {
    let name: String
    let decider: KnowledgeDecider
    let logger: Logger

    func apply(_ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws {
        let event: KnowledgeEvent
        switch KnowledgeEventDecoder().decode(message.value) {
        case let .success(decoded):
            event = decoded
        case let .failure(failure):
            try await DeadLetterWriter(worker: name, logger: logger).write(
                message, rejection: failure.rejection, now: now, connection: connection, outbox: &outbox)
            if let eventID = failure.eventID,
               try await ProcessedEvents.record(consumer: name, eventID: eventID, of: message, on: connection, logger: logger) == nil
            {
                outbox.append(try Self.message(KnowledgeOutcome(
                    eventID: UUID(), knowledgeEventID: eventID, knowledgeEventType: failure.type, entryID: failure.entryID, version: nil,
                    unitID: nil, occurredAt: now, body: .refused(KnowledgeRefusal(.malformed, failure.rejection.message)))))
            }
            return
        }
        var log = logger.forEvent(event.eventID, in: message)
        log[metadataKey: "entry_id"] = "\(event.entryID)"
        log[metadataKey: "entry_version"] = "\(event.version)"
        guard try await ProcessedEvents.record(consumer: name, eventID: event.eventID, of: message, on: connection, logger: log) == nil else {
            log.debug("skipped a knowledge event already applied")
            return
        }
        let existing = try await KnowledgeStore.lockedVersions(of: event.entryID, on: connection, logger: log)
        let body: KnowledgeOutcome.Body
        var unitID: String?
        switch event {
        case let .published(entry):
            unitID = entry.unitID
            switch decider.publish(entry, existing: existing) {
            case let .failure(refusal):
                body = .refused(refusal)
            case let .success(publication):
                try await KnowledgeStore.insert(entry, as: publication, at: now, on: connection, logger: log)
                body = .accepted(state: publication.state.rawValue)
                log.info("knowledge entry published", metadata: [
                    "unit_id": "\(entry.unitID)", "state": "\(publication.state.rawValue)", "late": "\(publication.late)",
                ])
            }
        case let .reviewed(review):
            unitID = existing.first { $0.version == review.version }?.unitID
            if let refusal = decider.refusal(for: review, existing: existing) {
                body = .refused(refusal)
            } else {
                try await KnowledgeStore.decide(review, at: now, on: connection, logger: log)
                body = .accepted(state: review.approved ? KnowledgeState.approved.rawValue : KnowledgeState.rejected.rawValue)
                log.info("knowledge entry reviewed", metadata: ["approved": "\(review.approved)"])
            }
        }
        if case let .refused(refusal) = body {
            log.info("refused a knowledge event", metadata: ["reason_code": "\(refusal.code.rawValue)"])
        }
        outbox.append(try Self.message(KnowledgeOutcome(
            eventID: UUID(), knowledgeEventID: event.eventID, knowledgeEventType: event.type, entryID: event.entryID,
            version: event.version, unitID: unitID, occurredAt: now, body: body)))
    }

    /// An outcome or flag for `hotline.knowledge-outcomes.v1`, keyed by entry id.
    static func message(_ outcome: KnowledgeOutcome) throws -> OutboxMessage {
        OutboxMessage(
            topic: TopicName.knowledgeOutcomes, key: outcome.entryID.map { Array($0.utf8) }, payload: try EventJSON.encode(outcome),
            headers: EventHeaders.make(eventID: outcome.eventID.uuidString.lowercased(), type: outcome.type))
    }
}
