import Foundation
import PostgresNIO
import Testing

/// Crypto-shredding (issue 20 items 3 and 4; 《个人信息保护法》第十九条, 第四十七条): an archived case
/// past changsha-2020's `case_content_after_archive_days` (1095) loses its data key, and with
/// it the caller, subject and content, in one transaction with its record in
/// `case_shreddings` and the batch's `retention_runs` row; a case one day short of the period
/// keeps everything; a sweep whose log fails shreds nothing.
@Suite(.serialized)
struct ShreddingTests {
    static let start = "2026-10-19T09:00:00+08:00"

    @Test func anArchivedCasePastItsPeriodIsShreddedWholeAndShownAsSuch() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try stack.publish((1...3).map { IntakeEvents.appeal($0) })
            try await stack.waitForPipeline(messages: 3)
            let numbers = try await stack.pairs("SELECT case_number, 0::bigint FROM cases").keys.sorted()
            try #require(numbers.count == 3)
            let (old, recent, open) = (numbers[0], numbers[1], numbers[2])
            try stack.run(["clock", "set", Self.start])
            // Archived 1095 days and one second before the start, and 1094 days before it.
            for (number, age) in [(old, "1095 days 1 second"), (recent, "1094 days")] {
                try await stack.client.query(PostgresQuery(unsafeSQL: """
                    WITH archived AS (
                        UPDATE cases SET status = 'archived', archived_at = timestamptz '\(Self.start)' - interval '\(age)'
                        WHERE case_number = '\(number)' RETURNING id, case_number, policy_id, policy_version, archived_at)
                    INSERT INTO case_archive (case_id, case_number, policy_id, policy_version, closed_at, archived_at, record)
                    SELECT id, case_number, policy_id, policy_version, archived_at, archived_at, '{}'::jsonb FROM archived
                    """), logger: stack.logger)
            }

            // First the log refuses the batch: the sweep fails and no case loses anything.
            try await RetentionRollbackTests.refuseLog(of: "case_contents", stack)
            try stack.startWorker(
                "supervision", extraEnvironment: ["HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020"])
            let log = stack.directory.appendingPathComponent("supervision.log").path
            try await stack.waitUntil("the sweep has failed") {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("retention sweep failed")
            }
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE data_key_sealed IS NOT NULL AND shredded_at IS NULL") == 3)
            #expect(try await stack.count("SELECT count(*) FROM case_shreddings") == 0)
            try await RetentionRollbackTests.acceptLog(stack)

            try await stack.waitUntil("the old case is shredded and logged") {
                try await stack.count("SELECT count(*) FROM retention_runs WHERE kind = 'case_contents'") == 1
            }
            #expect(try await stack.count(
                "SELECT count(*) FROM cases WHERE case_number = \(old) AND data_key_sealed IS NULL AND data_key_id IS NULL AND shredded_at = timestamptz '2026-10-19T09:00:00+08:00'") == 1,
                    "shredded at the sweep's instant, Self.start")
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE data_key_sealed IS NOT NULL AND shredded_at IS NULL") == 2)
            let record = try await stack.pairs(
                """
                SELECT case_number || ' ' || array_to_string(erased, ',') || ' ' || retention_days || ' ' || policy_id, 1::bigint FROM case_shreddings
                """)
            #expect(Set(record.keys) == ["\(old) caller,subject,content,callback_comments,history_texts,lookup_reply 1095 changsha-2020"])
            #expect(try await stack.count("SELECT removed::bigint FROM retention_runs WHERE kind = 'case_contents'") == 1)
            // The codes, dates and history stay for the figures.
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE case_number = \(old) AND category = 'complaint' AND accepted_at IS NOT NULL") == 1)
            #expect(try await stack.count("SELECT count(*) FROM case_history h JOIN cases c ON c.id = h.case_id WHERE c.case_number = \(old)") >= 2)

            // The centre's views: the shredded case has no caller or text any more, and says so.
            let shredded = try stack.run(["case", "show", "--case-number", old]).stdout
            #expect(compact(shredded).contains("\"caller\":null") && shredded.contains("\"shredded_at\""), "\(shredded)")
            #expect(!shredded.contains("道路破损") && !shredded.contains("1390000000"), "nothing of the appeal or the caller is left")
            let kept = try stack.run(["case", "show", "--case-number", recent]).stdout
            #expect(kept.contains("小区门口道路破损严重") && kept.contains("1390000000"), "a case inside its period still opens")
            let archived = try stack.run(["archive", "--case-number", old]).stdout
            #expect(compact(archived).contains("\"shredded\":{") && archived.contains("callback_comments"), "\(archived)")
            #expect(compact(try stack.run(["archive", "--case-number", recent]).stdout).contains("\"shredded\":null"))
            #expect(try stack.run(["case", "show", "--case-number", open]).stdout.contains("道路破损"))

            // The record of what was shredded cannot be rewritten: the worker may only append,
            // and not even the owner may change it.
            try await RoleTests.withLogin(stack.databaseURL, stack) { (client: PostgresClient) async throws in
                for statement in ["UPDATE case_shreddings SET erased = '{}'", "DELETE FROM case_shreddings", "TRUNCATE case_shreddings"] {
                    #expect(try await RoleTests.sqlState(of: statement, client, stack) == "42501", "\(statement) is refused for lack of privilege")
                }
            }
            try await RoleTests.withLogin(stack.ownerDatabaseURL, stack) { (client: PostgresClient) async throws in
                for statement in ["UPDATE case_shreddings SET erased = '{}'", "DELETE FROM case_shreddings", "TRUNCATE case_shreddings"] {
                    #expect(try await RoleTests.sqlState(of: statement, client, stack) == "P0001", "\(statement) is refused by the trigger")
                }
            }
        }
    }

    /// JSON text without its spaces, whichever way it was printed.
    func compact(_ json: String) -> String { json.filter { !$0.isWhitespace } }
}
