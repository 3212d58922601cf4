import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres

/// The decode step of a batch, without I/O: each message past the bounds every topic
/// shares is refused, a message on a signed topic whose sender cannot be authenticated is
/// refused (`unauthenticated`, no answer: its true sender is unknown), each other one
/// decoded by the handler with its sender, and the event ids the batch must claim in
/// `processed_events` listed once each.
struct DecodedBatch<Event: Sendable>: Sendable {
    /// The decoded events, in offset order.
    var deliveries: [Delivery<Event>] = []
    /// Messages refused at decode, for the dead-letter topic.
    var rejected: [Rejection] = []
    /// Answers to refused messages that carried an event id, sent once per id.
    var answers: [Answer] = []
    /// Messages another worker reads.
    var ignored = 0

    /// `authenticate` gives the sender of a message on a signed topic, or why it is refused;
    /// nil for the other topics.
    init(
        _ batch: [ConsumedMessage], authenticate: (ConsumedMessage) -> Result<Party, IntakeRejection>? = { _ in nil },
        trace: (ConsumedMessage) -> TraceHeaders = { _ in .none }, decode: (ConsumedMessage, Party?) -> Decoded<Event>
    ) {
        for message in batch {
            // A key or headers past the bounds are refused before any handler sees the
            // message, and the dead letter carries them cut.
            if let rejection = MessageBounds.rejection(key: message.key, headers: message.headers.map { ($0.key, $0.value) }) {
                rejected.append(Rejection(message, rejection))
                continue
            }
            var sender: Party?
            switch authenticate(message) {
            case nil:
                break
            case let .failure(rejection)?:
                rejected.append(Rejection(message, rejection))
                continue
            case let .success(party)?:
                sender = party
            }
            switch decode(message, sender) {
            case let .event(event, id):
                let digest = sender.map { _ in SignatureVerification.contentDigest(topic: message.topic, key: message.key, value: message.value) }
                deliveries.append(Delivery(
                    message: message, event: event, eventID: id, contentDigest: digest, sender: sender?.id ?? "", trace: trace(message)))
            case .ignored:
                ignored += 1
            case let .refused(refusal):
                rejected.append(Rejection(message, refusal.rejection))
                if let eventID = refusal.eventID, let answer = refusal.answer {
                    answers.append(Answer(
                        claim: ClaimedID(sender: sender?.id ?? "", eventID: eventID), source: message, trace: trace(message), message: answer))
                }
            }
        }
    }

    /// Every event id of the batch once (a signed one once per sender), with the first
    /// message that carried it.
    var claims: [ProcessedEvent] {
        var seen: Set<ClaimedID> = []
        var claims: [ProcessedEvent] = []
        let carried = deliveries.map { ProcessedEvent(eventID: $0.eventID, delivery: $0.delivery, contentDigest: $0.contentDigest, sender: $0.sender) }
            + answers.map {
                ProcessedEvent(
                    eventID: $0.claim.eventID, delivery: FirstDelivery(topic: $0.source.topic, partition: $0.source.partition, offset: $0.source.offset),
                    sender: $0.claim.sender)
            }
        for claim in carried where seen.insert(claim.claim).inserted {
            claims.append(claim)
        }
        return claims
    }

    /// What the batch is still to apply once `earlier` says where each event applied
    /// before was first applied: a redelivery of that same message is dropped, and so is
    /// an event id met again at another offset (or twice in the batch) unless the handler
    /// decides republished events; an answer goes out only for an id met the first time. A
    /// signed event whose id was first applied with other content (`digests`, and earlier
    /// in the batch) is a replay: refused, `unauthenticated`.
    func toApply(earlier: [ClaimedID: FirstDelivery], digests: [ClaimedID: [UInt8]] = [:], decidesRepublished: Bool, now: Date) throws -> Applicable {
        var first = earlier
        var firstDigest = digests
        var result = Applicable()
        for var delivery in deliveries {
            if let applied = first[delivery.claim] {
                if let before = firstDigest[delivery.claim], let content = delivery.contentDigest, before != content {
                    result.replays.append(Rejection(delivery.message, IntakeRejection(
                        .unauthenticated,
                        "Event id \(delivery.eventID) was applied before with other content; a replayed or altered message is not accepted. Send a new event with a new event_id.",
                        field: "/event_id")))
                    continue
                }
                result.duplicates.append(delivery.message)
                guard decidesRepublished, applied != delivery.delivery else { continue }
                delivery.republishedFrom = applied
            } else {
                first[delivery.claim] = delivery.delivery
                firstDigest[delivery.claim] = delivery.contentDigest
            }
            result.deliveries.append(delivery)
        }
        var answered: Set<ClaimedID> = []
        for answer in answers where earlier[answer.claim] == nil && answered.insert(answer.claim).inserted {
            result.answers.append(try answer.message(now))
            result.answers.carry(answer.trace, from: result.answers.count - 1)
        }
        return result
    }

    /// The answer to a refused message that carried an event id.
    struct Answer: Sendable {
        var claim: ClaimedID
        var source: ConsumedMessage
        var trace: TraceHeaders
        var message: @Sendable (_ now: Date) throws -> OutboxMessage
    }

    struct Applicable: Sendable {
        var deliveries: [Delivery<Event>] = []
        /// Messages skipped as already applied, counted on `/metrics`.
        var duplicates: [ConsumedMessage] = []
        /// Signed messages reusing an applied event id with other content.
        var replays: [Rejection] = []
        var answers: [OutboxMessage] = []
    }
}
