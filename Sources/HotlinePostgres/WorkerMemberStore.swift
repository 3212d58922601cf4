import Foundation
import Logging
import PostgresNIO

/// One running worker instance as it last reported itself.
public struct WorkerMember: Sendable, Equatable {
    public var memberID: UUID
    public var worker: String
    /// The consumer group it belongs to; nil for workers that consume no topic (deadlines, relay).
    public var groupID: String?
    public var host: String
    public var pid: Int32
    public var startedAt: Date
    /// Partitions it holds, as `topic[partition]`.
    public var partitions: [String]
    /// Messages waiting in its partitions; nil while unknown.
    public var lag: Int64?

    public init(
        memberID: UUID, worker: String, groupID: String?, host: String, pid: Int32, startedAt: Date,
        partitions: [String], lag: Int64?
    ) {
        self.memberID = memberID
        self.worker = worker
        self.groupID = groupID
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.partitions = partitions
        self.lag = lag
    }
}

/// A member and how long ago, by the server's clock, it last reported.
public struct WorkerMemberSighting: Sendable {
    public var member: WorkerMember
    public var secondsSinceSeen: Double
}

/// Named queries over `worker_members`.
public enum WorkerMemberStore {
    /// Records that the member is alive now, and forgets members silent for an hour: one
    /// statement (every worker beats every 5 s), the member's own row left to the upsert.
    public static func heartbeat(_ member: WorkerMember, client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            """
            WITH forgotten AS (
                DELETE FROM worker_members WHERE seen_at < now() - interval '1 hour' AND member_id <> \(member.memberID))
            INSERT INTO worker_members (member_id, worker, group_id, host, pid, started_at, seen_at, partitions, lag)
            VALUES (\(member.memberID), \(member.worker), \(member.groupID), \(member.host), \(member.pid),
                    \(member.startedAt), now(), \(member.partitions), \(member.lag))
            ON CONFLICT (member_id) DO UPDATE
            SET seen_at = now(), partitions = EXCLUDED.partitions, lag = EXCLUDED.lag
            """, logger: logger)
    }

    /// The member left cleanly.
    public static func leave(memberID: UUID, client: PostgresClient, logger: Logger) async throws {
        try await client.query("DELETE FROM worker_members WHERE member_id = \(memberID)", logger: logger)
    }

    /// Every recorded member, by worker and start time.
    public static func all(client: PostgresClient, logger: Logger) async throws -> [WorkerMemberSighting] {
        let rows = try await client.query(
            """
            SELECT member_id, worker, group_id, host, pid, started_at, partitions, lag,
                   extract(epoch FROM now() - seen_at)::float8
            FROM worker_members ORDER BY worker, started_at, member_id
            """, logger: logger)
        var result: [WorkerMemberSighting] = []
        for try await (id, worker, group, host, pid, started, partitions, lag, age) in rows.decode(
            (UUID, String, String?, String, Int32, Date, [String], Int64?, Double).self)
        {
            result.append(WorkerMemberSighting(
                member: WorkerMember(
                    memberID: id, worker: worker, groupID: group, host: host, pid: pid, startedAt: started,
                    partitions: partitions, lag: lag),
                secondsSinceSeen: age))
        }
        return result
    }
}
