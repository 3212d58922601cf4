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

    public init(eventID: String, delivery: FirstDelivery, contentDigest: [UInt8]? = nil) {
        self.eventID = eventID
        self.delivery = delivery
        self.contentDigest = contentDigest
    }
}

/// Records of applied events, so a redelivered event changes nothing.
public enum ProcessedEventStore {
    /// Records the batch's events as applied by `consumer`, in one statement, and returns
    /// where each event that was applied before was first applied, with the digest of its
    /// content then (signed messages only); the events missing from
    /// the result are this batch's to apply. A concurrent transaction recording the same
    /// event makes this wait for it, so two members never both apply an event. The events
    /// must have distinct ids.
    public static func claim(
        consumer: String, _ events: [ProcessedEvent], on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: ProcessedEvent] {
        guard !events.isEmpty else { return [:] }
        // DO UPDATE (a no-op) rather than DO NOTHING: it returns the row already there, with
        // where it was first applied; xmax is 0 only on a row this statement inserted.
        let rows = try await connection.query(
            """
            INSERT INTO processed_events AS p (consumer, event_id, topic, partition, "offset", content_digest)
            SELECT \(consumer), event_id, topic, partition, "offset", decode(digest, 'hex')
            FROM unnest(\(events.map(\.eventID))::text[], \(events.map(\.delivery.topic))::text[],
                        \(events.map(\.delivery.partition))::int4[], \(events.map(\.delivery.offset))::int8[],
                        \(NullableArray(events.map { $0.contentDigest.map(Self.hex) }))::text[])
                 AS e(event_id, topic, partition, "offset", digest)
            ON CONFLICT (consumer, event_id) DO UPDATE SET consumer = p.consumer
            RETURNING p.event_id, p.topic, p.partition, p."offset", p.content_digest, NOT (p.xmax = 0)
            """, logger: logger)
        var earlier: [String: ProcessedEvent] = [:]
        for try await (eventID, topic, partition, offset, digest, existed) in rows.decode((String, String, Int32, Int64, ByteBuffer?, Bool).self) where existed {
            earlier[eventID] = ProcessedEvent(
                eventID: eventID, delivery: FirstDelivery(topic: topic, partition: partition, offset: offset),
                contentDigest: digest.map { Array($0.readableBytesView) })
        }
        return earlier
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
