import Foundation
import PostgresNIO
import Testing

/// The supervision worker's retention sweep against the real server (README "Retention";
/// 《个人信息保护法》第十九条 “个人信息的保存期限应当为实现处理目的所必要的最短时间”, 第四十七条):
/// under changsha-2020 the lookup audit is kept 180 days, the text of an appeal not accepted
/// 180 days, a parked message 30 days.
@Suite
struct RetentionSweepTests {
    static let start = "2026-10-19T09:00:00+08:00"

    /// Rows dated `age` before the simulated start: the audit one second past its 180 days
    /// and one a day short of them, a text and a parked message past theirs and recent ones.
    static let seed = [
        """
        INSERT INTO lookup_attempts (at, client, case_number_tried, outcome) VALUES
            (timestamptz '\(start)' - interval '180 days 1 second', '192.0.2.7', '20260420-000001', 'no_match'),
            (timestamptz '\(start)' - interval '179 days', '192.0.2.8', '20260422-000002', 'answered')
        """,
        """
        INSERT INTO intake_requests (channel, external_id, first_event_id, outcome, reason_code, category, receipt, received_at, recorded_at, content)
        SELECT 'web', id, 'evt-' || id, 'not_accepted', 'litigation', 'complaint', '{}'::jsonb, at, at, '张三的邻居纠纷已在法院起诉'
        FROM (VALUES ('old', timestamptz '\(start)' - interval '200 days'), ('recent', timestamptz '\(start)' - interval '10 days')) AS r(id, at)
        """,
        """
        INSERT INTO outbox_parked (id, topic, payload, headers, created_at, parked_at, attempts, reason)
        SELECT id, 'hotline.intake.dlq.v1', '\\x7b7d'::bytea, '[]'::jsonb, at, at, 5, 'MSG_SIZE_TOO_LARGE'
        FROM (VALUES (900001, timestamptz '\(start)' - interval '40 days'), (900002, timestamptz '\(start)' - interval '5 days')) AS r(id, at)
        """,
    ]

    @Test func oldRowsGoRecentOnesStayAndEveryBatchIsLogged() async throws {
        try await TestStack.with { stack in
            try stack.run(["clock", "set", Self.start])
            for statement in Self.seed { try await stack.client.query(PostgresQuery(unsafeSQL: statement), logger: stack.logger) }
            try stack.startWorker(
                "supervision", extraEnvironment: ["HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020"])

            try await stack.waitUntil("the sweep logged one batch of each kind") {
                try await stack.count("SELECT count(*) FROM retention_runs") == 3
            }
            #expect(try await stack.count("SELECT count(*) FROM lookup_attempts WHERE client = '192.0.2.8'") == 1)
            #expect(try await stack.count("SELECT count(*) FROM lookup_attempts") == 1)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE content IS NOT NULL") == 1)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE external_id = 'recent' AND content IS NOT NULL") == 1)
            // The text goes; the refusal stays counted.
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE outcome = 'not_accepted' AND reason_code = 'litigation'") == 2)
            #expect(try await stack.count("SELECT count(*) FROM outbox_parked WHERE id = 900002") == 1)
            #expect(try await stack.count("SELECT count(*) FROM outbox_parked") == 1)
            let logged = try await stack.pairs(
                """
                SELECT kind || ' ' || removed || ' ' || retention_days || ' ' || to_char(oldest AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS')
                       || ' ' || (oldest = newest) || ' ' || (run_at = timestamptz '2026-10-19T09:00:00+08:00') || ' ' || policy_id, 1::bigint
                FROM retention_runs
                """)
            #expect(Set(logged.keys) == [
                "lookup_attempts 1 180 2026-04-22T08:59:59 true true changsha-2020",
                "unaccepted_appeal_texts 1 180 2026-04-02T09:00:00 true true changsha-2020",
                "parked_messages 1 30 2026-09-09T09:00:00 true true changsha-2020",
            ])

            // Sweeps go on every 100 ms and find nothing more until the clock moves.
            try await Task.sleep(for: .seconds(2))
            #expect(try await stack.count("SELECT count(*) FROM retention_runs") == 3)
            let status = try stack.run(
                ["retention", "status"],
                extraEnvironment: ["DATABASE_URL": stack.readerDatabaseURL, "HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020"]).stdout
            #expect(status.contains("lookup_attempts: kept 180 days; past it now: 0; last removed 1 at 2026-10-19T09:00:00"), "\(status)")
            #expect(status.contains("parked_messages: kept 30 days; past it now: 0; last removed 1"), "\(status)")
            #expect(status.contains("case_contents: kept 1095 days; past it now: 0; none removed yet"), "\(status)")
            #expect(!status.contains("WARNING"), "the sweep's deletions are all accounted for: \(status)")
            #expect(try await stack.count("SELECT sum(rows)::bigint FROM deletion_log") == 2, "the database logged the sweep's two deletions too")

            // Two days on, the attempt made 179 days before the start is past its 180 days.
            try stack.run(["clock", "set", "2026-10-21T09:00:00+08:00"])
            try await stack.waitUntil("the second attempt is removed") {
                try await stack.count("SELECT count(*) FROM lookup_attempts") == 0
            }
            #expect(try await stack.count("SELECT count(*) FROM retention_runs WHERE kind = 'lookup_attempts'") == 2)
            #expect(try await stack.count("SELECT count(*) FROM retention_runs") == 4)
            #expect(try await stack.count("SELECT count(*) FROM outbox_parked") == 1)
        }
    }

    /// A deletion outside the sweep does not go unseen: the database logs every DELETE on the
    /// audit and parked rows (migration 0032) and `hotline retention status` names the rows no
    /// retention batch accounts for. The worker can neither write nor change that log.
    @Test func aDeletionOutsideTheSweepIsLoggedAndReported() async throws {
        try await TestStack.with { stack in
            try stack.run(["clock", "set", Self.start])
            for statement in Self.seed { try await stack.client.query(PostgresQuery(unsafeSQL: statement), logger: stack.logger) }
            try await RoleTests.withLogin(stack.databaseURL, stack) { (client: PostgresClient) async throws in
                try await client.query("DELETE FROM lookup_attempts WHERE client = '192.0.2.8'", logger: stack.logger)
                for statement in [
                    "INSERT INTO deletion_log (table_name, rows, oldest, newest) VALUES ('lookup_attempts', 1, now(), now())",
                    "UPDATE deletion_log SET rows = 0", "DELETE FROM deletion_log", "TRUNCATE deletion_log",
                ] {
                    #expect(try await RoleTests.sqlState(of: statement, client, stack) == "42501", "\(statement) is refused to the worker")
                }
            }
            let logged = try await stack.pairs("SELECT table_name || ' ' || rows || ' ' || (login <> 'hotline_owner'), 1::bigint FROM deletion_log")
            #expect(Set(logged.keys) == ["lookup_attempts 1 true"])
            let status = try stack.run(
                ["retention", "status"],
                extraEnvironment: ["DATABASE_URL": stack.readerDatabaseURL, "HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020"]).stdout
            #expect(status.contains("lookup_attempts: WARNING 1 rows deleted outside the retention sweep"), "\(status)")
            #expect(!status.contains("parked_messages: WARNING"), "\(status)")
        }
    }

    /// The log proves what was removed: the worker login may only append to it, and not even
    /// the owner may change it.
    @Test func theLogCannotBeRewritten() async throws {
        try await TestStack.with { stack in
            try await stack.client.query(
                """
                INSERT INTO retention_runs (run_at, kind, removed, oldest, newest, cutoff, retention_days, policy_id, policy_version)
                VALUES (now(), 'lookup_attempts', 3, now() - interval '200 days', now() - interval '190 days', now() - interval '180 days',
                        180, 'changsha-2020', '2020.14')
                """, logger: stack.logger)
            try await RoleTests.withLogin(stack.databaseURL, stack) { (client: PostgresClient) async throws in
                for statement in [
                    "UPDATE retention_runs SET removed = 0", "DELETE FROM retention_runs", "TRUNCATE retention_runs",
                    "ALTER TABLE retention_runs DISABLE TRIGGER retention_runs_append_only",
                    "UPDATE lookup_attempts SET client = 'someone'", "UPDATE outbox_parked SET reason = 'x'",
                ] {
                    #expect(try await RoleTests.sqlState(of: statement, client, stack) == "42501", "\(statement) is refused for lack of privilege")
                }
            }
            try await RoleTests.withLogin(stack.ownerDatabaseURL, stack) { (client: PostgresClient) async throws in
                for statement in ["UPDATE retention_runs SET removed = 0", "DELETE FROM retention_runs", "TRUNCATE retention_runs"] {
                    #expect(try await RoleTests.sqlState(of: statement, client, stack) == "P0001", "\(statement) is refused by the trigger")
                }
            }
            #expect(try await stack.count("SELECT sum(removed)::bigint FROM retention_runs") == 3)
        }
    }
}

/// A sweep that fails half way removes nothing: its deletions and its log commit together.
@Suite
struct RetentionRollbackTests {
    @Test func aBatchWhoseLogFailsRemovesNothingAndIsTriedAgain() async throws {
        try await TestStack.with { stack in
            try stack.run(["clock", "set", RetentionSweepTests.start])
            for statement in RetentionSweepTests.seed {
                try await stack.client.query(PostgresQuery(unsafeSQL: statement), logger: stack.logger)
            }
            // The log refuses the last kind the sweep reaches, after it removed the others in the same transaction.
            try await Self.refuseLog(of: "parked_messages", stack)
            try stack.startWorker(
                "supervision", extraEnvironment: ["HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020"])
            let log = stack.directory.appendingPathComponent("supervision.log").path
            try await stack.waitUntil("the sweep has failed") {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("retention sweep failed")
            }
            #expect(try await stack.count("SELECT count(*) FROM lookup_attempts") == 2)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE content IS NOT NULL") == 2)
            #expect(try await stack.count("SELECT count(*) FROM outbox_parked") == 2)
            #expect(try await stack.count("SELECT count(*) FROM retention_runs") == 0)

            try await Self.acceptLog(stack)
            try await stack.waitUntil("the retried sweep removed and logged all three kinds") {
                try await stack.count("SELECT count(*) FROM retention_runs") == 3
            }
            #expect(try await stack.count("SELECT count(*) FROM lookup_attempts") == 1)
            #expect(try await stack.count("SELECT count(*) FROM outbox_parked") == 1)
        }
    }

    /// A trigger (as the owner) that makes `retention_runs` refuse batches of `kind`: the
    /// sweep's transaction fails after it removed rows of that kind.
    static func refuseLog(of kind: String, _ stack: TestStack) async throws {
        try await RoleTests.withLogin(stack.ownerDatabaseURL, stack) { (client: PostgresClient) async throws in
            for statement in [
                """
                CREATE FUNCTION refuse_log() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.kind = '\(kind)' THEN RAISE EXCEPTION 'test: the log refuses \(kind)'; END IF;
                    RETURN NEW;
                END;
                $$
                """,
                "CREATE TRIGGER refuse_log BEFORE INSERT ON retention_runs FOR EACH ROW EXECUTE FUNCTION refuse_log()",
            ] {
                try await client.query(PostgresQuery(unsafeSQL: statement), logger: stack.logger)
            }
        }
    }

    /// Drops `refuseLog`'s trigger: the next sweep goes through.
    static func acceptLog(_ stack: TestStack) async throws {
        try await RoleTests.withLogin(stack.ownerDatabaseURL, stack) { (client: PostgresClient) async throws in
            try await client.query("DROP TRIGGER refuse_log ON retention_runs", logger: stack.logger)
        }
    }
}
