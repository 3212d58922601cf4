import Foundation
import Testing

/// Dead letters for the on-call engineer: an appeal dead-lettered `too_large` under a
/// too-small HOTLINE_MAX_EVENT_BYTES is listed, its original is on the topic only sealed to
/// the centre, `hotline dlq show` opens it with the centre's key, and once the limit is
/// fixed, `hotline dlq replay` re-publishes the original to hotline.intake.v1, where it
/// becomes a case; replaying the same selection again publishes nothing.
@Suite(.serialized)
struct DeadLetterReplayTests {
    @Test func aFixedDeadLetterIsReplayedOnce() async throws {
        try await TestStack.with { stack in
            try stack.startWorker("intake", extraEnvironment: ["HOTLINE_MAX_EVENT_BYTES": "1024"])
            for worker in ["dispatch", "relay"] { try stack.startWorker(worker) }
            var long = IntakeEvents.appeal(91)
            if case var .object(fields)? = long.value {
                fields["content"] = .string(String(repeating: "小区门口道路破损严重，坑洼积水，市民出行很不方便。", count: 30))
                long = FixtureLine(key: long.key, value: .object(fields))
            }
            try stack.publish([long, IntakeEvents.appeal(92)])
            try await stack.waitForPipeline(messages: 2)
            #expect(try await stack.count("SELECT count(*) FROM dead_letters WHERE reason_code = 'too_large'") == 1)

            let listed = try stack.run(["dlq", "list"]).stdout
            #expect(listed.contains("hotline.intake.v1") && listed.contains("too_large") && listed.contains("not replayed"))
            let sentence = "小区门口道路破损严重，坑洼积水，市民出行很不方便。"
            let letters = try await stack.readTopic("hotline.intake.dlq.v1", expected: 1)
            let onTopic = String(decoding: try #require(letters.first?.value), as: UTF8.self)
            #expect(onTopic.contains("\"key_id\":\"centre:sealing:"), "sealed to the centre: \(onTopic.prefix(300))")
            let version = letters.first?.headers.first { $0.key == "hotline-schema-version" }?.value
            #expect(version == Array("2".utf8), "the header says the body's schema version")
            for clear in [sentence, String(Data(sentence.utf8).base64EncodedString().prefix(40)), "测试来电人91"] {
                #expect(!onTopic.contains(clear), "the original is not on the topic in clear")
            }
            let id = try #require(try Self.listedIDs(stack).first)
            let shown = try stack.run(["dlq", "show", "--id", "\(id)", "--key", stack.centreSealingKeyFile]).stdout
            #expect(shown.contains("hotline.intake.v1") && shown.contains("key: phone:T-00000091") && shown.contains(sentence))
            // CONTRACTS.md's Python example opens it as the centre's operators' own tools would.
            let letterFile = stack.directory.appendingPathComponent("letter.json").path
            try Data(onTopic.utf8).write(to: URL(fileURLWithPath: letterFile))
            let python = try stack.contractsOpeningExample()
            let fromPython = try stack.runTool("/usr/bin/python3", [python, "dead-letter", letterFile, stack.centreSealingKeyFile])
            #expect(fromPython.contains(sentence) && fromPython.contains(Data("phone:T-00000091".utf8).base64EncodedString()), "\(fromPython.prefix(300))")
            let keyless = try stack.run(["dlq", "replay", "--reason", "too_large"], expectSuccess: false)
            #expect(keyless.status != 0 && keyless.output.contains("--key: give the centre's private sealing key file"), "\(keyless.output)")
            let dry = try stack.run(["dlq", "replay", "--reason", "too_large", "--dry-run"]).stdout
            #expect(dry.contains("1 selected"))
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE external_id = 'T-00000091'") == 0, "a dry run publishes nothing")

            // The fix: the intake worker runs again with the default limit.
            #expect(stack.terminate("intake") == 0)
            try stack.startWorker("intake")
            #expect(try stack.run(["dlq", "replay", "--reason", "too_large", "--key", stack.centreSealingKeyFile]).stdout.contains("replayed 1 of 1 selected"))
            try await stack.waitUntil("the replayed appeal becomes a case") {
                try await stack.count("SELECT count(*) FROM cases WHERE external_id = 'T-00000091'") == 1
            }
            #expect(try stack.run(["dlq", "replay", "--reason", "too_large", "--key", stack.centreSealingKeyFile]).stdout
                .contains("replayed 0 of 0 selected"), "replayed once")
            let json = try stack.run(["dlq", "list", "--json"]).stdout
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(rows.count == 1 && rows.first?["replay_count"] as? Int == 1 && rows.first?["replayed_at"] is String)
            #expect(try await stack.count("SELECT count(*) FROM cases") == 2)
        }
    }

    /// Only the centre's key opens an original: another key is refused naming the key it was
    /// sealed to; with the centre's sealing key revoked, a new dead letter withholds its
    /// original (never in clear), is counted for the DeadLetterOriginalsWithheld alert, and
    /// replay says to re-publish it from the adapter.
    @Test func anOriginalOpensOnlyWithTheCentresKeyAndIsWithheldWithoutOne() async throws {
        try await TestStack.with { stack in
            let port = try OperationsTests().freePort(stack)
            try stack.startWorker("intake", extraEnvironment: ["HOTLINE_HTTP_PORT": "\(port)"])
            try stack.startWorker("relay")
            try stack.publish([FixtureLine(key: "phone:BAD-1", rawValue: Array(#"{"caller": {"name": "测试来电人7", "#.utf8))])
            try await stack.waitForPipeline(messages: 1)
            let id = try #require(try Self.listedIDs(stack).first)
            let other = stack.directory.appendingPathComponent("other.sealing.key").path
            _ = try stack.run(["parties", "keys", "generate", "--purpose", "sealing", "--out", other])
            let refused = try stack.run(["dlq", "show", "--id", "\(id)", "--key", other], expectSuccess: false)
            #expect(refused.status != 0 && refused.output.contains("was sealed to key centre:sealing:") && !refused.output.contains("测试来电人7"),
                    "\(refused.output)")
            #expect(try stack.run(["dlq", "show", "--id", "\(id)", "--key", stack.centreSealingKeyFile]).stdout.contains("测试来电人7"))

            let keyID = try #require(try stack.run(["parties", "keys", "list", "--party", TestStack.centre]).stdout
                .split(separator: "\n").first { $0.contains("\tsealing\t") }?.split(separator: "\t").first.map(String.init))
            _ = try stack.run(["parties", "keys", "revoke", "--key-id", keyID, "--reason", "test: no centre key", "--by", "test"],
                          extraEnvironment: ["DATABASE_URL": stack.ownerDatabaseURL])
            try stack.publish([FixtureLine(key: "phone:BAD-2", rawValue: Array(#"{"caller": {"name": "测试来电人8", "#.utf8))])
            try await stack.waitForPipeline(messages: 2)
            let letters = try await stack.readTopic("hotline.intake.dlq.v1", expected: 2)
            let withheld = try #require(letters.map { String(decoding: $0.value ?? [], as: UTF8.self) }.first { $0.contains("no_sealing_key") })
            #expect(withheld.contains("\"sealed\":null") && !withheld.contains("测试来电人8")
                    && !withheld.contains(Data("测试来电人8".utf8).base64EncodedString().prefix(12)))
            let metrics = try stack.runTool("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
            #expect(metrics.contains(#"hotline_dead_letters_withheld_total{worker="intake"} 1"#), "counted for the alert")
            let newest = try #require(try Self.listedIDs(stack).first)
            let replay = try stack.run(["dlq", "replay", "--id", "\(newest)", "--key", stack.centreSealingKeyFile], expectSuccess: false)
            #expect(replay.status == 1 && replay.stdout.contains("not replayed \(newest): its original was withheld"), "\(replay.output)")
        }
    }

    /// The dead letters' ids, newest first, as `hotline dlq list --json` prints them.
    static func listedIDs(_ stack: TestStack) throws -> [Int64] {
        let json = try stack.run(["dlq", "list", "--json"]).stdout
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return rows.compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }
}
