import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// One batch the retention sweep removed, as `retention_runs` records it.
public struct RetentionRun: Sendable, Equatable {
    public var runAt: Date
    public var kind: RetentionKind
    public var removed: Int
    public var oldest: Date
    public var newest: Date
    public var cutoff: Date
    public var retentionDays: Int
    public var policyID: String
    public var policyVersion: String

    public init(
        runAt: Date, kind: RetentionKind, removed: Int, oldest: Date, newest: Date, cutoff: Date, retentionDays: Int,
        policyID: String, policyVersion: String
    ) {
        self.runAt = runAt
        self.kind = kind
        self.removed = removed
        self.oldest = oldest
        self.newest = newest
        self.cutoff = cutoff
        self.retentionDays = retentionDays
        self.policyID = policyID
        self.policyVersion = policyVersion
    }
}

/// Named queries of the retention sweep (migration 0028) and `hotline retention status`.
/// Candidates are the oldest rows of a kind dated before the cutoff `RetentionDecision` gives
/// (bound, so a sweep with nothing due reads no row through each kind's age index); which of
/// them are past retention is still `RetentionDecision`'s to say. One instance sweeps at a time (`tryLock`), so no two take the
/// same rows and log them twice; the worker may delete these rows but not lock them
/// `FOR UPDATE`, which would need the UPDATE it is not granted.
public enum RetentionStore {
    /// Takes the sweep's lock for this transaction; false when another instance holds it.
    public static func tryLock(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.lockKey))", logger: logger)
        for try await locked in rows.decode(Bool.self) { return locked }
        return false
    }

    /// Arbitrary constant naming the retention sweep's lock.
    static let lockKey: Int64 = 0x5265_7465_6E74_69

    /// The intake requests whose text is still kept, and the archived cases that still have a
    /// data key: the rows the sweep would remove, as its look and its reads both select them.
    static let keptTexts = "(content IS NOT NULL OR content_sealed IS NOT NULL)"
    static let unshredded = "archived_at IS NOT NULL AND data_key_sealed IS NOT NULL"

    /// The oldest date of each kind still held (a kind with none is left out), in one
    /// statement through each kind's age index: the sweep's look before it opens a transaction.
    public static func oldestDates(client: PostgresClient, logger: Logger) async throws -> [RetentionKind: Date] {
        let rows = try await client.query(
            """
            SELECT (SELECT min(at) FROM lookup_attempts),
                   (SELECT min(recorded_at) FROM intake_requests WHERE \(unescaped: keptTexts)),
                   (SELECT min(parked_at) FROM outbox_parked),
                   (SELECT min(archived_at) FROM cases WHERE \(unescaped: unshredded))
            """, logger: logger)
        var oldest: [RetentionKind: Date] = [:]
        for try await (attempts, texts, parked, cases) in rows.decode((Date?, Date?, Date?, Date?).self) {
            oldest[.lookupAttempts] = attempts
            oldest[.unacceptedAppealTexts] = texts
            oldest[.parkedMessages] = parked
            oldest[.caseContents] = cases
        }
        return oldest
    }

    public static func oldestLookupAttempts(
        before cutoff: Date, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [RetentionCandidate<Int64>] {
        try await candidates(
            connection.query("SELECT id, at FROM lookup_attempts WHERE at < \(cutoff) ORDER BY at, id LIMIT \(Int32(limit))", logger: logger))
    }

    public static func oldestParkedMessages(
        before cutoff: Date, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [RetentionCandidate<Int64>] {
        try await candidates(
            connection.query(
                "SELECT id, parked_at FROM outbox_parked WHERE parked_at < \(cutoff) ORDER BY parked_at, id LIMIT \(Int32(limit))", logger: logger))
    }

    public static func oldestUnacceptedTexts(
        before cutoff: Date, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [RetentionCandidate<IntakeRequestKey>] {
        let rows = try await connection.query(
            """
            SELECT channel, external_id, recorded_at FROM intake_requests
            WHERE \(unescaped: keptTexts) AND recorded_at < \(cutoff)
            ORDER BY recorded_at LIMIT \(Int32(limit))
            """, logger: logger)
        var result: [RetentionCandidate<IntakeRequestKey>] = []
        for try await (channel, externalID, date) in rows.decode((String, String, Date).self) {
            // Intake writes only channels it knows; one a newer build added waits for that build's sweep.
            guard let channel = Channel(rawValue: channel) else { continue }
            result.append(RetentionCandidate(key: IntakeRequestKey(channel: channel, externalID: externalID), date: date))
        }
        return result
    }

    /// Archived cases not yet shredded that have a data key of their own, oldest archive first.
    public static func oldestArchivedCases(
        before cutoff: Date, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [RetentionCandidate<UUID>] {
        let rows = try await connection.query(
            """
            SELECT id, archived_at FROM cases
            WHERE \(unescaped: unshredded) AND archived_at < \(cutoff)
            ORDER BY archived_at, id LIMIT \(Int32(limit))
            """, logger: logger)
        var result: [RetentionCandidate<UUID>] = []
        for try await (id, date) in rows.decode((UUID, Date).self) { result.append(RetentionCandidate(key: id, date: date)) }
        return result
    }

    /// Shreds these cases: destroys each one's data key (its caller, subject and content, and
    /// what units and staff wrote in its history, can no longer be opened, in this database or
    /// any copy of it), clears their callback comments, deletes the reply sealed for the
    /// lookup and records each case in `case_shreddings`, in one transaction with the
    /// batch's `retention_runs` row.
    public static func shredCases(
        _ ids: [UUID], now: Date, cutoff: Date, retentionDays: Int, policyID: String, policyVersion: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE cases SET data_key_sealed = NULL, data_key_id = NULL, lookup_key_sealed = NULL, shredded_at = \(now)
            WHERE id = ANY(\(ids)::uuid[]) AND data_key_sealed IS NOT NULL
            """, logger: logger)
        try await connection.query("DELETE FROM case_lookup_replies WHERE case_id = ANY(\(ids)::uuid[])", logger: logger)
        try await connection.query(
            """
            UPDATE callback_tasks SET comment_sealed = NULL, comment_key_id = NULL
            WHERE case_id = ANY(\(ids)::uuid[]) AND comment_sealed IS NOT NULL
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO case_shreddings (case_id, case_number, shredded_at, archived_at, erased, cutoff, retention_days, policy_id, policy_version)
            SELECT a.case_id, a.case_number, \(now), a.archived_at, \(Self.erased), \(cutoff), \(Int32(retentionDays)), \(policyID), \(policyVersion)
            FROM case_archive a WHERE a.case_id = ANY(\(ids)::uuid[])
            """, logger: logger)
    }

    /// What shredding a case erases, as `case_shreddings.erased` names it.
    public static let erased = ["caller", "subject", "content", "callback_comments", "history_texts", "lookup_reply"]

    public static func deleteLookupAttempts(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM lookup_attempts WHERE id = ANY(\(ids)::bigint[])", logger: logger)
    }

    public static func deleteParkedMessages(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM outbox_parked WHERE id = ANY(\(ids)::bigint[])", logger: logger)
    }

    public static func clearUnacceptedTexts(_ keys: [IntakeRequestKey], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE intake_requests r SET content = NULL, content_sealed = NULL, content_key_id = NULL, content_data_key = NULL
            FROM unnest(\(keys.map(\.channel.rawValue))::text[], \(keys.map(\.externalID))::text[]) AS k(channel, external_id)
            WHERE r.channel = k.channel AND r.external_id = k.external_id
            """, logger: logger)
    }

    /// Appends a batch to the log, in the transaction that removed it.
    public static func record(_ run: RetentionRun, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO retention_runs (run_at, kind, removed, oldest, newest, cutoff, retention_days, policy_id, policy_version)
            VALUES (\(run.runAt), \(run.kind.rawValue), \(Int32(run.removed)), \(run.oldest), \(run.newest), \(run.cutoff),
                    \(Int32(run.retentionDays)), \(run.policyID), \(run.policyVersion))
            """, logger: logger)
    }

    /// The last batch removed of each kind.
    public static func lastRuns(client: PostgresClient, logger: Logger) async throws -> [RetentionKind: RetentionRun] {
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (kind) run_at, kind, removed, oldest, newest, cutoff, retention_days, policy_id, policy_version
            FROM retention_runs ORDER BY kind, id DESC
            """, logger: logger)
        var result: [RetentionKind: RetentionRun] = [:]
        for try await row in rows.decode((Date, String, Int32, Date, Date, Date, Int32, String, String).self) {
            guard let kind = RetentionKind(rawValue: row.1) else { continue }
            result[kind] = RetentionRun(
                runAt: row.0, kind: kind, removed: Int(row.2), oldest: row.3, newest: row.4, cutoff: row.5, retentionDays: Int(row.6),
                policyID: row.7, policyVersion: row.8)
        }
        return result
    }

    /// How many rows of each kind are dated before its cutoff: what the next sweep removes.
    public static func dueCounts(
        cutoff: (RetentionKind) -> Date, client: PostgresClient, logger: Logger
    ) async throws -> [RetentionKind: Int] {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM lookup_attempts WHERE at < \(cutoff(.lookupAttempts))),
                   (SELECT count(*) FROM intake_requests
                    WHERE (content IS NOT NULL OR content_sealed IS NOT NULL) AND recorded_at < \(cutoff(.unacceptedAppealTexts))),
                   (SELECT count(*) FROM outbox_parked WHERE parked_at < \(cutoff(.parkedMessages))),
                   (SELECT count(*) FROM cases
                    WHERE archived_at IS NOT NULL AND data_key_sealed IS NOT NULL AND archived_at < \(cutoff(.caseContents)))
            """, logger: logger)
        for try await (attempts, texts, parked, cases) in rows.decode((Int64, Int64, Int64, Int64).self) {
            return [.lookupAttempts: Int(attempts), .unacceptedAppealTexts: Int(texts), .parkedMessages: Int(parked), .caseContents: Int(cases)]
        }
        return [:]
    }

    /// Rows deleted from `lookup_attempts` and `outbox_parked` that no retention batch accounts
    /// for: the database logs every deletion (`deletion_log`, migration 0032), the sweep logs
    /// its batches (`retention_runs`); a difference is a deletion made outside the sweep.
    public static func deletedOutsideTheSweep(client: PostgresClient, logger: Logger) async throws -> [RetentionKind: Int] {
        let rows = try await client.query(
            """
            SELECT k.kind, (SELECT coalesce(sum(rows), 0) FROM deletion_log d WHERE d.table_name = k.table_name)
                           - (SELECT coalesce(sum(removed), 0) FROM retention_runs r WHERE r.kind = k.kind)
            FROM (VALUES (\(RetentionKind.lookupAttempts.rawValue), 'lookup_attempts'),
                         (\(RetentionKind.parkedMessages.rawValue), 'outbox_parked')) AS k(kind, table_name)
            """, logger: logger)
        var result: [RetentionKind: Int] = [:]
        for try await (kind, difference) in rows.decode((String, Int64).self) {
            if let kind = RetentionKind(rawValue: kind), difference > 0 { result[kind] = Int(difference) }
        }
        return result
    }

    /// Archived cases past `cutoff` that the sweep cannot shred: accepted before migration 0030,
    /// they have no data key of their own until `hotline keys reencrypt` gives them one.
    public static func archivedWithoutOwnKey(before cutoff: Date, client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*) FROM case_archive a JOIN cases c ON c.id = a.case_id
            WHERE c.caller_key_id <> \(SealedCase.caseKeyID) AND a.archived_at < \(cutoff)
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    private static func candidates(_ rows: PostgresRowSequence) async throws -> [RetentionCandidate<Int64>] {
        var result: [RetentionCandidate<Int64>] = []
        for try await (id, date) in rows.decode((Int64, Date).self) { result.append(RetentionCandidate(key: id, date: date)) }
        return result
    }
}
