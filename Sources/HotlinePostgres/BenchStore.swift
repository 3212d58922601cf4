import Foundation
import Logging
import PostgresNIO

/// Named queries for `hotline bench`: the rows the intake and dispatch workers write
/// for one accepted and dispatched case, inserted in bulk, to measure PostgreSQL's
/// ceiling and to fill a database with cases and open clocks before a run.
public enum BenchStore {
    /// The rows of accepted and dispatched cases: the case, its intake request, two
    /// history entries, the lead assignment and its open sign-for clock due at `dueAt`.
    /// Every case is named `label`-n (case number and external id) for later look-ups.
    /// Like a real backlog, they spread over six categories, eight districts and the
    /// 60 days before `at`, so per-area counts (hot spots) see what they would see.
    public static func insertCases(
        ids: [UUID], label: String, policyID: String, policyVersion: String, at: Date, dueAt: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO cases (id, case_number, policy_id, policy_version, channel, external_id, category, category_source,
                               area_code, content, urgent, confidential, status, received_at, accepted_at, round, dispatched_at,
                               caller_sealed, caller_key_id, caller_phone_index, intake_event_id)
            SELECT id, \(label) || '-' || n, \(policyID), \(policyVersion), 'web', \(label) || '-' || n,
                   (ARRAY['complaint', 'consultation', 'help', 'suggestion', 'praise', 'criticism'])[1 + n % 6], 'event',
                   (ARRAY['430102', '430103', '430104', '430105', '430111', '430112', '430121', '430181'])[1 + n % 8],
                   '小区门口路灯不亮已经一周，晚上出行不便，请尽快维修。', false, false, 'dispatched', accepted, accepted, 1, accepted,
                   decode(md5(id::text), 'hex'), 'bench', decode(md5(n::text || \(label)), 'hex'), \(label) || '-' || n
            FROM unnest(\(ids)::uuid[]) WITH ORDINALITY AS t(id, n),
                 LATERAL (SELECT \(at) - ((n * 7919) % (60 * 86400)) * interval '1 second' AS accepted) AS a
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO intake_requests (channel, external_id, first_event_id, outcome, case_id, category, receipt, received_at, recorded_at)
            SELECT 'web', \(label) || '-' || n, \(label) || '-' || n, 'accepted', id, 'complaint', '{}'::jsonb, \(at), \(at)
            FROM unnest(\(ids)::uuid[]) WITH ORDINALITY AS t(id, n)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO case_history (case_id, at, actor, action, detail)
            SELECT id, \(at), actor, action, '{}'::jsonb
            FROM unnest(\(ids)::uuid[]) AS t(id) CROSS JOIN (VALUES ('intake', 'accepted'), ('dispatch', 'dispatched')) AS a(actor, action)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO assignments (case_id, round, unit_id, unit_name, role, rule_id, assigned_at)
            SELECT id, 1, 'city-urban', '长沙市城市管理和综合执法局', 'lead', 'city-management', \(at)
            FROM unnest(\(ids)::uuid[]) AS t(id)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO case_clocks (case_id, round, obligation, unit_id, started_at, due_at, next_fire_at)
            SELECT id, 1, 'sign', 'city-urban', \(at), \(dueAt), \(dueAt)
            FROM unnest(\(ids)::uuid[]) AS t(id)
            """, logger: logger)
    }

    /// `count` cases (`insertCases`, and `insertCaseEvents` when `withEvents`), `batch`
    /// per transaction, named `label`-first-n; returns the time it took.
    public static func insertInBatches(
        count: Int, batch: Int, label: String, policyID: String, policyVersion: String, withEvents: Bool,
        client: PostgresClient, logger: Logger
    ) async throws -> Duration {
        let now = Date()
        let started = ContinuousClock.now
        for first in stride(from: 0, to: count, by: batch) {
            let ids = (first..<min(first + batch, count)).map { _ in UUID() }
            try await client.withTransaction(logger: logger) { connection in
                try await insertCases(
                    ids: ids, label: "\(label)-\(first)", policyID: policyID, policyVersion: policyVersion, at: now,
                    dueAt: now.addingTimeInterval(30 * 86_400), on: connection, logger: logger)
                if withEvents { try await insertCaseEvents(ids: ids, label: "\(label)-\(first)", on: connection, logger: logger) }
            }
        }
        return ContinuousClock.now - started
    }

    /// What the workers also write per case besides its rows: three outbox events
    /// (receipt, accepted, dispatched) and two processed-event marks.
    public static func insertCaseEvents(ids: [UUID], label: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO outbox (topic, message_key, payload)
            SELECT topic, convert_to(id::text, 'UTF8'), convert_to(repeat('x', 600), 'UTF8')
            FROM unnest(\(ids)::uuid[]) AS t(id)
                 CROSS JOIN (VALUES ('hotline.intake.receipts.v1'), ('hotline.cases.v1'), ('hotline.cases.v1')) AS o(topic)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO processed_events (consumer, event_id, topic, partition, "offset")
            SELECT consumer, \(label) || '-' || n, 'hotline.intake.v1', 0, n
            FROM unnest(\(ids)::uuid[]) WITH ORDINALITY AS t(id, n) CROSS JOIN (VALUES ('intake'), ('dispatch')) AS c(consumer)
            """, logger: logger)
    }

    /// The policy the running workers recorded, for cases they can judge.
    public static func runningPolicy(client: PostgresClient, logger: Logger) async throws -> (id: String, version: String)? {
        let rows = try await client.query(
            "SELECT policy_id, version FROM policy_versions ORDER BY recorded_at DESC LIMIT 1", logger: logger)
        for try await (id, version) in rows.decode((String, String).self) { return (id, version) }
        return nil
    }

    /// Moves `count` open clocks (of those due in more than a day) to fall due
    /// `perSecond` at a time, on whole seconds from `first`, with no warning before;
    /// returns how many it moved.
    public static func scheduleDue(
        count: Int, perSecond: Int, first: Date, client: PostgresClient, logger: Logger
    ) async throws -> Int {
        let rows = try await client.query(
            """
            WITH picked AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM case_clocks
                WHERE state = 'open' AND overdue_at IS NULL AND next_fire_at > \(first) + interval '1 day'
                ORDER BY id LIMIT \(Int32(count))
            ), due AS (
                SELECT id, \(first) + (n / \(Int64(perSecond))) * interval '1 second' AS at FROM picked
            )
            UPDATE case_clocks k SET due_at = due.at, warn_at = NULL, warned_at = NULL, next_fire_at = due.at
            FROM due WHERE k.id = due.id
            RETURNING k.id
            """, logger: logger)
        var moved = 0
        for try await _ in rows.decode(Int64.self) { moved += 1 }
        return moved
    }

    /// Intake events of this run (ids starting with `prefix`, which ends in "-") applied
    /// by the intake worker: a range on the primary key, cheap enough to poll.
    public static func intakeApplied(prefix: String, client: PostgresClient, logger: Logger) async throws -> Int {
        let end = String(prefix.dropLast()) + "."
        return try await count(
            "SELECT count(*) FROM processed_events WHERE consumer = 'intake' AND event_id >= \(prefix) AND event_id < \(end)",
            client: client, logger: logger)
    }

    /// Rows still to publish, and cases still waiting for dispatch.
    public static func pending(client: PostgresClient, logger: Logger) async throws -> Int {
        try await count(
            "SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM cases WHERE status = 'accepted')",
            client: client, logger: logger)
    }

    /// For each case of this run that was dispatched: its intake event id and when
    /// the transaction that assigned its lead unit committed (needs the server's
    /// `track_commit_timestamp`), in seconds since the epoch.
    public static func dispatchCommits(prefix: String, client: PostgresClient, logger: Logger) async throws -> [String: Double] {
        let rows = try await client.query(
            """
            SELECT c.intake_event_id, extract(epoch FROM pg_xact_commit_timestamp(a.xmin))::float8
            FROM assignments a JOIN cases c ON c.id = a.case_id
            WHERE a.round = 1 AND a.role = 'lead' AND c.intake_event_id LIKE \(prefix + "%")
            """, logger: logger)
        var commits: [String: Double] = [:]
        for try await (eventID, committed) in rows.decode((String, Double).self) { commits[eventID] = committed }
        return commits
    }

    /// Cases in the database.
    public static func caseCount(client: PostgresClient, logger: Logger) async throws -> Int {
        try await count("SELECT count(*) FROM cases", client: client, logger: logger)
    }

    private static func count(_ query: PostgresQuery, client: PostgresClient, logger: Logger) async throws -> Int {
        for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return Int(value) }
        return 0
    }
}
