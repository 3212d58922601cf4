import Foundation
import Logging
import PostgresNIO

/// Where a consumed event was first applied.
public struct FirstDelivery: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

/// An event a consumer applied, and where it read it.
public struct ProcessedEvent: Sendable, Equatable {
    public var eventID: String
    public var delivery: FirstDelivery
    /// For a signed message, the SHA-256 over its topic, key and value: the same event id
    /// with other content is a replay (migration 0024).
    public var contentDigest: [UInt8]?
    /// The party that signed it; empty on the unsigned topics (migration 0034).
    public var sender: String

    public init(eventID: String, delivery: FirstDelivery, contentDigest: [UInt8]? = nil, sender: String = "") {
        self.eventID = eventID
        self.delivery = delivery
        self.contentDigest = contentDigest
        self.sender = sender
    }

    /// What is claimed: the event id, for a signed message within its sender's own ids.
    public var claim: ClaimedID { ClaimedID(sender: sender, eventID: eventID) }
}

/// An event id as a consumer claims it: a signed message's within the ids of the party that
/// signed it, so no party can claim another's ids (migration 0034).
public struct ClaimedID: Sendable, Hashable {
    public var sender: String
    public var eventID: String

    public init(sender: String, eventID: String) {
        self.sender = sender
        self.eventID = eventID
    }
}

/// Records of applied events, so a redelivered event changes nothing.
public enum ProcessedEventStore {
    /// Records the batch's events as applied by `consumer`, in one statement, and returns
    /// where each event that was applied before was first applied, with the digest of its
    /// content then (signed messages only); the events missing from
    /// the result are this batch's to apply. A concurrent transaction recording the same
    /// event makes this wait for it, so two members never both apply an event. The claims
    /// must be distinct.
    ///
    /// A signed event claimed before migration 0034 was recorded without its sender: one
    /// with the same id on the same topic counts as applied before, so a message redelivered
    /// across the upgrade is not applied twice (a primary-key lookup per signed claim; none
    /// for the unsigned ones).
    public static func claim(
        consumer: String, _ events: [ProcessedEvent], on connection: PostgresConnection, logger: Logger
    ) async throws -> [ClaimedID: ProcessedEvent] {
        guard !events.isEmpty else { return [:] }
        // DO UPDATE (a no-op) rather than DO NOTHING: it returns the row already there, with
        // where it was first applied; xmax is 0 only on a row this statement inserted.
        let rows = try await connection.query(
            """
            WITH e AS (
                SELECT * FROM unnest(\(events.map(\.sender))::text[], \(events.map(\.eventID))::text[], \(events.map(\.delivery.topic))::text[],
                                     \(events.map(\.delivery.partition))::int4[], \(events.map(\.delivery.offset))::int8[],
                                     \(NullableArray(events.map { $0.contentDigest.map(Self.hex) }))::text[])
                     AS e(sender, event_id, topic, partition, "offset", digest)
            ), claimed AS (
                INSERT INTO processed_events AS p (consumer, sender, event_id, topic, partition, "offset", content_digest)
                SELECT \(consumer), sender, event_id, topic, partition, "offset", decode(digest, 'hex') FROM e
                ON CONFLICT (consumer, sender, event_id) DO UPDATE SET consumer = p.consumer
                RETURNING p.sender, p.event_id, p.topic, p.partition, p."offset", p.content_digest, NOT (p.xmax = 0) AS existed
            )
            SELECT sender, event_id, topic, partition, "offset", content_digest FROM claimed WHERE existed
            UNION ALL
            SELECT e.sender, l.event_id, l.topic, l.partition, l."offset", l.content_digest
            FROM e CROSS JOIN LATERAL (
                SELECT event_id, topic, partition, "offset", content_digest FROM processed_events
                WHERE consumer = \(consumer) AND sender = '' AND event_id = e.event_id AND topic = e.topic LIMIT 1
            ) l
            WHERE e.sender <> ''
            """, logger: logger)
        var earlier: [ClaimedID: ProcessedEvent] = [:]
        for try await (sender, eventID, topic, partition, offset, digest) in rows.decode((String, String, String, Int32, Int64, ByteBuffer?).self) {
            let event = ProcessedEvent(
                eventID: eventID, delivery: FirstDelivery(topic: topic, partition: partition, offset: offset),
                contentDigest: digest.map { Array($0.readableBytesView) }, sender: sender)
            earlier[event.claim] = earlier[event.claim] ?? event
        }
        return earlier
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
