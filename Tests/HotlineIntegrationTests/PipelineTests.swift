import Foundation
import HotlineDomain
import HotlineKafka
import HotlineWorkers
import PostgresNIO
import Testing

/// The foundation's promises, checked with PostgreSQL, the dev broker and the real
/// worker processes; each test on a stack of its own, side by side (`StackGate`).
@Suite
struct PipelineTests {
    /// N valid appeals, duplicates of both kinds, and one bad message of every kind:
    /// exactly one case per appeal, one receipt per valid message, one dead letter
    /// per bad one, one current lead assignment (or a manual-queue entry) per case.
    @Test func publishedEventsBecomeExactlyTheExpectedCasesReceiptsAndDeadLetters() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            let appeals = (1...150).map { IntakeEvents.appeal($0) }
            let exactRepublish = appeals.prefix(10).map { $0 }
            let newEventIDs = (1...5).map { IntakeEvents.appeal($0, eventID: String(format: "evt-again-%06d", $0)) }
            let invalid = IntakeEvents.invalid.map(\.0)
            let all = appeals + exactRepublish + newEventIDs + invalid
            try stack.publish(all)
            try await stack.waitForPipeline(messages: all.count)

            #expect(try await stack.count("SELECT count(*) FROM cases") == 150)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests") == 150)
            #expect(try await stack.count("SELECT sum(times_received)::bigint FROM intake_requests") == 165)
            let deadLetters = try await stack.pairs("SELECT reason_code, count(*) FROM dead_letters GROUP BY 1")
            var expected: [String: Int64] = [:]
            for (_, reason) in IntakeEvents.invalid { expected[reason, default: 0] += 1 }
            #expect(deadLetters == expected)
            #expect(try await stack.count(
                """
                SELECT count(*) FROM cases c WHERE
                  (SELECT count(*) FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead') +
                  (SELECT count(*) FROM manual_dispatch_queue q WHERE q.case_id = c.id AND q.resolved_at IS NULL) <> 1
                """) == 0)
            #expect(try await stack.count("SELECT count(*) FROM case_history WHERE action = 'accepted'") == 150)

            let receipts = try await stack.readTopic("hotline.intake.receipts.v1", expected: 165)
            #expect(receipts.count == 165)
            let decoded = try receipts.map { try JSONSerialization.jsonObject(with: Data($0.value ?? [])) as! [String: Any] }
            #expect(decoded.filter { $0["duplicate"] as? Bool == true }.count == 15)
            let numbersByKey = Dictionary(grouping: zip(receipts, decoded), by: { String(decoding: $0.0.key ?? [], as: UTF8.self) })
                .mapValues { Set($0.compactMap { $0.1["case_number"] as? String }) }
            #expect(numbersByKey.count == 150)
            #expect(numbersByKey.values.allSatisfy { $0.count == 1 }, "a re-published appeal got the same case number")

            let letters = try await stack.readTopic("hotline.intake.dlq.v1", expected: invalid.count)
            #expect(letters.count == invalid.count)
            let centreKey = try PartyKeyFile.sealingKey(at: stack.centreSealingKeyFile)
            let originals = Set(try letters.map { letter -> [UInt8] in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(letter.value ?? [])) as? [String: Any])
                let original = try #require(object["original"] as? [String: Any])
                let sealedObject = try #require(original["sealed"])
                let sealed = try JSONDecoder().decode(SealedToParty.self, from: JSONSerialization.data(withJSONObject: sealedObject))
                let eventText = try #require(object["event_id"] as? String)
                let eventID = try #require(UUID(uuidString: eventText))
                return try DeadLetterSealing.open(sealed, of: eventID, with: centreKey).value
            })
            #expect(originals.contains([0xFF, 0xFE, 0x7B, 0x7D]), "dead letters keep the original bytes, sealed to the centre")
        }
    }

    /// kill -9 of intake and dispatch in the middle of the stream, then restart:
    /// the final state is the same as without the crash.
    @Test func killingWorkersMidStreamLosesAndDoublesNothing() async throws {
        try await TestStack.with { stack in
            // Small batches in the first incarnation, so the kill lands between many commits.
            let slow = ["HOTLINE_BATCH_SIZE": "5"]
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker, extraEnvironment: slow) }
            let total = 1000
            let appeals = (1...total).map { IntakeEvents.appeal($0, area: $0 % 5 == 0 ? nil : "430104") }
            try stack.publish(appeals)
            try await stack.waitUntil("some cases exist", pollEvery: .milliseconds(20)) {
                try await stack.count("SELECT count(*) FROM cases") >= 50
            }
            stack.kill9("intake")
            stack.kill9("dispatch")
            stack.kill9("relay")
            let atCrash = try await stack.count("SELECT count(*) FROM cases")
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try await stack.waitForPipeline(messages: total)
            #expect(atCrash < total, "the crash happened mid-stream")
            #expect(try await stack.count("SELECT count(*) FROM cases") == Int64(total))
            #expect(try await stack.count("SELECT sum(times_received)::bigint FROM intake_requests") == Int64(total))
            #expect(try await stack.count("SELECT count(*) FROM assignments WHERE current AND role = 'lead'")
                + (try await stack.count("SELECT count(*) FROM manual_dispatch_queue")) == Int64(total))
            #expect(try await stack.count("SELECT count(*) FROM case_history WHERE action IN ('dispatched', 'queued_for_manual_dispatch')") == Int64(total))
            let caseEvents = try await stack.readTopic("hotline.cases.v1", expected: 2 * total)
            let eventIDs = caseEvents.compactMap { message -> String? in
                (try? JSONSerialization.jsonObject(with: Data(message.value ?? [])) as? [String: Any])?["event_id"] as? String
            }
            #expect(Set(eventIDs).count == 2 * total, "one accepted and one dispatch event per case (a republished duplicate shares its event_id)")
        }
    }

    /// Two intake instances in one consumer group share the partitions and give the
    /// same result as one.
    @Test func twoIntakeInstancesGiveTheSameResult() async throws {
        try await TestStack.with { stack in
            try stack.startWorker("intake", id: "intake-1")
            try stack.startWorker("intake", id: "intake-2")
            try stack.startWorker("dispatch")
            try stack.startWorker("relay")
            let appeals = (1...300).map { IntakeEvents.appeal($0) }
            try stack.publish(appeals + appeals.prefix(30))
            try await stack.waitForPipeline(messages: 330)
            #expect(try await stack.count("SELECT count(*) FROM cases") == 300)
            #expect(try await stack.count("SELECT count(DISTINCT case_number) FROM cases") == 300)
            #expect(try await stack.count("SELECT count(*) FROM assignments WHERE current AND role = 'lead'")
                + (try await stack.count("SELECT count(*) FROM manual_dispatch_queue")) == 300)
            #expect(try await stack.count("SELECT count(*) FROM processed_events WHERE consumer = 'intake'") == 300)
        }
    }

    /// A repeat appeal of the same caller about an open case is linked to it as an
    /// urge (鄂尔多斯 第十八条（四）"对已经受理，尚在办理期限内的重复来电…视情况催办"), not opened again.
    @Test func repeatAppealOfAnOpenCaseBecomesAnUrge() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try stack.publish([IntakeEvents.appeal(1, phone: "13912345678")])
            try await stack.waitForPipeline(messages: 1)
            var repeatAppeal = IntakeEvents.appeal(2, phone: "139-1234-5678")
            if case var .object(value) = repeatAppeal.value, case let .object(original) = IntakeEvents.appeal(1).value,
               case let .string(content) = original["content"] {
                value["content"] = .string("再次反映：" + content)
                repeatAppeal.value = .object(value)
            }
            try stack.publish([repeatAppeal])
            try await stack.waitForPipeline(messages: 2)
            #expect(try await stack.count("SELECT count(*) FROM cases") == 1)
            #expect(try await stack.count("SELECT urge_count::bigint FROM cases") == 1)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE outcome = 'merged'") == 1)
        }
    }

    /// Callers' personal data and the appeal's text are sealed at rest (issue 20 item 3), and
    /// personal data is never on a lifecycle topic.
    @Test func personalDataIsEncryptedAndNeverOnLifecycleTopics() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try stack.publish((1...5).map { IntakeEvents.appeal($0) })
            try await stack.waitForPipeline(messages: 5)
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE position('13900000001'::bytea in caller_sealed) > 0") == 0)
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE caller_key_id = 'case' AND data_key_id = 'test1'") == 5,
                    "each case under a data key of its own, wrapped under HOTLINE_DATA_KEY")
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE subject IS NULL AND content IS NULL AND appeal_sealed IS NOT NULL") == 5,
                    "the appeal's text is sealed too")
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE position(convert_to('道路破损', 'UTF8') in appeal_sealed) > 0") == 0)
            let events = try await stack.readTopic("hotline.cases.v1", expected: 10)
            let text = events.map { String(decoding: $0.value ?? [], as: UTF8.self) }.joined()
            #expect(!text.contains("1390000000"), "no phone number on hotline.cases.v1")
            #expect(!text.contains("测试来电人"), "no caller name on hotline.cases.v1")
        }
    }

    /// The text of an appeal not accepted is kept sealed under a data key of its own
    /// (migrations 0031, 0037) for the refusal's period; `hotline intake show` opens it for the
    /// centre, and a key rotation re-wraps its data key, leaving the sealed text as it was.
    @Test func theTextOfAnAppealNotAcceptedIsSealed() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "relay"] { try stack.startWorker(worker) }
            var outside = IntakeEvents.appeal(1)
            let text = "株洲市某小区门口的路灯坏了一个月了，晚上看不清路"
            if case var .object(value) = outside.value {
                value["content"] = .string(text)
                value.removeValue(forKey: "area_code")
                outside.value = .object(value)
            }
            try stack.publish([outside, IntakeEvents.appeal(2)])
            try await stack.waitUntil("both appeals are answered") {
                try await stack.count("SELECT count(*) FROM intake_requests") == 2
            }
            #expect(try await stack.count(
                """
                SELECT count(*) FROM intake_requests
                WHERE outcome = 'not_accepted' AND content IS NULL AND content_key_id = 'test1' AND content_data_key IS NOT NULL
                """) == 1)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE outcome = 'accepted' AND content_sealed IS NULL") == 1)
            #expect(try await stack.count("SELECT count(*) FROM intake_requests WHERE position(convert_to('株洲', 'UTF8') in content_sealed) > 0") == 0)
            let shown = try stack.run(["intake", "show", "--channel", "phone", "--external-id", "T-00000001"]).stdout
            #expect(shown.contains(text) && shown.contains("not_accepted"), "\(shown)")

            let sealedText: PostgresQuery = "SELECT encode(content_sealed, 'hex') || content_key_id, 0::bigint FROM intake_requests WHERE outcome = 'not_accepted'"
            let before = try #require(try await stack.pairs(sealedText).keys.first)

            let rotated = ["HOTLINE_DATA_KEY": KeyRotationTests.newKey, "HOTLINE_DATA_KEYS_PREVIOUS": KeyRotationTests.oldKey]
            #expect(try stack.run(["keys", "reencrypt"], extraEnvironment: rotated).stdout.contains(", 1 texts of appeals not accepted"))
            #expect(try await stack.pairs(sealedText).keys.first == String(before.dropLast("test1".count)) + "test2",
                    "the same sealed text, its data key now wrapped under test2")
            #expect(try stack.run(["intake", "show", "--channel", "phone", "--external-id", "T-00000001"], extraEnvironment: rotated).stdout.contains(text))
            #expect(try stack.run(["intake", "show", "--channel", "phone", "--external-id", "T-00000001"], expectSuccess: false).status != 0,
                    "the old key alone no longer opens it")
        }
    }

    /// The history is append-only: PostgreSQL refuses to change or delete a row.
    @Test func caseHistoryIsAppendOnly() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try stack.publish([IntakeEvents.appeal(1)])
            try await stack.waitForPipeline(messages: 1)
            await #expect(throws: (any Error).self) {
                try await stack.client.query("UPDATE case_history SET actor = 'someone else'", logger: stack.logger)
            }
            await #expect(throws: (any Error).self) {
                try await stack.client.query("DELETE FROM case_history", logger: stack.logger)
            }
            #expect(try await stack.count("SELECT count(*) FROM case_history") == 2)
        }
    }
}

/// The demo fixture (Ops/fixtures/demo-intake.jsonl: 579 messages in two waves, with
/// Chinese appeals on every channel, duplicates, repeats, emergencies, out-of-scope
/// matters and bad input) gives exactly the figures in its expected file.
@Suite(.serialized)
struct DemoFixtureTests {
    @Test func demoFixtureGivesTheExpectedFigures() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            let fixture = stack.values.root + "/Ops/fixtures/demo-intake.jsonl"
            let lines = try String(contentsOfFile: fixture, encoding: .utf8).split(separator: "\n")
            let firstWave = try lines.filter { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["wave"] as? Int == 1
            }.count
            #expect(firstWave > 400 && firstWave < lines.count)
            try stack.run(["publish", "--wave", "1", fixture])
            try await stack.waitForPipeline(messages: firstWave)
            try stack.run(["publish", "--wave", "2", fixture])
            try await stack.waitForPipeline(messages: lines.count)
            let summary = stack.directory.appendingPathComponent("summary.json")
            try Data(try stack.run(["summary", "--json"]).stdout.utf8).write(to: summary)
            let comparison = try stack.runTool("/usr/bin/env", [
                "python3", stack.values.root + "/Ops/tools/compare_demo_summary.py",
                stack.values.root + "/Ops/fixtures/demo-intake.expected.json", summary.path,
            ], allowFailure: true)
            #expect(comparison.contains("12 passed, 0 failed"), "\(comparison)")
        }
    }
}
