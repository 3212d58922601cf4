import Foundation
import Logging
import PostgresNIO

/// Dead letters, one per source message.
public enum DeadLetterStore {
    /// Records a dead letter; false when this message (same topic, partition, offset
    /// and bytes) was already dead-lettered, so a redelivery adds nothing.
    public static func record(
        eventID: UUID, worker: String, topic: String, partition: Int32, offset: Int64, valueDigest: [UInt8],
        reasonCode: String, reason: String, field: String?, at: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO dead_letters (event_id, worker, topic, partition, "offset", value_digest, reason_code, reason, field, dead_lettered_at)
            VALUES (\(eventID), \(worker), \(topic), \(partition), \(offset), \(Data(valueDigest)), \(reasonCode), \(reason), \(field), \(at))
            ON CONFLICT (topic, partition, "offset", value_digest) DO NOTHING
            RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
