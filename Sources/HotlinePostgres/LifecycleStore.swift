import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A case's lifecycle fields after a batch, and when it was first resolved and closed in it.
public struct LifecycleWrite: Sendable, Equatable {
    public var lifecycle: LifecycleCase
    public var resolvedAt: Date?
    public var closedAt: Date?

    public init(lifecycle: LifecycleCase, resolvedAt: Date? = nil, closedAt: Date? = nil) {
        self.lifecycle = lifecycle
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
    }
}

/// Named queries that read and write a case's lifecycle state.
public enum LifecycleStore {
    /// Writes the lifecycle fields of the cases a batch changed, in one statement; an
    /// instant already recorded for resolving or closing a case is kept.
    public static func saveAll(_ writes: [LifecycleWrite], on connection: PostgresConnection, logger: Logger) async throws {
        guard !writes.isEmpty else { return }
        let cases = writes.map(\.lifecycle)
        try await connection.query(
            """
            UPDATE cases c SET status = w.status, round = w.round, dispatched_at = w.dispatched_at, signed_at = w.signed_at,
                handling_due = w.handling_due, extensions_this_round = w.extensions,
                interim_replies_this_round = w.interim_replies, requested_due = w.requested_due,
                leader_assigned = w.leader_assigned, media_exposed = w.media_exposed,
                resolved_at = coalesce(c.resolved_at, w.resolved_at), closed_at = coalesce(c.closed_at, w.closed_at),
                repeat_blocked = w.repeat_blocked
            FROM unnest(
                \(cases.map(\.id))::uuid[], \(cases.map(\.status.rawValue))::text[], \(cases.map { Int32($0.round) })::int4[],
                \(NullableArray(cases.map(\.dispatchedAt)))::timestamptz[], \(NullableArray(cases.map(\.signedAt)))::timestamptz[],
                \(NullableArray(cases.map(\.handlingDue)))::timestamptz[], \(cases.map { Int32($0.extensionsThisRound) })::int4[],
                \(cases.map { Int32($0.interimRepliesThisRound) })::int4[],
                \(NullableArray(cases.map(\.requestedDue)))::timestamptz[], \(cases.map(\.leaderAssigned))::bool[],
                \(cases.map(\.mediaExposed))::bool[], \(NullableArray(writes.map(\.resolvedAt)))::timestamptz[],
                \(NullableArray(writes.map(\.closedAt)))::timestamptz[], \(cases.map(\.repeatBlocked))::bool[])
                AS w(id, status, round, dispatched_at, signed_at, handling_due, extensions, interim_replies, requested_due, leader_assigned,
                     media_exposed, resolved_at, closed_at, repeat_blocked)
            WHERE c.id = w.id
            """, logger: logger)
    }
}
