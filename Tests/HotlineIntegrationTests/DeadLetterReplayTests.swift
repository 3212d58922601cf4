import Foundation
import Testing

/// Dead letters for the on-call engineer: an appeal dead-lettered `too_large` under a
/// too-small HOTLINE_MAX_EVENT_BYTES is listed, and once the limit is fixed,
/// `hotline dlq replay` re-publishes its original to hotline.intake.v1, where it becomes
/// a case; replaying the same selection again publishes nothing.
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
            let dry = try stack.run(["dlq", "replay", "--reason", "too_large", "--dry-run"]).stdout
            #expect(dry.contains("1 selected"))
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE external_id = 'T-00000091'") == 0, "a dry run publishes nothing")

            // The fix: the intake worker runs again with the default limit.
            #expect(stack.terminate("intake") == 0)
            try stack.startWorker("intake")
            #expect(try stack.run(["dlq", "replay", "--reason", "too_large"]).stdout.contains("replayed 1 of 1 selected"))
            try await stack.waitUntil("the replayed appeal becomes a case") {
                try await stack.count("SELECT count(*) FROM cases WHERE external_id = 'T-00000091'") == 1
            }
            #expect(try stack.run(["dlq", "replay", "--reason", "too_large"]).stdout.contains("replayed 0 of 0 selected"), "replayed once")
            let json = try stack.run(["dlq", "list", "--json"]).stdout
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(rows.count == 1 && rows.first?["replay_count"] as? Int == 1 && rows.first?["replayed_at"] is String)
            #expect(try await stack.count("SELECT count(*) FROM cases") == 2)
        }
    }
}
