import Foundation
import Logging
import PostgresNIO

/// A recorded dead letter, as `hotline dlq list` shows it.
public struct DeadLetterRow: Sendable, Encodable {
    public var id: Int64
    public var eventID: UUID
    public var worker: String
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var reasonCode: String
    public var reason: String
    public var field: String?
    public var deadLetteredAt: Date
    public var replayedAt: Date?
    public var replayCount: Int

    enum CodingKeys: String, CodingKey {
        case id, worker, topic, partition, offset, reason, field
        case eventID = "event_id"
        case reasonCode = "reason_code"
        case deadLetteredAt = "dead_lettered_at"
        case replayedAt = "replayed_at"
        case replayCount = "replay_count"
    }
}

/// Dead letters, one per source message.
public enum DeadLetterStore {
    /// Dead letters, newest first, optionally of one reason code and source topic and only
    /// those of `ids` (all when empty); `notReplayed` leaves out those already replayed.
    public static func list(
        reason: String?, topic: String?, ids: [Int64] = [], notReplayed: Bool, limit: Int, client: PostgresClient, logger: Logger
    ) async throws -> [DeadLetterRow] {
        let rows = try await client.query(
            """
            SELECT id, event_id, worker, topic, partition, "offset", reason_code, reason, field, dead_lettered_at, replayed_at, replay_count
            FROM dead_letters
            WHERE (\(reason)::text IS NULL OR reason_code = \(reason)::text) AND (\(topic)::text IS NULL OR topic = \(topic)::text)
              AND (cardinality(\(ids)::int8[]) = 0 OR id = ANY(\(ids)::int8[]))
              AND (NOT \(notReplayed) OR replayed_at IS NULL)
            ORDER BY id DESC LIMIT \(Int32(limit))
            """, logger: logger)
        var result: [DeadLetterRow] = []
        for try await row in rows.decode((Int64, UUID, String, String, Int32, Int64, String, String, String?, Date, Date?, Int32).self) {
            result.append(DeadLetterRow(
                id: row.0, eventID: row.1, worker: row.2, topic: row.3, partition: row.4, offset: row.5, reasonCode: row.6,
                reason: row.7, field: row.8, deadLetteredAt: row.9, replayedAt: row.10, replayCount: Int(row.11)))
        }
        return result
    }

    public static func markReplayed(_ ids: [Int64], at now: Date, client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            "UPDATE dead_letters SET replayed_at = \(now), replay_count = replay_count + 1 WHERE id = ANY(\(ids))", logger: logger)
    }

    /// Records a batch's dead letters in one statement and returns the event ids of those
    /// recorded now: a message (same topic, partition, offset and bytes) already
    /// dead-lettered is left out, so a redelivery adds nothing.
    public static func recordAll(_ letters: [NewDeadLetter], on connection: PostgresConnection, logger: Logger) async throws -> Set<UUID> {
        guard !letters.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            INSERT INTO dead_letters (event_id, worker, topic, partition, "offset", value_digest, reason_code, reason, field, dead_lettered_at)
            SELECT * FROM unnest(
                \(letters.map(\.eventID))::uuid[], \(letters.map(\.worker))::text[], \(letters.map(\.topic))::text[],
                \(letters.map(\.partition))::int4[], \(letters.map(\.offset))::int8[], \(letters.map(\.valueDigest).byteaArray)::bytea[],
                \(letters.map(\.reasonCode))::text[], \(letters.map(\.reason))::text[], \(NullableArray(letters.map(\.field)))::text[],
                \(letters.map(\.at))::timestamptz[])
            ON CONFLICT (topic, partition, "offset", value_digest) DO NOTHING
            RETURNING event_id
            """, logger: logger)
        var recorded: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { recorded.insert(id) }
        return recorded
    }
}

/// A dead letter as a worker records it.
public struct NewDeadLetter: Sendable {
    public var eventID: UUID
    public var worker: String
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var valueDigest: [UInt8]
    public var reasonCode: String
    public var reason: String
    public var field: String?
    public var at: Date

    public init(
        eventID: UUID, worker: String, topic: String, partition: Int32, offset: Int64, valueDigest: [UInt8],
        reasonCode: String, reason: String, field: String?, at: Date
    ) {
        self.eventID = eventID
        self.worker = worker
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.valueDigest = valueDigest
        self.reasonCode = reasonCode
        self.reason = reason
        self.field = field
        self.at = at
    }
}
