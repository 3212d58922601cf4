import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres

/// The decode step of a batch, without I/O: each message past the bounds every topic
/// shares is refused, each other one decoded by the handler, and the event ids the batch
/// must claim in `processed_events` listed once each.
struct DecodedBatch<Event: Sendable>: Sendable {
    /// The decoded events, in offset order.
    var deliveries: [Delivery<Event>] = []
    /// Messages refused at decode, for the dead-letter topic.
    var rejected: [Rejection] = []
    /// Answers to refused messages that carried an event id, sent once per id.
    var answers: [Answer] = []
    /// Messages another worker reads.
    var ignored = 0

    init(_ batch: [ConsumedMessage], decode: (ConsumedMessage) -> Decoded<Event>) {
        for message in batch {
            // A key or headers past the bounds are refused before any handler sees the
            // message, and the dead letter carries them cut.
            if let rejection = MessageBounds.rejection(key: message.key, headers: message.headers.map { ($0.key, $0.value) }) {
                rejected.append(Rejection(message, rejection))
                continue
            }
            switch decode(message) {
            case let .event(event, id):
                deliveries.append(Delivery(message: message, event: event, eventID: id))
            case .ignored:
                ignored += 1
            case let .refused(refusal):
                rejected.append(Rejection(message, refusal.rejection))
                if let eventID = refusal.eventID, let answer = refusal.answer {
                    answers.append(Answer(eventID: eventID, source: message, message: answer))
                }
            }
        }
    }

    /// Every event id of the batch once, with the first message that carried it.
    var claims: [ProcessedEvent] {
        var seen: Set<String> = []
        var claims: [ProcessedEvent] = []
        let carried = deliveries.map { ($0.eventID, $0.delivery) }
            + answers.map { ($0.eventID, FirstDelivery(topic: $0.source.topic, partition: $0.source.partition, offset: $0.source.offset)) }
        for (eventID, delivery) in carried where seen.insert(eventID).inserted {
            claims.append(ProcessedEvent(eventID: eventID, delivery: delivery))
        }
        return claims
    }

    /// What the batch is still to apply once `earlier` says where each event applied
    /// before was first applied: a redelivery of that same message is dropped, and so is
    /// an event id met again at another offset (or twice in the batch) unless the handler
    /// decides republished events; an answer goes out only for an id met the first time.
    func toApply(earlier: [String: FirstDelivery], decidesRepublished: Bool, now: Date) throws -> Applicable {
        var first = earlier
        var result = Applicable()
        for var delivery in deliveries {
            if let applied = first[delivery.eventID] {
                result.duplicates.append(delivery.message)
                guard decidesRepublished, applied != delivery.delivery else { continue }
                delivery.republishedFrom = applied
            } else {
                first[delivery.eventID] = delivery.delivery
            }
            result.deliveries.append(delivery)
        }
        var answered: Set<String> = []
        for answer in answers where earlier[answer.eventID] == nil && answered.insert(answer.eventID).inserted {
            result.answers.append(try answer.message(now))
        }
        return result
    }

    /// The answer to a refused message that carried an event id.
    struct Answer: Sendable {
        var eventID: String
        var source: ConsumedMessage
        var message: @Sendable (_ now: Date) throws -> OutboxMessage
    }

    struct Applicable: Sendable {
        var deliveries: [Delivery<Event>] = []
        /// Messages skipped as already applied, counted on `/metrics`.
        var duplicates: [ConsumedMessage] = []
        var answers: [OutboxMessage] = []
    }
}
