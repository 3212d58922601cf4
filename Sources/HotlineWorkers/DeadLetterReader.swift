import Crypto
import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging

/// Reads selected dead letters back from `hotline.intake.dlq.v1` and opens their originals
/// with the centre's private sealing key, for `hotline dlq show` and `hotline dlq replay`.
public struct DeadLetterReader: Sendable {
    /// What became of one selected letter's original.
    public enum Original: Sendable {
        case opened(DeadLetterOriginal, truncated: Bool)
        /// Dead-lettered while the centre had no sealing key: the original was not kept.
        case withheld
        case notOpened(DeadLetterOpeningError)
    }

    let kafka: KafkaConfiguration
    /// The centre's private sealing key, raw (the key type itself is not `Sendable`).
    let centreKey: Data
    let logger: Logger

    public init(kafka: KafkaConfiguration, centreKey: Curve25519.KeyAgreement.PrivateKey, logger: Logger) {
        self.kafka = kafka
        self.centreKey = centreKey.rawRepresentation
        self.logger = logger
    }

    /// The originals of `selected` found on the topic, by dead letter id; a letter no longer
    /// on the topic (retention) is absent.
    public func originals(of selected: [DeadLetterRow], idleTimeout: Duration = .seconds(5)) async throws -> [Int64: Original] {
        let wanted = Dictionary(uniqueKeysWithValues: selected.map { ($0.eventID, $0.id) })
        let centreKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: centreKey)
        var found: [Int64: Original] = [:]
        var reader = kafka
        reader.properties["enable.auto.commit"] = "false"
        let consumer = try KafkaConsumer(
            configuration: reader,
            groupID: "hotline-dlq-reader-\(UUID().uuidString.prefix(8).lowercased())", topics: [TopicName.deadLetters], logger: logger)
        while found.count < wanted.count {
            let batch = await consumer.nextBatch(maxMessages: 500, timeout: idleTimeout)
            if batch.isEmpty { break }
            for message in batch {
                guard let value = message.value, let letter = Self.read(value, with: centreKey), let id = wanted[letter.eventID] else { continue }
                found[id] = letter.original
            }
        }
        consumer.stopFetching()
        await consumer.close()
        return found
    }

    /// A message of the topic: its letter's event id and its original, opened; nil for a
    /// message that is not a dead letter.
    static func read(_ value: [UInt8], with centreKey: Curve25519.KeyAgreement.PrivateKey) -> (eventID: UUID, original: Original)? {
        guard let letter = try? JSONDecoder().decode(StoredDeadLetter.self, from: Data(value)) else { return nil }
        if let sealed = letter.original.sealed {
            do {
                return (letter.eventID, .opened(try DeadLetterSealing.open(sealed, of: letter.eventID, with: centreKey), truncated: letter.original.truncated))
            } catch {
                return (letter.eventID, .notOpened(error))
            }
        }
        if let clear = letter.original.clear { return (letter.eventID, .opened(clear, truncated: letter.original.truncated)) }
        return (letter.eventID, .withheld)
    }
}

/// What the reader reads back of a `hotline.intake.dlq.v1` message (`DeadLetter`'s encoding).
private struct StoredDeadLetter: Decodable {
    struct Original: Decodable {
        var sealed: SealedToParty?
        /// A letter of schema version 1, from before originals were sealed: its original in
        /// clear, readable until the topic's retention (30 days) removes it.
        var clear: DeadLetterOriginal?
        var truncated: Bool

        enum CodingKeys: String, CodingKey { case sealed, truncated }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            sealed = try container.decodeIfPresent(SealedToParty.self, forKey: .sealed)
            truncated = try container.decode(Bool.self, forKey: .truncated)
            clear = sealed == nil ? try? DeadLetterOriginal(from: decoder) : nil
        }
    }

    var eventID: UUID
    var original: Original
    enum CodingKeys: String, CodingKey {
        case original
        case eventID = "event_id"
    }
}
