import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A case's query code verifier (migration 0027): a keyed hash of its code, with the key's
/// id; written by intake, read by the lookup.
public struct LookupVerifier: Sendable, Equatable {
    public var caseID: UUID
    public var verifier: [UInt8]
    public var keyID: String

    public init(caseID: UUID, verifier: [UInt8], keyID: String) {
        self.caseID = caseID
        self.verifier = verifier
        self.keyID = keyID
    }
}

/// One audited attempt (`lookup_attempts`): never the code tried.
public struct LookupAttemptRecord: Sendable, Equatable {
    public var at: Date
    public var client: String
    public var caseNumberTried: String?
    public var outcome: LookupOutcome
    public var retryAfterSeconds: Int?

    public init(at: Date, client: String, caseNumberTried: String?, outcome: LookupOutcome, retryAfterSeconds: Int?) {
        self.at = at
        self.client = client
        // PostgreSQL's text holds no NUL: a number sent with one was a 503 (schemathesis).
        self.caseNumberTried = caseNumberTried.map { String(String($0.unicodeScalars.filter { $0 != "\0" }).prefix(32)) }
        self.outcome = outcome
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// A result's reply sealed for the citizens' lookup (`LookupReplySealing`, migration 0035).
public struct LookupReply: Sendable, Equatable {
    public var caseID: UUID
    public var sealed: [UInt8]
    public var submittedAt: Date

    public init(caseID: UUID, sealed: [UInt8], submittedAt: Date) {
        self.caseID = caseID
        self.sealed = sealed
        self.submittedAt = submittedAt
    }
}

/// The named queries of intake's verifiers and of `hotline serve-lookup`, which connects as
/// a login granted `hotline_lookup`: it reads `lookup_case_progress` and `lookup_verifiers`,
/// and writes `lookup_limits` and `lookup_attempts` only.
public enum LookupStore {
    static let caseScope = "case_number"
    static let clientScope = "client"

    /// The verifiers of the cases a batch opened, each with the case's final number.
    public static func insertVerifiers(_ verifiers: [LookupVerifier], at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard !verifiers.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO lookup_verifiers (case_id, case_number, verifier, key_id, created_at)
            SELECT v.case_id, c.case_number, v.verifier, v.key_id, \(now)
            FROM unnest(\(verifiers.map(\.caseID))::uuid[], \(verifiers.map { ByteBuffer(bytes: $0.verifier) })::bytea[],
                        \(verifiers.map(\.keyID))::text[]) AS v(case_id, verifier, key_id)
            JOIN cases c ON c.id = v.case_id
            """, logger: logger)
    }

    /// Each case's latest reply sealed for the lookup, in one statement (dispatch's flush).
    public static func writeReplies(_ replies: [LookupReply], on connection: PostgresConnection, logger: Logger) async throws {
        guard !replies.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO case_lookup_replies (case_id, reply_sealed, submitted_at)
            SELECT * FROM unnest(\(replies.map(\.caseID))::uuid[], \(replies.map(\.sealed).byteaArray)::bytea[],
                                 \(replies.map(\.submittedAt))::timestamptz[])
            ON CONFLICT (case_id) DO UPDATE SET reply_sealed = excluded.reply_sealed, submitted_at = excluded.submitted_at
            """, logger: logger)
    }

    /// The counters of a case number (nil: none given) and a client, created fresh where
    /// missing and locked for the rest of the transaction, so concurrent tries on the same
    /// subject count one after the other.
    public static func lockCounters(
        caseNumber: String?, client: String, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> (caseCounter: AttemptCounter?, client: AttemptCounter) {
        let scopes = caseNumber == nil ? [clientScope] : [caseScope, clientScope]
        let subjects = caseNumber.map { [$0, client] } ?? [client]
        let rows = try await connection.query(
            """
            INSERT INTO lookup_limits (scope, subject, window_start, failures)
            SELECT scope, subject, \(now), 0 FROM unnest(\(scopes)::text[], \(subjects)::text[]) AS s(scope, subject)
            ON CONFLICT (scope, subject) DO UPDATE SET scope = EXCLUDED.scope
            RETURNING scope, window_start, failures, locked_until
            """, logger: logger)
        var caseCounter: AttemptCounter?
        var clientCounter: AttemptCounter?
        for try await (scope, windowStart, failures, lockedUntil) in rows.decode((String, Date, Int32, Date?).self) {
            let counter = AttemptCounter(windowStart: windowStart, failures: Int(failures), lockedUntil: lockedUntil)
            if scope == caseScope { caseCounter = counter } else { clientCounter = counter }
        }
        guard let clientCounter, (caseNumber == nil) == (caseCounter == nil) else { throw PostgresStoreError.noRowReturned("lookup_limits") }
        return (caseCounter, clientCounter)
    }

    /// The counters after the attempt, and the attempt in the audit: one statement each.
    public static func record(
        _ attempt: LookupAttemptRecord, caseCounter: AttemptCounter?, client: AttemptCounter, on connection: PostgresConnection, logger: Logger
    ) async throws {
        var scopes = [clientScope], subjects = [attempt.client], counters = [client]
        if let caseNumber = attempt.caseNumberTried, let caseCounter {
            scopes.append(caseScope)
            subjects.append(caseNumber)
            counters.append(caseCounter)
        }
        try await connection.query(
            """
            UPDATE lookup_limits l SET window_start = u.window_start, failures = u.failures, locked_until = u.locked_until
            FROM unnest(\(scopes)::text[], \(subjects)::text[], \(counters.map(\.windowStart))::timestamptz[],
                        \(counters.map { Int32($0.failures) })::int4[], \(NullableArray(counters.map(\.lockedUntil)))::timestamptz[])
                 AS u(scope, subject, window_start, failures, locked_until)
            WHERE l.scope = u.scope AND l.subject = u.subject
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO lookup_attempts (at, client, case_number_tried, outcome, retry_after_seconds)
            VALUES (\(attempt.at), \(attempt.client), \(attempt.caseNumberTried), \(attempt.outcome.rawValue),
                    \(attempt.retryAfterSeconds.map(Int32.init)))
            """, logger: logger)
    }

    /// The verifier of a case number, or nil when no case has that number.
    public static func verifier(caseNumber: String, on connection: PostgresConnection, logger: Logger) async throws -> LookupVerifier? {
        let rows = try await connection.query(
            "SELECT case_id, verifier, key_id FROM lookup_verifiers WHERE case_number = \(caseNumber)", logger: logger)
        for try await (caseID, verifier, keyID) in rows.decode((UUID, ByteBuffer, String).self) {
            return LookupVerifier(caseID: caseID, verifier: Array(verifier.readableBytesView), keyID: keyID)
        }
        return nil
    }

    /// What the citizen may see of the case (`lookup_case_progress`), with its latest reply in
    /// clear (a result submitted before migration 0035) or sealed under the case's lookup key.
    public static func progressFacts(
        caseNumber: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> (facts: CaseProgress.Facts, sealedReply: [UInt8]?)? {
        let rows = try await connection.query(
            """
            SELECT case_number, status, category, received_at, accepted_at, unit_name, handling_due, resolved_at, closed_at,
                   result_outcome, result_reply, rating, result_reply_sealed
            FROM lookup_case_progress WHERE case_number = \(caseNumber)
            """, logger: logger)
        for try await row in rows.decode(
            (String, String, String, Date, Date, String?, Date?, Date?, Date?, String?, String?, String?, ByteBuffer?).self)
        {
            guard let status = CaseStatus(rawValue: row.1), let category = CategoryCode(rawValue: row.2) else { return nil }
            let facts = CaseProgress.Facts(
                caseNumber: row.0, status: status, category: category, receivedAt: row.3, acceptedAt: row.4, leadUnitName: row.5,
                handlingDue: row.6, resolvedAt: row.7, closedAt: row.8, latestResultOutcome: row.9.flatMap(ResultReport.Outcome.init),
                latestResultReply: row.10, latestRating: row.11.flatMap(CallbackRating.init))
            return (facts, row.12.map { Array($0.readableBytesView) })
        }
        return nil
    }

    /// Forgets counters whose window and lock are both over, so the table holds only the
    /// subjects tried lately (any case number tried, existing or not, gets a row).
    @discardableResult
    public static func forgetIdle(before cutoff: Date, now: Date, client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await client.query(
            """
            WITH gone AS (
                DELETE FROM lookup_limits WHERE window_start < \(cutoff) AND (locked_until IS NULL OR locked_until <= \(now)) RETURNING 1)
            SELECT count(*)::int8 FROM gone
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
