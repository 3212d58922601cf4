import Crypto
import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// Records dead letters and queues them for `hotline.intake.dlq.v1`, once per source
/// message: a redelivered bad message is not dead-lettered twice. Each original is sealed
/// to the centre's sealing key in the directory (`DeadLetterSealing`), so no worker needs a
/// key that opens it; without such a key the original is withheld, never sent in clear.
struct DeadLetterWriter: Sendable {
    let worker: String
    let directory: PartyDirectoryCache
    let logger: Logger

    /// Records the batch's dead letters in one statement; the events to publish for those
    /// recorded now, each carrying the trace of the message it sets aside.
    func write(
        _ rejected: [Rejection], now: Date, connection: PostgresConnection, trace: (ConsumedMessage) -> TraceHeaders = { _ in .none }
    ) async throws -> [OutboxMessage] {
        guard !rejected.isEmpty else { return [] }
        let letters = rejected.map { item in
            let message = item.message
            return DeadLetter(
                eventID: UUID(), worker: worker, rejection: item.rejection,
                source: .init(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    timestamp: message.timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) }),
                originalKey: message.key, originalValue: message.value,
                originalHeaders: message.headers.map { DeadLetter.Header(key: $0.key, value: $0.value) },
                deadLetteredAt: now)
        }
        let recorded = try await DeadLetterStore.recordAll(
            zip(rejected, letters).map { item, letter in
                NewDeadLetter(
                    eventID: letter.eventID, worker: worker, topic: item.message.topic, partition: item.message.partition,
                    offset: item.message.offset, valueDigest: Array(SHA256.hash(data: item.message.value ?? [])),
                    reasonCode: item.rejection.reason.rawValue, reason: item.rejection.message, field: item.rejection.field, at: now)
            },
            on: connection, logger: logger)
        guard !recorded.isEmpty else { return [] }
        let centre = PartySealingKey.deadLetterRecipient(in: try await directory.current(on: connection, logger: logger), at: Date())
        var outbox: [OutboxMessage] = []
        var withheld = 0
        for (item, unsealed) in zip(rejected, letters) where recorded.contains(unsealed.eventID) {
            let letter = try DeadLetterSealing.sealed(unsealed, to: centre)
            if letter.withheld != nil { withheld += 1 }
            let message = item.message
            BatchTally.deadLettered(topic: message.topic, reason: item.rejection.reason.rawValue)
            logger.warning("dead-lettered a message", metadata: [
                "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)",
                "reason_code": "\(item.rejection.reason.rawValue)", "field": "\(item.rejection.field ?? "-")",
            ])
            outbox.append(OutboxMessage(
                topic: TopicName.deadLetters, key: letter.originalKey, payload: try EventJSON.encode(letter),
                headers: EventHeaders.make(
                    eventID: letter.eventID.uuidString.lowercased(), type: "dead_letter", schemaVersion: DeadLetter.schemaVersion, trace: trace(message))))
        }
        if withheld > 0 {
            WorkerMetrics.deadLettersWithheld(worker: worker, count: withheld)
            logger.error("dead letters' originals withheld: the centre has no valid sealing key; enrol one with `hotline parties keys add --party centre --purpose sealing --public-key …` (RUNBOOK \"Dead letters\")", metadata: [
                "dead_letters": "\(withheld)",
            ])
        }
        return outbox
    }
}

/// The headers every published event carries, so consumers can route and dedupe
/// without parsing the value.
enum EventHeaders {
    /// `schemaVersion`: the body's `schema_version`. `trace`: the context of the message the
    /// event answers; by default, the sweep run's that makes it, if any.
    static func make(eventID: String, type: String, schemaVersion: Int = 1, trace: TraceHeaders = .ofSweep) -> [String: String] {
        ["hotline-event-id": eventID, "hotline-event-type": type, "hotline-schema-version": "\(schemaVersion)", "content-type": "application/json"]
            .merging(trace.fields) { own, _ in own }
    }
}
