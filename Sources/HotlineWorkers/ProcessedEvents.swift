import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// Records that a consumer applied an event (`processed_events`) and counts the
/// duplicates it skips, so redeliveries show on `/metrics`.
enum ProcessedEvents {
    /// Nil on first delivery; otherwise where the event was first applied. A transaction
    /// retried after a skip counts that duplicate again.
    static func record(
        consumer: String, eventID: String, of message: ConsumedMessage, on connection: PostgresConnection, logger: Logger
    ) async throws -> FirstDelivery? {
        let first = try await ProcessedEventStore.record(
            consumer: consumer, eventID: eventID, topic: message.topic, partition: message.partition, offset: message.offset,
            on: connection, logger: logger)
        if first != nil { WorkerMetrics.duplicate(consumer: consumer, topic: message.topic) }
        return first
    }
}
