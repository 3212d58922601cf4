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
}
