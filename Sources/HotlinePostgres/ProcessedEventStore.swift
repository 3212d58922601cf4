import Logging
import PostgresNIO

/// Where a consumed event was first applied.
public struct FirstDelivery: Sendable, Equatable {
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

    public init(eventID: String, delivery: FirstDelivery) {
        self.eventID = eventID
        self.delivery = delivery
    }
}

/// Records of applied events, so a redelivered event changes nothing.
public enum ProcessedEventStore {
    /// Records the event as applied by `consumer`. Returns nil when this is the first
    /// time; otherwise where it was first seen. A concurrent transaction recording the
    /// same event makes this wait for it, so two members never both apply it.
    public static func record(
        consumer: String, eventID: String, topic: String, partition: Int32, offset: Int64,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> FirstDelivery? {
        let inserted = try await connection.query(
            """
            INSERT INTO processed_events (consumer, event_id, topic, partition, "offset")
            VALUES (\(consumer), \(eventID), \(topic), \(Int32(partition)), \(offset))
            ON CONFLICT (consumer, event_id) DO NOTHING
            RETURNING 1
            """, logger: logger)
        for try await _ in inserted { return nil }
        let existing = try await connection.query(
            """
            SELECT topic, partition, "offset" FROM processed_events
            WHERE consumer = \(consumer) AND event_id = \(eventID)
            """, logger: logger)
        for try await (topic, partition, offset) in existing.decode((String, Int32, Int64).self) {
            return FirstDelivery(topic: topic, partition: partition, offset: offset)
        }
        return FirstDelivery(topic: topic, partition: partition, offset: offset)
    }

    /// Where each of these events was first applied by `consumer`, for those it applied.
    public static func firstDeliveries(
        consumer: String, eventIDs: [String], on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: FirstDelivery] {
        guard !eventIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT event_id, topic, partition, "offset" FROM processed_events
            WHERE consumer = \(consumer) AND event_id = ANY(\(eventIDs)::text[])
            """, logger: logger)
        var result: [String: FirstDelivery] = [:]
        for try await (eventID, topic, partition, offset) in rows.decode((String, String, Int32, Int64).self) {
            result[eventID] = FirstDelivery(topic: topic, partition: partition, offset: offset)
        }
        return result
    }

    /// Records a batch's newly applied events in one statement. An event another
    /// transaction recorded meanwhile keeps its first record: the worker's own unique
    /// keys (an appeal's channel and external id) make that transaction's twin fail and retry.
    public static func recordAll(
        consumer: String, _ events: [ProcessedEvent], on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !events.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO processed_events (consumer, event_id, topic, partition, "offset")
            SELECT \(consumer), event_id, topic, partition, "offset"
            FROM unnest(\(events.map(\.eventID))::text[], \(events.map(\.delivery.topic))::text[],
                        \(events.map(\.delivery.partition))::int4[], \(events.map(\.delivery.offset))::int8[])
                 AS p(event_id, topic, partition, "offset")
            ON CONFLICT (consumer, event_id) DO NOTHING
            """, logger: logger)
    }
}
