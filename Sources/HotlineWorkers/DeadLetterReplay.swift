import Crypto
import Foundation
import HotlineKafka
import HotlinePostgres
import Logging

/// Re-publishes selected dead letters, after the cause was fixed, to the topic they came
/// from: the original key, bytes and headers, read back from `hotline.intake.dlq.v1` and
/// opened with the centre's private sealing key (`DeadLetterReader`). Each is marked
/// replayed in `dead_letters`, so running the same replay again skips it. The consumers stay
/// idempotent (intake by channel and external id, the others by event id), so a message
/// replayed twice by hand still takes effect once.
public struct DeadLetterReplay: Sendable {
    public struct Outcome: Sendable {
        public var replayed: [Int64] = []
        /// Dead letters whose original was cut at 256 KiB, withheld, sealed to another key,
        /// or no longer on the topic.
        public var notReplayable: [(id: Int64, why: String)] = []

        public init() {}
    }

    let reader: DeadLetterReader
    let kafka: KafkaConfiguration
    let logger: Logger

    public init(kafka: KafkaConfiguration, centreKey: Curve25519.KeyAgreement.PrivateKey, logger: Logger) {
        self.reader = DeadLetterReader(kafka: kafka, centreKey: centreKey, logger: logger)
        self.kafka = kafka
        self.logger = logger
    }

    public func replay(_ selected: [DeadLetterRow], idleTimeout: Duration = .seconds(5)) async throws -> Outcome {
        let originals = try await reader.originals(of: selected, idleTimeout: idleTimeout)
        var outcome = Outcome()
        var messages: [OutgoingMessage] = []
        for row in selected {
            switch originals[row.id] {
            case nil:
                outcome.notReplayable.append((row.id, "its original is no longer on \(TopicName.deadLetters) (retention); re-publish it from the adapter"))
            case .withheld?:
                outcome.notReplayable.append((row.id, "its original was withheld (the centre had no sealing key then); re-publish it from the adapter"))
            case let .notOpened(error)?:
                outcome.notReplayable.append((row.id, "\(error)"))
            case let .opened(_, truncated)? where truncated:
                outcome.notReplayable.append((row.id, "its original was over 256 KiB and only its start was kept; re-publish it from the adapter"))
            case let .opened(original, _)?:
                messages.append(OutgoingMessage(
                    topic: row.topic, key: original.key, value: original.value,
                    headers: original.headers.map { KafkaHeader(key: $0.key, value: $0.value) }))
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
