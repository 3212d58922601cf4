import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// Re-publishes selected dead letters, after the cause was fixed, to the topic they came
/// from: the original key, bytes and headers, read back from `hotline.intake.dlq.v1`.
/// Each is marked replayed in `dead_letters`, so running the same replay again skips it.
/// The consumers stay idempotent (intake by channel and external id, the others by event
/// id), so a message replayed twice by hand still takes effect once.
public struct DeadLetterReplay: Sendable {
    public struct Outcome: Sendable {
        public var replayed: [Int64] = []
        /// Dead letters whose original was cut at 256 KiB, or no longer on the topic.
        public var notReplayable: [(id: Int64, why: String)] = []

        public init() {}
    }

    let kafka: KafkaConfiguration
    let logger: Logger

    public init(kafka: KafkaConfiguration, logger: Logger) {
        self.kafka = kafka
        self.logger = logger
    }

    public func replay(_ selected: [DeadLetterRow], idleTimeout: Duration = .seconds(5)) async throws -> Outcome {
        let wanted = Dictionary(uniqueKeysWithValues: selected.map { ($0.eventID.uuidString.lowercased(), $0) })
        var originals: [String: (OutgoingMessage, truncated: Bool)] = [:]
        var reader = kafka
        reader.properties["enable.auto.commit"] = "false"
        let consumer = try KafkaConsumer(
            configuration: reader,
            groupID: "hotline-dlq-replay-\(UUID().uuidString.prefix(8).lowercased())", topics: [TopicName.deadLetters], logger: logger)
        while originals.count < wanted.count {
            let batch = await consumer.nextBatch(maxMessages: 500, timeout: idleTimeout)
            if batch.isEmpty { break }
            for message in batch {
                guard let value = message.value, let letter = try? JSONDecoder().decode(StoredDeadLetter.self, from: Data(value)),
                      let row = wanted[letter.eventID], let body = Data(base64Encoded: letter.original.valueBase64)
                else { continue }
                let headers = letter.original.headers.map {
                    KafkaHeader(key: $0.key, value: $0.valueBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init))
                }
                originals[letter.eventID] = (
                    OutgoingMessage(
                        topic: row.topic, key: letter.original.keyBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init),
                        value: Array(body), headers: headers),
                    letter.original.truncated)
            }
        }
        consumer.stopFetching()
        await consumer.close()

        var outcome = Outcome()
        var messages: [OutgoingMessage] = []
        for row in selected {
            switch originals[row.eventID.uuidString.lowercased()] {
            case nil:
                outcome.notReplayable.append((row.id, "its original is no longer on \(TopicName.deadLetters) (retention); re-publish it from the adapter"))
            case let (_, truncated)? where truncated:
                outcome.notReplayable.append((row.id, "its original was over 256 KiB and only its start was kept; re-publish it from the adapter"))
            case let (message, _)?:
                messages.append(message)
                outcome.replayed.append(row.id)
            }
        }
        if !messages.isEmpty {
            let producer = try KafkaProducer(configuration: kafka, logger: logger)
            try await producer.send(messages)
            producer.close()
        }
        return outcome
    }
}

/// What replay reads back of a `hotline.intake.dlq.v1` message (`DeadLetter`'s encoding).
private struct StoredDeadLetter: Decodable {
    struct Original: Decodable {
        struct Header: Decodable {
            var key: String
            var valueBase64: String?
            enum CodingKeys: String, CodingKey {
                case key
                case valueBase64 = "value_base64"
            }
        }

        var keyBase64: String?
        var valueBase64: String
        var headers: [Header]
        var truncated: Bool
        enum CodingKeys: String, CodingKey {
            case headers, truncated
            case keyBase64 = "key_base64"
            case valueBase64 = "value_base64"
        }
    }

    var eventID: String
    var original: Original
    enum CodingKeys: String, CodingKey {
        case original
        case eventID = "event_id"
    }
}
