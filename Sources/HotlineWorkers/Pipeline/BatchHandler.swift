import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import PostgresNIO

/// A consumer worker's rules, in the four steps `BatchPipeline` runs for every batch:
/// **decode** each message (the pipeline sets aside what is past the shared bounds, skips
/// what was applied before and dead-letters what decoding refuses), **load** the state the
/// whole batch needs with one query per table, **decide** every message in offset order
/// over that in-memory view with no I/O, then **flush** each table once.
public protocol BatchHandler: Sendable {
    associatedtype Event: Sendable
    associatedtype View: Sendable
    associatedtype Effects: BatchEffects

    /// The name processed-event records and dead letters carry (`intake`, `dispatch`).
    var name: String { get }

    /// An event id applied before at another offset (an adapter publishing the same event
    /// again) is decided again only where this is true: intake answers it with a receipt.
    /// A redelivery of the same offset is always skipped.
    var decidesRepublishedEvents: Bool { get }

    /// The message's event, `.ignored` when it is not for this worker (judged from the
    /// `hotline-event-type` header before the value is parsed), or why it is refused.
    /// `sender` is the party that signed a message on a signed topic (`TopicName.signed`),
    /// authenticated by the pipeline; nil on the other topics.
    func decode(_ message: ConsumedMessage, from sender: Party?) -> Decoded<Event>

    /// The state the batch's events are decided against at `now`, one query per table; rows
    /// the batch will change are locked until the transaction ends.
    func load(_ batch: [Delivery<Event>], now: Date, connection: PostgresConnection) async throws -> View

    /// Every event's effects, in the batch's order, each seeing what the earlier ones did.
    func decide(_ batch: [Delivery<Event>], view: View, now: Date) throws -> Effects

    /// Writes the effects, each table once, in the batch's transaction; the events to publish.
    func flush(_ effects: Effects, now: Date, connection: PostgresConnection) async throws -> [OutboxMessage]
}

extension BatchHandler {
    public var decidesRepublishedEvents: Bool { false }
}

/// What a handler's decode step made of one message.
public enum Decoded<Event: Sendable>: Sendable {
    /// The message's event and its `event_id`.
    case event(Event, id: String)
    /// Not for this worker: another worker reads this event type.
    case ignored
    /// Refused as it is: dead-lettered with its original bytes.
    case refused(DecodeRefusal)
}

/// Why a message cannot be decoded, and the answer its sender gets besides the dead letter.
public struct DecodeRefusal: Sendable {
    public var rejection: IntakeRejection
    /// The event id the message carried, if any could be read: the answer is sent once per id.
    public var eventID: String?
    /// An answer on the sender's outcome topic (an action's `malformed` outcome), made at
    /// the batch's time.
    public var answer: (@Sendable (_ now: Date) throws -> OutboxMessage)?

    public init(_ rejection: IntakeRejection, eventID: String? = nil, answer: (@Sendable (_ now: Date) throws -> OutboxMessage)? = nil) {
        self.rejection = rejection
        self.eventID = eventID
        self.answer = answer
    }
}

/// A decoded event of the batch with the message it came in.
public struct Delivery<Event: Sendable>: Sendable {
    public var message: ConsumedMessage
    public var event: Event
    public var eventID: String
    /// Where the same event id was applied first, when this is an adapter publishing it
    /// again (only for handlers that decide republished events).
    public var republishedFrom: FirstDelivery?
    /// A signed message's content digest (`SignatureVerification.contentDigest`).
    public var contentDigest: [UInt8]?
    /// The party that signed the message; empty on the unsigned topics.
    public var sender: String
    /// The trace context the events this one leads to carry (its span's); none when tracing is off.
    public var trace: TraceHeaders

    public init(
        message: ConsumedMessage, event: Event, eventID: String, republishedFrom: FirstDelivery? = nil, contentDigest: [UInt8]? = nil,
        sender: String = "", trace: TraceHeaders = .none
    ) {
        self.message = message
        self.event = event
        self.eventID = eventID
        self.republishedFrom = republishedFrom
        self.contentDigest = contentDigest
        self.sender = sender
        self.trace = trace
    }

    /// The event id as the consumer claims it: a signed one within its sender's own ids.
    public var claim: ClaimedID { ClaimedID(sender: sender, eventID: eventID) }

    /// Where this message was read.
    public var delivery: FirstDelivery {
        FirstDelivery(topic: message.topic, partition: message.partition, offset: message.offset)
    }
}

/// What deciding a batch produced that the pipeline writes for every handler.
public protocol BatchEffects: Sendable {
    /// Messages refused as a whole while deciding, dead-lettered with their reason.
    var rejections: [Rejection] { get }
}

/// A message set aside with its reason.
public struct Rejection: Sendable {
    public var message: ConsumedMessage
    public var rejection: IntakeRejection

    public init(_ message: ConsumedMessage, _ rejection: IntakeRejection) {
        self.message = message
        self.rejection = rejection
    }
}

extension ConsumedMessage {
    /// The `hotline-event-type` header every event the project publishes carries.
    public var eventType: String? {
        header("hotline-event-type")
    }

    /// The text of the last header named `name` (Kafka allows repeats; the last one wins).
    public func header(_ name: String) -> String? {
        headers.header(name)
    }
}
