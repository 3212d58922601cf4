import Crypto
import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// Records a dead letter and queues it for `hotline.intake.dlq.v1`, once per source
/// message: a redelivered bad message is not dead-lettered twice.
struct DeadLetterWriter: Sendable {
    let worker: String
    let logger: Logger

    func write(
        _ message: ConsumedMessage, rejection: IntakeRejection, now: Date,
        connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws {
        let letter = DeadLetter(
            eventID: UUID(), worker: worker, rejection: rejection,
            source: .init(
                topic: message.topic, partition: message.partition, offset: message.offset,
                timestamp: message.timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) }),
            originalKey: message.key, originalValue: message.value,
            originalHeaders: message.headers.map { DeadLetter.Header(key: $0.key, value: $0.value) },
            deadLetteredAt: now)
        let recorded = try await DeadLetterStore.record(
            eventID: letter.eventID, worker: worker, topic: message.topic, partition: message.partition,
            offset: message.offset, valueDigest: Array(SHA256.hash(data: message.value ?? [])),
            reasonCode: rejection.reason.rawValue, reason: rejection.message, field: rejection.field, at: now,
            on: connection, logger: logger)
        guard recorded else { return }
        BatchTally.deadLettered(topic: message.topic, reason: rejection.reason.rawValue)
        logger.warning("dead-lettered a message", metadata: [
            "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)",
            "reason_code": "\(rejection.reason.rawValue)", "field": "\(rejection.field ?? "-")",
        ])
        outbox.append(OutboxMessage(
            topic: TopicName.deadLetters, key: letter.originalKey, payload: try EventJSON.encode(letter),
            headers: EventHeaders.make(eventID: letter.eventID.uuidString.lowercased(), type: "dead_letter")))
    }
}

/// The headers every published event carries, so consumers can route and dedupe
/// without parsing the value.
enum EventHeaders {
    static func make(eventID: String, type: String) -> [String: String] {
        ["hotline-event-id": eventID, "hotline-event-type": type, "hotline-schema-version": "1", "content-type": "application/json"]
    }
}
