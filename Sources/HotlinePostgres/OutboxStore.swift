import Foundation
import Logging
import PostgresNIO

/// An event to publish, written to the outbox inside the transaction that caused it.
public struct OutboxMessage: Sendable, Equatable {
    public var topic: String
    public var key: [UInt8]?
    public var payload: [UInt8]
    public var headers: [String: String]

    public init(topic: String, key: [UInt8]?, payload: [UInt8], headers: [String: String]) {
        self.topic = topic
        self.key = key
        self.payload = payload
        self.headers = headers
    }
}

/// A claimed outbox row.
public struct OutboxRow: Sendable {
    public var id: Int64
    public var shard: Int
    public var message: OutboxMessage
    public var createdAt: Date
}

/// The outbox's shards: one key's events always fall in one shard, so one relay instance
/// publishes them, in the order they were written.
public enum OutboxShards {
    /// The number of shards (migration 0020 seeds one lease row each).
    public static let count = 16

    /// The shard of a message: its key's, or for a message without a key (whose order no
    /// consumer relies on) its payload's.
    public static func shard(of message: OutboxMessage) -> Int {
        // FNV-1a: stable across processes and versions, unlike Swift's seeded Hasher.
        var hash: UInt32 = 2_166_136_261
        for byte in message.key ?? message.payload {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return Int(hash % UInt32(count))
    }
}

/// Named queries over the `outbox` table.
public enum OutboxStore {
    /// Writes a batch's events in one statement, in the order given: the ids the relay
    /// publishes by follow the array, so each key's events keep their order.
    public static func enqueue(_ messages: [OutboxMessage], on connection: PostgresConnection, logger: Logger) async throws {
        guard !messages.isEmpty else { return }
        let rows = try Columns(messages)
        try await connection.query(
            """
            INSERT INTO outbox (topic, message_key, payload, headers, shard)
            SELECT topic, message_key, payload, headers::jsonb, shard
            FROM unnest(\(rows.topics)::text[], \(rows.keys)::bytea[], \(rows.payloads)::bytea[], \(rows.headers)::text[], \(rows.shards)::int2[])
                 WITH ORDINALITY AS m(topic, message_key, payload, headers, shard, position)
            ORDER BY position
            """, logger: logger)
    }

    /// Outbox rows as the arrays an `unnest` of them binds, for statements that write them
    /// with other rows (the deadline sweep's announcements).
    public struct Columns: Sendable {
        public var topics: [String]
        public var keys: NullableArray<ByteBuffer>
        public var payloads: [ByteBuffer]
        public var headers: [String]
        public var shards: [Int16]

        public init(_ messages: [OutboxMessage]) throws {
            topics = messages.map(\.topic)
            keys = NullableArray(bytes: messages.map(\.key))
            payloads = messages.map(\.payload).byteaArray
            let encoder = JSONEncoder()
            headers = try messages.map { String(decoding: try encoder.encode($0.headers), as: UTF8.self) }
            shards = messages.map { Int16(OutboxShards.shard(of: $0)) }
        }
    }

    /// Deletes the rows whose delivery was reported and reads the oldest unpublished rows
    /// of these shards, in the order they were written, leaving out those in flight: one
    /// statement for the relay's turn (as two, they were a fifth of the workers' statements
    /// in Ops/dev bench). The read sees the table as it was before the delete, so the
    /// deleted rows are left out by id.
    public static func deleteThenOldest(
        deleting published: [Int64], shards: [Int], excluding inFlight: [Int64], limit: Int, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [OutboxRow] {
        let rows = try await connection.query(
            """
            WITH published AS (DELETE FROM outbox WHERE id = ANY(\(published)::int8[]))
            SELECT id, shard, topic, message_key, payload, headers::text, created_at
            FROM outbox WHERE shard = ANY(\(shards.map(Int16.init))::int2[]) AND id <> ALL(\(inFlight + published)::int8[])
            ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var result: [OutboxRow] = []
        for try await (id, shard, topic, key, payload, headers, createdAt) in rows.decode((Int64, Int16, String, Data?, Data, String, Date).self) {
            let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(headers.utf8))) ?? [:]
            result.append(OutboxRow(
                id: id, shard: Int(shard),
                message: OutboxMessage(topic: topic, key: key.map { Array($0) }, payload: Array(payload), headers: decoded),
                createdAt: createdAt))
        }
        return result
    }

    public static func delete(ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("DELETE FROM outbox WHERE id = ANY(\(ids))", logger: logger)
    }

    /// Rows waiting and the age of the oldest, for status and metrics.
    public static func backlog(on connection: PostgresConnection, logger: Logger) async throws -> (count: Int64, oldest: Date?) {
        let rows = try await connection.query("SELECT count(*), min(created_at) FROM outbox", logger: logger)
        for try await (count, oldest) in rows.decode((Int64, Date?).self) { return (count, oldest) }
        return (0, nil)
    }
}
