import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A clock row claimed by the deadlines worker.
public struct DueClock: Sendable {
    public var id: Int64
    public var caseID: UUID
    public var caseNumber: String
    public var policyID: String
    public var policyVersion: String
    public var round: Int
    public var obligation: Obligation
    public var unitID: String?
    public var dueAt: Date
    public var warnAt: Date?
    public var warnedAt: Date?
    public var overdueAt: Date?
    /// Counted on days of a year without its notice yet.
    public var provisional: Bool
}

/// Named queries over `case_clocks`, the durable deadlines.
public enum ClockStore {
    /// Open clocks by obligation and stage for `/metrics`: `running`, `warned`, `overdue`
    /// (announced), and `due_unannounced` (past due at `now` but not yet announced: the
    /// deadline sweep is behind).
    public static func openByStage(now: Date, client: PostgresClient, logger: Logger) async throws -> [(String, String, Int)] {
        let rows = try await client.query(
            """
            SELECT obligation,
                   CASE WHEN overdue_at IS NOT NULL THEN 'overdue'
                        WHEN due_at < \(now) THEN 'due_unannounced'
                        WHEN warned_at IS NOT NULL THEN 'warned'
                        ELSE 'running' END AS stage,
                   count(*)
            FROM case_clocks WHERE state = 'open' GROUP BY 1, 2
            """, logger: logger)
        var result: [(String, String, Int)] = []
        for try await (obligation, stage, count) in rows.decode((String, String, Int64).self) { result.append((obligation, stage, Int(count))) }
        return result
    }


    /// The open and met clocks of these cases, locked for the rest of the transaction
    /// (the deadline sweep skips them meanwhile).
    public static func lockLive(
        caseIDs: [UUID], obligations: [Obligation] = Obligation.allCases, on connection: PostgresConnection, logger: Logger
    ) async throws -> [ClockRecord] {
        guard !caseIDs.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT case_id, round, obligation, unit_id, started_at, due_at, warn_at, state, met_at, warned_at, overdue_at,
                   next_fire_at, counted_from, due_limit, calendar_basis, provisional
            FROM case_clocks
            WHERE case_id = ANY(\(caseIDs)) AND state IN ('open', 'met') AND obligation = ANY(\(obligations.map(\.rawValue)))
            ORDER BY id
            FOR UPDATE
            """, logger: logger)
        var records: [ClockRecord] = []
        for try await row in rows.decode(
            (UUID, Int32, String, String?, Date, Date, Date?, String, Date?, Date?, Date?, Date?, Date?, String?, String, Bool).self)
        {
            guard let obligation = Obligation(rawValue: row.2), let state = ClockRecord.State(rawValue: row.7) else { continue }
            records.append(ClockRecord(
                caseID: row.0, round: Int(row.1), obligation: obligation, unitID: row.3, startedAt: row.4, dueAt: row.5, warnAt: row.6,
                state: state, metAt: row.8, warnedAt: row.9, overdueAt: row.10, nextFireAt: row.11, countedFrom: row.12,
                limit: row.13.flatMap(TimeLimit.init(storageText:)), basis: row.14, provisional: row.15))
        }
        return records
    }

    /// Writes the clocks a batch changed, each once, in one statement: a clock of a case,
    /// round and obligation is inserted or, when it exists, replaced as it now stands.
    public static func write(_ records: [ClockRecord], on connection: PostgresConnection, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO case_clocks (case_id, round, obligation, unit_id, started_at, due_at, warn_at, state, met_at, warned_at,
                                     overdue_at, next_fire_at, counted_from, due_limit, calendar_basis, provisional)
            SELECT * FROM unnest(
                \(records.map(\.caseID))::uuid[], \(records.map { Int32($0.round) })::int4[], \(records.map(\.obligation.rawValue))::text[],
                \(NullableArray(records.map(\.unitID)))::text[], \(records.map(\.startedAt))::timestamptz[], \(records.map(\.dueAt))::timestamptz[],
                \(NullableArray(records.map(\.warnAt)))::timestamptz[], \(records.map(\.state.rawValue))::text[],
                \(NullableArray(records.map(\.metAt)))::timestamptz[], \(NullableArray(records.map(\.warnedAt)))::timestamptz[],
                \(NullableArray(records.map(\.overdueAt)))::timestamptz[], \(NullableArray(records.map(\.nextFireAt)))::timestamptz[],
                \(NullableArray(records.map(\.countedFrom)))::timestamptz[], \(NullableArray(records.map(\.limit?.storageText)))::text[],
                \(records.map(\.basis))::text[], \(records.map(\.provisional))::bool[])
            ON CONFLICT (case_id, round, obligation) DO UPDATE SET unit_id = EXCLUDED.unit_id, started_at = EXCLUDED.started_at,
                due_at = EXCLUDED.due_at, warn_at = EXCLUDED.warn_at, state = EXCLUDED.state, met_at = EXCLUDED.met_at,
                warned_at = EXCLUDED.warned_at, overdue_at = EXCLUDED.overdue_at, next_fire_at = EXCLUDED.next_fire_at,
                counted_from = EXCLUDED.counted_from, due_limit = EXCLUDED.due_limit, calendar_basis = EXCLUDED.calendar_basis,
                provisional = EXCLUDED.provisional
            """, logger: logger)
    }


    /// Claims up to `limit` clocks with something to announce at `now`; rows another
    /// instance holds are skipped, so two sweepers never announce the same clock.
    public static func claimDue(now: Date, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [DueClock] {
        let rows = try await connection.query(
            """
            SELECT k.id, k.case_id, c.case_number, c.policy_id, c.policy_version, k.round, k.obligation, k.unit_id,
                   k.due_at, k.warn_at, k.warned_at, k.overdue_at, k.provisional
            FROM case_clocks k JOIN cases c ON c.id = k.case_id
            WHERE k.state = 'open' AND k.next_fire_at IS NOT NULL AND k.next_fire_at <= \(now)
            ORDER BY k.next_fire_at
            LIMIT \(Int32(limit))
            FOR UPDATE OF k SKIP LOCKED
            """, logger: logger)
        var clocks: [DueClock] = []
        for try await row in rows.decode((Int64, UUID, String, String, String, Int32, String, String?, Date, Date?, Date?, Date?, Bool).self) {
            guard let obligation = Obligation(rawValue: row.6) else { continue }
            clocks.append(DueClock(
                id: row.0, caseID: row.1, caseNumber: row.2, policyID: row.3, policyVersion: row.4, round: Int(row.5),
                obligation: obligation, unitID: row.7, dueAt: row.8, warnAt: row.9, warnedAt: row.10, overdueAt: row.11,
                provisional: row.12))
        }
        return clocks
    }

    /// When the next open clock has something to announce (nil: none has), so the
    /// watcher can wake for it instead of at its next interval.
    public static func nextFireAt(client: PostgresClient, logger: Logger) async throws -> Date? {
        let rows = try await client.query(
            "SELECT min(next_fire_at) FROM case_clocks WHERE state = 'open' AND next_fire_at IS NOT NULL", logger: logger)
        for try await value in rows.decode(Date?.self) { return value }
        return nil
    }

    /// What a sweep announced for one clock, and when it fires next (nil: nothing left).
    public struct Announced: Sendable {
        public var clockID: Int64
        public var warnedAt: Date?
        public var overdueAt: Date?
        public var nextFireAt: Date?

        public init(clockID: Int64, warnedAt: Date?, overdueAt: Date?, nextFireAt: Date?) {
            self.clockID = clockID
            self.warnedAt = warnedAt
            self.overdueAt = overdueAt
            self.nextFireAt = nextFireAt
        }
    }

    /// Records a sweep's announcements and writes their events to the outbox, in one
    /// statement (one round trip for the whole sweep: Ops/dev bench measured per-clock
    /// statements as what bounded a burst of clocks falling due). Instants travel as epoch
    /// seconds, NaN for none.
    public static func announce(
        _ announced: [Announced], publishing events: [OutboxMessage], on connection: PostgresConnection, logger: Logger
    ) async throws {
        if announced.isEmpty { return }
        func seconds(_ date: Date?) -> Double { date?.timeIntervalSince1970 ?? .nan }
        let outbox = try OutboxStore.Columns(events)
        try await connection.query(
            """
            WITH announced AS (
                UPDATE case_clocks k
                SET warned_at = to_timestamp(nullif(a.warned, 'NaN')), overdue_at = to_timestamp(nullif(a.overdue, 'NaN')),
                    next_fire_at = to_timestamp(nullif(a.next, 'NaN'))
                FROM unnest(\(announced.map(\.clockID))::bigint[], \(announced.map { seconds($0.warnedAt) })::float8[],
                            \(announced.map { seconds($0.overdueAt) })::float8[], \(announced.map { seconds($0.nextFireAt) })::float8[])
                     AS a(id, warned, overdue, next)
                WHERE k.id = a.id
            )
            INSERT INTO outbox (topic, message_key, payload, headers, shard)
            SELECT topic, message_key, payload, headers::jsonb, shard
            FROM unnest(\(outbox.topics)::text[], \(outbox.keys)::bytea[], \(outbox.payloads)::bytea[], \(outbox.headers)::text[],
                        \(outbox.shards)::int2[])
                 WITH ORDINALITY AS m(topic, message_key, payload, headers, shard, position)
            ORDER BY position
            """, logger: logger)
    }
}
