import HotlinePostgres
import HotlineWorkers
import Logging
import PostgresNIO
import Testing

/// The database roles of migration 0022 (README "Database roles"), against the real
/// server: what the worker and reader logins may not do, and that every table grants
/// the roles what they need. That the workers can do their work as the worker login is
/// what every other integration suite shows: their processes connect as it.
@Suite
struct RoleTests {
    static let appendOnly = ["case_history", "case_archive", "case_urges", "period_reports", "policy_versions", "party_key_changes",
                             "history_digests", "history_digest_heads", "retention_runs", "case_shreddings", "deletion_log"]
    /// Appended to, and removed from only whole rows by the retention sweep once past the
    /// policy's period (migration 0028): never updated.
    static let removedByRetention = ["lookup_attempts", "outbox_parked"]

    @Test func theWorkerCannotRewriteOrEmptyTheHistoryNorTouchItsTriggers() async throws {
        try await TestStack.with { stack in
            try await Self.withLogin(stack.databaseURL, stack) { (client: PostgresClient) async throws in
                for statement in [
                    "UPDATE case_history SET actor = 'someone else'",
                    "DELETE FROM case_history",
                    "TRUNCATE case_history",
                    "TRUNCATE case_archive",
                    "ALTER TABLE case_history DISABLE TRIGGER case_history_append_only",
                    "DROP TRIGGER case_history_append_only ON case_history",
                    "ALTER TABLE case_history DISABLE TRIGGER case_history_chain",
                    "UPDATE case_history_heads SET hash = '\\x00'",
                    "UPDATE history_digests SET digest = digest",
                    "CREATE TABLE scratch (id integer)",
                    "INSERT INTO parties (party_id, kind, display_name) VALUES ('intruder', 'unit', 'x')",
                    "UPDATE party_keys SET revoked_at = NULL",
                ] {
                    #expect(try await Self.sqlState(of: statement, client, stack) == "42501", "\(statement) is refused for lack of privilege")
                }
            }
        }
    }

    /// Even the owner cannot empty the history: a BEFORE TRUNCATE trigger refuses it.
    @Test func theHistoryRefusesTruncateFromTheOwner() async throws {
        try await TestStack.with { stack in
            try await Self.withLogin(stack.ownerDatabaseURL, stack) { (client: PostgresClient) async throws in
                #expect(try await Self.sqlState(of: "TRUNCATE case_history", client, stack) == "P0001")
                #expect(try await Self.sqlState(of: "TRUNCATE case_archive", client, stack) == "P0001")
            }
        }
    }

    @Test func theReaderOnlyReads() async throws {
        try await TestStack.with { stack in
            try stack.run(["report", "--policy", "changsha-2020", "--period", "2026-10"], extraEnvironment: ["DATABASE_URL": stack.readerDatabaseURL])
            try await Self.withLogin(stack.readerDatabaseURL, stack) { (client: PostgresClient) async throws in
                #expect(try await Self.sqlState(of: "SELECT count(*) FROM cases", client, stack) == nil)
                #expect(try await Self.sqlState(of: "DELETE FROM outbox", client, stack) == "42501")
                #expect(try await Self.sqlState(of: "UPDATE simulated_clock SET now = now()", client, stack) == "42501")
            }
        }
    }

    /// The progress lookup's login (migration 0027) reads what the citizen may see and the
    /// verifiers, writes its counters and appends to its audit: no case table, no caller
    /// data, and its own audit it can neither read nor change.
    @Test func theLookupReadsOnlyTheProgressViewAndAppendsItsAudit() async throws {
        try await TestStack.with { stack in
            try await Self.withLogin(stack.lookupDatabaseURL, stack) { (client: PostgresClient) async throws in
                for statement in [
                    "SELECT count(*) FROM lookup_case_progress", "SELECT count(*) FROM lookup_verifiers",
                    "INSERT INTO lookup_limits (scope, subject, window_start, failures) VALUES ('client', '192.0.2.1', now(), 1)",
                    "UPDATE lookup_limits SET failures = 2",
                    "INSERT INTO lookup_attempts (at, client, outcome) VALUES (now(), '192.0.2.1', 'no_match')",
                ] {
                    #expect(try await Self.sqlState(of: statement, client, stack) == nil, "\(statement) is allowed")
                }
                for statement in [
                    "SELECT caller_sealed FROM cases", "SELECT count(*) FROM case_history", "SELECT count(*) FROM intake_requests",
                    "SELECT count(*) FROM lookup_attempts", "UPDATE lookup_attempts SET outcome = 'answered'", "DELETE FROM lookup_attempts",
                    "INSERT INTO lookup_verifiers (case_id, case_number, verifier, key_id, created_at) VALUES (gen_random_uuid(), 'x', '\\x00', 'k', now())",
                    "UPDATE simulated_clock SET now = now()", "TRUNCATE lookup_limits",
                ] {
                    #expect(try await Self.sqlState(of: statement, client, stack) == "42501", "\(statement) is refused for lack of privilege")
                }
            }
        }
    }

    /// A table created without grants fails here: the worker's grants are per table
    /// (migration 0022 says why), so no default privilege would catch the omission.
    @Test func everyTableIsTheOwnersAndGrantsTheWorkerAndTheReader() async throws {
        try await TestStack.with { stack in
            let tables = try await stack.pairs(
                """
                SELECT tablename::text,
                       (pg_get_userbyid(c.relowner) = 'hotline_owner')::int
                       + 2 * has_table_privilege('hotline_worker', c.oid, 'SELECT')::int
                       + 4 * has_table_privilege('hotline_reader', c.oid, 'SELECT')::int
                       + 8 * has_table_privilege('hotline_worker', c.oid, 'TRUNCATE')::int
                       + 16 * (has_table_privilege('hotline_worker', c.oid, 'UPDATE') OR has_table_privilege('hotline_worker', c.oid, 'DELETE'))::int
                       + 32 * has_table_privilege('hotline_reader', c.oid, 'INSERT')::int
                       + 64 * has_table_privilege('hotline_worker', c.oid, 'UPDATE')::int
                FROM pg_tables t JOIN pg_class c ON c.oid = format('public.%I', t.tablename)::regclass
                WHERE t.schemaname = 'public'
                """)
            #expect(tables.count > 20)
            for (table, bits) in tables {
                #expect(bits & 7 == 7, "\(table): owned by hotline_owner, read by hotline_worker and hotline_reader")
                #expect(bits & 8 == 0 && bits & 32 == 0, "\(table): the worker cannot truncate it, the reader cannot write it")
                if Self.appendOnly.contains(table) { #expect(bits & 16 == 0, "\(table) is append-only for the worker") }
                if Self.removedByRetention.contains(table) { #expect(bits & 64 == 0, "\(table) is never updated by the worker") }
            }
        }
    }

    /// Each process's connections carry its role's session limits; the URL's options override them.
    @Test func connectionsCarryTheirRolesSessionLimits() async throws {
        try await TestStack.with { stack in
            let worker = try DatabaseURL(stack.databaseURL)
            try await withPostgres(worker.configuration, logger: stack.logger) { (client: PostgresClient) async throws in
                #expect(try await Self.show("statement_timeout", client, stack) == "50s")
                #expect(try await Self.show("lock_timeout", client, stack) == "20s")
                #expect(try await Self.show("idle_in_transaction_session_timeout", client, stack) == "90s")
            }
            let reader = try DatabaseURL(stack.readerDatabaseURL + "&options=-c%20lock_timeout%3D7s", session: .reader)
            try await withPostgres(reader.configuration, logger: stack.logger) { (client: PostgresClient) async throws in
                #expect(try await Self.show("statement_timeout", client, stack) == "2min")
                #expect(try await Self.show("lock_timeout", client, stack) == "7s")
            }
        }
    }

    static func withLogin(_ url: String, _ stack: TestStack, _ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        try await withPostgres(try TestStack.configuration(url), logger: stack.logger, body)
    }

    /// The SQLSTATE a statement fails with, or nil when it succeeds.
    static func sqlState(of statement: String, _ client: PostgresClient, _ stack: TestStack) async throws -> String? {
        do {
            try await client.query(PostgresQuery(unsafeSQL: statement), logger: stack.logger)
            return nil
        } catch let error as PSQLError {
            return error.serverInfo?[.sqlState]
        }
    }

    static func show(_ setting: String, _ client: PostgresClient, _ stack: TestStack) async throws -> String? {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: "SHOW \(setting)"), logger: stack.logger).decode(String.self) {
            return value
        }
        return nil
    }
}
