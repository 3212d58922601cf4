import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// Records that a consumer applied an event (`processed_events`) and counts the
/// duplicates it skips, so redeliveries show on `/metrics`.
enum ProcessedEvents {
    /// Nil on first delivery; otherwise where the event was first applied (counted in
    /// the batch's tally).
    static func record(
        consumer: String, eventID: String, of message: ConsumedMessage, on connection: PostgresConnection, logger: Logger
    ) async throws -> FirstDelivery? {
        let first = try await ProcessedEventStore.record(
            consumer: consumer, eventID: eventID, topic: message.topic, partition: message.partition, offset: message.offset,
            on: connection, logger: logger)
        if first != nil { BatchTally.duplicate(topic: message.topic) }
        return first
    }
}
