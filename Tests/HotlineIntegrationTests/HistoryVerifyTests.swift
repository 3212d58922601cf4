import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers
import Logging
import PostgresNIO
import Testing

/// The tamper-evident history (migration 0026, README "Tamper-evident history") against
/// the real server and workers: a case's history is the evidence in a rating appeal (长沙
/// 第二十七条), so `hotline history verify` names a row changed, removed or inserted even by
/// the owner role, which can switch the append-only trigger off or drop it.
@Suite(.serialized)
struct HistoryVerifyTests {
    func verify(_ stack: TestStack, _ arguments: [String] = []) throws -> ProgramResult {
        try stack.run(["history", "verify"] + arguments, extraEnvironment: ["DATABASE_URL": stack.readerDatabaseURL], expectSuccess: false)
    }

    func asOwner(_ stack: TestStack, _ statements: [String]) async throws {
        try await RoleTests.withLogin(stack.ownerDatabaseURL, stack) { (client: PostgresClient) async throws in
            for statement in statements { try await client.query(PostgresQuery(unsafeSQL: statement), logger: stack.logger) }
        }
    }

    func rowIDs(_ stack: TestStack, of tracked: TrackedCase) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await stack.client.query(
            "SELECT id FROM case_history WHERE case_id = \(tracked.id)::uuid ORDER BY id", logger: stack.logger).decode(Int64.self)
        {
            ids.append(id)
        }
        return ids
    }

    @Test func aCleanHistoryVerifiesAndEachTamperingByTheOwnerIsNamed() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-19T09:00:00+08:00")
            let cases = try await stack.dispatchedCases((31...34).map { IntakeEvents.appeal($0, category: "complaint") })
            try #require(cases.count == 4)
            try await stack.unitActs(cases.enumerated().map { index, tracked in
                Actions.unit("sign", case: tracked.id, unit: tracked.lead, id: "ua-sign-h\(index)")
            })
            let clean = try verify(stack)
            #expect(clean.status == 0, "\(clean.output)")
            #expect(clean.stdout.contains("verified 4 cases, 12 rows"), "\(clean.stdout)")

            let (edited, deleted, forged) = (cases[0], cases[1], cases[2])
            let editedRows = try await rowIDs(stack, of: edited)
            let deletedRows = try await rowIDs(stack, of: deleted)
            let forgedRows = try await rowIDs(stack, of: forged)
            try #require([editedRows, deletedRows, forgedRows].allSatisfy { $0.count == 3 })
            try await asOwner(stack, [
                // Edited with the append-only trigger switched off, and switched on again.
                "ALTER TABLE case_history DISABLE TRIGGER case_history_append_only",
                "UPDATE case_history SET detail = '{\"unit_id\": \"another-unit\"}' WHERE id = \(editedRows[1])",
                "ALTER TABLE case_history ENABLE TRIGGER case_history_append_only",
                // Deleted with the trigger dropped.
                "DROP TRIGGER case_history_append_only ON case_history",
                "DELETE FROM case_history WHERE id = \(deletedRows[1])",
                // Inserted between two rows with the chaining trigger off, hashed as the trigger would.
                "ALTER TABLE case_history DISABLE TRIGGER case_history_chain",
                """
                INSERT INTO case_history (id, case_id, at, actor, action, detail, event_id, prev_hash, hash)
                SELECT id + 1, case_id, at, 'centre', 'approve_result', '{}', 'ca-forged', hash,
                       case_history_row_hash(hash, case_id, at, 'centre', 'approve_result', '{}'::jsonb, 'ca-forged')
                FROM case_history WHERE id = \(forgedRows[0])
                """,
                "ALTER TABLE case_history ENABLE TRIGGER case_history_chain",
            ])
            let tampered = try verify(stack)
            #expect(tampered.status == 1, "\(tampered.output)")
            let lines = Set(tampered.stdout.split(separator: "\n").map(String.init))
            #expect(lines.contains("case \(edited.number): row \(editedRows[1]): changed: its content no longer matches its hash"), "\(tampered.stdout)")
            #expect(lines.contains(
                "case \(deleted.number): row \(deletedRows[2]): removed before it: it links to a row that is not there, not to row \(deletedRows[0]) (a row between them was removed, or row \(deletedRows[0]) was rewritten with its hash)"),
                "\(tampered.stdout)")
            #expect(lines.contains(
                "case \(forged.number): row \(forgedRows[0] + 1): inserted out of order: row \(forgedRows[1]) links to row \(forgedRows[0]), past it"),
                "\(tampered.stdout)")
            #expect(lines.contains("3 problems in 4 cases, 12 rows, 0 daily digests; see the RUNBOOK, \"History verification failed\""), "\(tampered.stdout)")
            #expect(!tampered.stdout.contains("case \(cases[3].number)"), "the untouched case is not named")

            let one = try verify(stack, ["--case-number", cases[3].number])
            #expect(one.status == 0, "\(one.output)")
            #expect(one.stdout.contains("verified 1 case, 3 rows"), "\(one.stdout)")
            let named = try verify(stack, ["--case-number", edited.number])
            #expect(named.status == 1 && named.stdout.contains("row \(editedRows[1]): changed"), "\(named.output)")
        }
    }

    /// A database upgraded from before the chain: migration 0026 chains the rows it finds, in
    /// id order per case, and later rows chain on from them. The test takes 0026 back out as
    /// the owner, writes history as the worker did before it, and migrates again.
    @Test func theMigrationChainsTheHistoryWrittenBeforeIt() async throws {
        try await TestStack.with { stack in
            try await asOwner(stack, [
                "DROP TRIGGER case_history_chain ON case_history",
                "DROP FUNCTION chain_case_history()",
                "DROP TABLE history_digest_heads, history_digests, case_history_heads",
                "DROP FUNCTION refuse_digest_change()",
                "ALTER TABLE case_history DROP COLUMN prev_hash, DROP COLUMN hash",
                "DROP FUNCTION case_history_row_hash(bytea, uuid, timestamptz, text, text, jsonb, text)",
                "DELETE FROM schema_migrations WHERE version = 26",
            ])
            let ids = (0..<5).map { _ in UUID() }
            let worker = try DatabaseURL(stack.databaseURL)
            try await withPostgres(worker.configuration, logger: stack.logger) { (client: PostgresClient) async throws in
                try await client.withTransaction(logger: stack.logger) { connection in
                    try await BenchStore.insertCases(
                        ids: ids, label: "before", policyID: "changsha-2020", policyVersion: "test", at: Date(),
                        dueAt: Date().addingTimeInterval(86_400), on: connection, logger: stack.logger)
                }
            }
            #expect(try stack.migrate().output.contains("0026_history_chain"))
            let upgraded = try verify(stack)
            #expect(upgraded.status == 0 && upgraded.stdout.contains("verified 5 cases, 10 rows"), "\(upgraded.output)")
            try await withPostgres(worker.configuration, logger: stack.logger) { (client: PostgresClient) async throws in
                try await client.withTransaction(logger: stack.logger) { connection in
                    try await CaseHistoryStore.append(
                        caseID: ids[0], at: Date(), actor: "dispatch", action: "sign", detailJSON: "{}", eventID: "ua-after-upgrade",
                        on: connection, logger: stack.logger)
                }
            }
            let appended = try verify(stack)
            #expect(appended.status == 0 && appended.stdout.contains("verified 5 cases, 11 rows"), "\(appended.output)")
            #expect(try await stack.count("SELECT count(*) FROM case_history WHERE prev_hash = decode(repeat('00', 32), 'hex')") == 5,
                    "one chain per case, each starting at the first row")
        }
    }

    /// Eight writers append to one case at once, each in its own transactions of several rows
    /// (with a row of another case, in the order a batch brings them): the heads' lock
    /// queues them, and the chain holds every row once, in id order.
    @Test func concurrentAppendsToOneCaseGiveAValidChain() async throws {
        try await TestStack.with { stack in
            let worker = try DatabaseURL(stack.databaseURL)
            let ids = [UUID(), UUID()]
            try await withPostgres(worker.configuration, logger: stack.logger) { (client: PostgresClient) async throws in
                try await client.withTransaction(logger: stack.logger) { connection in
                    try await BenchStore.insertCases(
                        ids: ids, label: "chain", policyID: "changsha-2020", policyVersion: "test", at: Date(), dueAt: Date().addingTimeInterval(86_400),
                        on: connection, logger: stack.logger)
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            for batch in 0..<5 {
                                let entries = [ids[1], ids[0], ids[0], ids[0]].enumerated().map { index, caseID in
                                    HistoryEntry(
                                        caseID: caseID, at: Date(), actor: "writer-\(writer)", action: "note",
                                        detailJSON: #"{"batch": \#(batch), "row": \#(index)}"#, eventID: "w\(writer)-b\(batch)-r\(index)")
                                }
                                try await client.withTransaction(logger: stack.logger) { connection in
                                    try await CaseHistoryStore.appendAll(entries, on: connection, logger: stack.logger)
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let result = try verify(stack)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stdout.contains("verified 2 cases, \(4 + 8 * 5 * 4) rows"), "\(result.stdout)")
            // Each writer's rows of a batch stay in its order within the case.
            #expect(try await stack.count(
                """
                SELECT count(*) FROM (SELECT event_id, lag(event_id) OVER (PARTITION BY case_id ORDER BY id) AS before
                                      FROM case_history WHERE actor LIKE 'writer-%') r
                WHERE event_id LIKE '%-r2' AND before <> replace(event_id, '-r2', '-r1')
                """) == 0)
        }
    }

    /// The supervision worker digests the day once the clock is past it and publishes it;
    /// the copy kept outside finds a rewrite the database made consistent with itself.
    @Test func aDayDigestIsPublishedAndAKeptCopyFindsAConsistentRewrite() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-19T09:00:00+08:00")
            let cases = try await stack.dispatchedCases((41...43).map { IntakeEvents.appeal($0, category: "complaint") })
            try #require(cases.count == 3)
            try stack.setClock("2026-10-20T09:00:00+08:00")
            try await stack.waitUntil("2026-10-19 is digested") {
                try await stack.count("SELECT count(*) FROM history_digests WHERE day = '2026-10-19' AND heads = 3") == 1
            }
            try await stack.waitUntil("the outbox is relayed") { try await stack.count("SELECT count(*) FROM outbox") == 0 }
            let printed = try stack.run(["history", "digest", "--date", "2026-10-19", "--format", "json"],
                                        extraEnvironment: ["DATABASE_URL": stack.readerDatabaseURL]).stdout
            let messages = try await stack.readTopic("hotline.history-digests.v1", expected: 1)
            try #require(messages.count == 1)
            #expect(messages[0].key.map { String(decoding: $0, as: UTF8.self) } == "case-history")
            let published = try #require(try JSONSerialization.jsonObject(with: Data(messages[0].value ?? [])) as? [String: Any])
            let copy = try #require(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any])
            #expect(published["digest"] as? String == copy["digest"] as? String)
            #expect(published["heads"] as? Int == 3 && published["previous_day"] is NSNull)
            let text = try stack.run(["history", "digest", "--date", "2026-10-19", "--heads"],
                                     extraEnvironment: ["DATABASE_URL": stack.readerDatabaseURL]).stdout
            #expect(cases.allSatisfy { text.contains($0.number) }, "\(text)")

            let kept = stack.directory.appendingPathComponent("kept-digests.jsonl")
            try Data(printed.utf8).write(to: kept)
            #expect(try verify(stack, ["--digest-file", kept.path]).status == 0)

            // The owner rewrites a case's last row and everything that vouches for it inside the database.
            let target = cases[0]
            var head: (rowID: Int64, previous: [UInt8])?
            for try await (rowID, previous) in try await stack.client.query(
                "SELECT id, prev_hash FROM case_history WHERE case_id = \(target.id)::uuid ORDER BY id DESC LIMIT 1", logger: stack.logger
            ).decode((Int64, ByteBuffer).self) {
                head = (rowID, Array(previous.readableBytesView))
            }
            let last = try #require(head)
            try await asOwner(stack, [
                "ALTER TABLE case_history DISABLE TRIGGER USER",
                """
                UPDATE case_history SET detail = '{"unit_id": "another-unit"}',
                       hash = case_history_row_hash(prev_hash, case_id, at, actor, action, '{"unit_id": "another-unit"}'::jsonb, event_id)
                WHERE id = \(last.rowID)
                """,
                "ALTER TABLE case_history ENABLE TRIGGER USER",
                "UPDATE case_history_heads h SET hash = c.hash FROM case_history c WHERE c.id = \(last.rowID) AND h.case_id = c.case_id",
                "ALTER TABLE history_digest_heads DISABLE TRIGGER USER",
                "UPDATE history_digest_heads h SET hash = c.hash FROM case_history c WHERE c.id = \(last.rowID) AND h.row_id = c.id",
            ])
            let recorded = try await HistoryChainStore.digests(client: stack.client, logger: stack.logger)
            let day = try #require(recorded.first)
            let refolded = HistoryHashing.sha256(HistoryDigest.foldBytes(day: day.day, previous: day.previousDigest, heads: day.heads))
            try await asOwner(stack, [
                "ALTER TABLE history_digests DISABLE TRIGGER USER",
                "UPDATE history_digests SET digest = decode('\(Hex.string(refolded))', 'hex') WHERE day = '2026-10-19'",
            ])
            let inside = try verify(stack)
            #expect(inside.status == 0, "a rewrite made consistent inside the database passes without the kept copy: \(inside.output)")
            let outside = try verify(stack, ["--digest-file", kept.path])
            #expect(outside.status == 1, "\(outside.output)")
            #expect(outside.stdout.contains(
                "digest of 2026-10-19: the database's digest differs from the kept copy: the history or its digest was rewritten"), "\(outside.stdout)")
        }
    }
}
