import Foundation
import Logging
import PostgresNIO

/// The shards a relay instance holds after renewing its leases, and its fair share.
public struct OutboxLeases: Sendable, Equatable {
    public var held: [Int]
    /// The relay instances seen within the lease time, this one included.
    public var relays: Int

    public init(held: [Int], relays: Int) {
        self.held = held
        self.relays = relays
    }

    /// The shards each instance publishes when they share them evenly.
    public var fairShare: Int { (OutboxShards.count + max(relays, 1) - 1) / max(relays, 1) }
}

/// Named queries over `outbox_shard_leases` and `outbox_relays` (migration 0020).
public enum OutboxLeaseStore {
    /// Says this relay is alive, renews the leases it holds and counts the relays alive, in one statement.
    public static func renew(owner: String, for lease: Duration, on connection: PostgresConnection, logger: Logger) async throws -> OutboxLeases {
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        let rows = try await connection.query(
            """
            WITH alive AS (
                INSERT INTO outbox_relays (owner, seen_at) VALUES (\(owner), now())
                ON CONFLICT (owner) DO UPDATE SET seen_at = now()
            ), renewed AS (
                UPDATE outbox_shard_leases SET expires_at = now() + make_interval(secs => \(seconds))
                WHERE owner = \(owner) AND expires_at > now()
                RETURNING shard
            )
            SELECT coalesce((SELECT array_agg(shard::int4 ORDER BY shard) FROM renewed), '{}'),
                   (SELECT count(*) FROM outbox_relays WHERE owner <> \(owner) AND seen_at > now() - make_interval(secs => \(seconds))) + 1
            """, logger: logger)
        for try await (held, relays) in rows.decode(([Int32], Int64).self) {
            return OutboxLeases(held: held.map(Int.init), relays: Int(relays))
        }
        return OutboxLeases(held: [], relays: 1)
    }

    /// Takes up to `count` shards no live relay holds; the shards taken.
    public static func claim(
        owner: String, count: Int, for lease: Duration, on connection: PostgresConnection, logger: Logger
    ) async throws -> [Int] {
        guard count > 0 else { return [] }
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        let rows = try await connection.query(
            """
            UPDATE outbox_shard_leases l SET owner = \(owner), expires_at = now() + make_interval(secs => \(seconds))
            WHERE l.shard IN (
                SELECT shard FROM outbox_shard_leases
                WHERE owner IS NULL OR expires_at IS NULL OR expires_at <= now()
                ORDER BY shard LIMIT \(Int32(count))
                FOR UPDATE SKIP LOCKED)
            RETURNING l.shard
            """, logger: logger)
        var claimed: [Int] = []
        for try await shard in rows.decode(Int16.self) { claimed.append(Int(shard)) }
        return claimed.sorted()
    }

    /// Gives shards back for another relay to take (more than the fair share, or stopping).
    public static func release(owner: String, shards: [Int], on connection: PostgresConnection, logger: Logger) async throws {
        guard !shards.isEmpty else { return }
        try await connection.query(
            """
            UPDATE outbox_shard_leases SET owner = NULL, expires_at = NULL
            WHERE owner = \(owner) AND shard = ANY(\(shards.map(Int16.init))::int2[])
            """, logger: logger)
    }

    /// Says this relay stopped, so the others take its shares at once.
    public static func leave(owner: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM outbox_relays WHERE owner = \(owner)", logger: logger)
    }
}
