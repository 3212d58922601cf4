import Foundation
import Testing

/// What an adapter author and an operator see: kcat works against the dev broker,
/// migrations are safe to repeat, bad configuration is refused in one line. Each test on a
/// stack of its own, side by side (`StackGate` bounds how many run at once).
@Suite
struct OperationsTests {
    /// The README's adapter example: publish with `kcat -P`, read the receipt with
    /// `kcat -C`, tail the lifecycle topic with `hotline tail`.
    @Test func kcatPublishesAnAppealAndReadsItsReceipt() async throws {
        try await TestStack.with { stack in
            try stack.startWorker("intake", extraEnvironment: ["HOTLINE_LOG_FORMAT": "json", "HOTLINE_LOG_LEVEL": "debug"])
            for worker in ["dispatch", "relay"] { try stack.startWorker(worker) }
            let event = #"{"schema_version":1,"event_id":"kcat-evt-0001","channel":"web","external_id":"WEB-7001","received_at":"2026-10-09T10:15:00+08:00","caller":{"phone":"13700001111"},"content":"小区路灯坏了一个多月，晚上出行很不安全，希望尽快修复。","area_code":"430104"}"#
            _ = try stack.runTool("/usr/bin/kcat", ["-P", "-b", stack.kafkaBrokers, "-t", "hotline.intake.v1", "-K", "\t"],
                                  input: Data("web:WEB-7001\t\(event)\n".utf8))
            try await stack.waitForPipeline(messages: 1)
            let receipts = try stack.runTool("/usr/bin/kcat", ["-C", "-b", stack.kafkaBrokers, "-t", "hotline.intake.receipts.v1", "-e", "-q", "-f", "%k\t%s\n"])
            let line = try #require(receipts.split(separator: "\n").first)
            #expect(line.hasPrefix("web:WEB-7001\t"), "the receipt is keyed like the intake event")
            #expect(line.contains(#""outcome":"accepted""#))
            let tail = try stack.run(["tail", "hotline.cases.v1", "--max", "2", "--idle-timeout", "15"]).output
            #expect(tail.contains("case.accepted"))
            #expect(tail.contains("case.dispatched") || tail.contains("case.dispatch_pending"))

            // HOTLINE_LOG_FORMAT=json: every line one JSON object, the message's place in the
            // topic as fields, never the caller's phone.
            let log = try String(contentsOf: stack.directory.appendingPathComponent("intake.log"), encoding: .utf8)
            let lines = log.split(separator: "\n")
            let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(!lines.isEmpty && objects.count == lines.count, "every line is a JSON object")
            #expect(objects.allSatisfy { $0["ts"] is String && $0["level"] is String && $0["message"] is String && $0["logger"] as? String == "hotline.intake" })
            #expect(objects.contains { $0["topic"] as? String == "hotline.intake.v1" && $0["partition"] != nil && $0["offset"] != nil && $0["event_id"] as? String == "kcat-evt-0001" })
            #expect(!log.contains("13700001111") && !log.contains("路灯"), "no personal data or appeal text in the log")
            let refused = try stack.run(["summary"], extraEnvironment: ["HOTLINE_LOG_FORMAT": "yaml"], expectSuccess: false)
            #expect(refused.status != 0 && refused.output.contains("HOTLINE_LOG_FORMAT: must be text or json"))
        }
    }

    /// `hotline migrate` twice at once, then again: every migration applied once.
    @Test func migrateIsIdempotentAndSafeWhenRunConcurrently() async throws {
        try await TestStack.with { stack in
            let before = try await stack.count("SELECT count(*) FROM schema_migrations")
            async let first = Task.detached { try stack.migrate() }.value
            async let second = Task.detached { try stack.migrate() }.value
            _ = try await (first, second)
            #expect(try await stack.count("SELECT count(*) FROM schema_migrations") == before)
            #expect(try stack.migrate().output.contains("up to date"))
        }
    }

    /// Issue 20 item 3: only the workers that open personal data hold the key-encryption key.
    /// The relay, deadlines and supervision workers run without the data and index keys while
    /// intake and dispatch, which open it, have theirs; a case goes all the way through.
    @Test func theWorkersThatOpenNoPersonalDataRunWithoutTheDataKeys() async throws {
        try await TestStack.with { stack in
            let noKeys = ["HOTLINE_DATA_KEY": "", "HOTLINE_DATA_KEYS_PREVIOUS": "", "HOTLINE_INDEX_KEY": ""]
            for worker in ["intake", "dispatch"] { try stack.startWorker(worker) }
            for worker in ["relay", "deadlines", "supervision"] { try stack.startWorker(worker, extraEnvironment: noKeys) }
            try stack.publish([IntakeEvents.appeal(1)])
            try await stack.waitForPipeline(messages: 1)
            try await stack.waitUntil("the case is dispatched and its events published by the keyless relay") {
                try await stack.count("SELECT count(*) FROM cases c WHERE c.status = 'dispatched' AND NOT EXISTS (SELECT 1 FROM outbox)") == 1
            }
            let refused = try stack.run(["worker", "callbacks"], extraEnvironment: noKeys, expectSuccess: false)
            #expect(refused.status != 0 && refused.output.contains("HOTLINE_DATA_KEY"), "the callbacks worker opens personal data: \(refused.output)")
        }
    }

    /// Outside dev mode a worker refuses to start without the data key, in one line
    /// naming the setting, with a non-zero exit code.
    @Test func workerRefusesToStartWithoutItsKey() async throws {
        try await TestStack.with { stack in
            let result = try stack.run(["worker", "intake"], extraEnvironment: ["HOTLINE_DATA_KEY": ""], expectSuccess: false)
            #expect(result.status != 0)
            #expect(result.output.contains("HOTLINE_DATA_KEY"))
            #expect(result.output.split(separator: "\n").count == 1)
            let badPolicy = try stack.run(["worker", "intake"], extraEnvironment: ["HOTLINE_POLICY": "no-such-city"], expectSuccess: false)
            #expect(badPolicy.status != 0)
            #expect(badPolicy.output.contains("no-such-city"))
        }
    }

    /// SIGTERM: the worker finishes, leaves the group and exits 0.
    @Test func workersStopGracefullyOnSigterm() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try stack.publish((1...50).map { IntakeEvents.appeal($0) })
            try await stack.waitForPipeline(messages: 50)
            for worker in ["intake", "dispatch", "relay"] {
                #expect(stack.terminate(worker) == 0, "\(worker) exits 0 on SIGTERM")
            }
        }
    }

    /// Every worker's HTTP surface (HOTLINE_HTTP_PORT): `/health`, `/ready` and `/metrics`
    /// in the Prometheus text format with the pipeline's series, read while it works; a
    /// relay whose PostgreSQL cannot be reached is alive but not ready.
    @Test func workersServeHealthReadinessAndMetrics() async throws {
        try await TestStack.with { stack in
            let port = try freePort(stack)
            try stack.startWorker("intake", extraEnvironment: ["HOTLINE_HTTP_PORT": "\(port)"])
            for worker in ["dispatch", "relay"] { try stack.startWorker(worker) }
            try stack.publish((1...30).map { IntakeEvents.appeal($0) } + [FixtureLine(key: "bad", value: .string("not an object"))])
            try await stack.waitForPipeline(messages: 31)
            let base = "http://127.0.0.1:\(port)"
            #expect(try curl(stack, "\(base)/health") == "200 ok")
            #expect(try curl(stack, "\(base)/ready") == "200 ready")
            let metrics = try stack.runTool("/usr/bin/curl", ["-sf", "\(base)/metrics"])
            let series = Set(metrics.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0.split(separator: " ").first ?? "") })
            #expect(series.contains(#"hotline_messages_consumed_total{worker="intake",topic="hotline.intake.v1"}"#))
            #expect(series.contains(#"hotline_dead_letters_total{worker="intake",topic="hotline.intake.v1",reason="invalid_json"}"#))
            #expect(series.contains(#"hotline_assigned_partitions{worker="intake"}"#))
            #expect(series.contains { $0.hasPrefix("hotline_batch_transaction_seconds_bucket{") })
            #expect(series.contains { $0.hasPrefix("hotline_batch_size_count{") })
            #expect(metrics.contains("# TYPE hotline_messages_consumed_total counter"))
            let lint = try stack.runTool("/usr/bin/promtool", ["check", "metrics"], input: Data(metrics.utf8), allowFailure: true)
            #expect(lint.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool check metrics: \(lint)")
            let consumed = metrics.split(separator: "\n").first { $0.hasPrefix(#"hotline_messages_consumed_total{worker="intake""#) }
            #expect(consumed?.split(separator: " ").last.flatMap { Double($0) } == 31)

            // The deadline and supervision workers report open clocks by stage and open 督办 by level.
            let (deadlinesPort, supervisionPort) = (try freePort(stack), try freePort(stack))
            try stack.startWorker("deadlines", extraEnvironment: ["HOTLINE_HTTP_PORT": "\(deadlinesPort)"])
            try stack.startWorker("supervision", extraEnvironment: ["HOTLINE_HTTP_PORT": "\(supervisionPort)"])
            try await stack.waitUntil("both serve /metrics") {
                (try? curl(stack, "http://127.0.0.1:\(deadlinesPort)/health")) == "200 ok" && (try? curl(stack, "http://127.0.0.1:\(supervisionPort)/health")) == "200 ok"
            }
            let clocks = try stack.runTool("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(deadlinesPort)/metrics"])
            let running = clocks.split(separator: "\n").first { $0.hasPrefix(#"hotline_clocks_open{obligation="sign",stage="running"}"#) }
            let openSign = try await stack.count("SELECT count(*) FROM case_clocks WHERE obligation = 'sign' AND state = 'open' AND overdue_at IS NULL AND warned_at IS NULL")
            #expect(running?.split(separator: " ").last.flatMap { Double($0) } == Double(openSign) && openSign > 0)
            let supervisions = try stack.runTool("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(supervisionPort)/metrics"])
            #expect(supervisions.contains(#"hotline_supervisions_open{level="reminder"} 0"#))
            for text in [clocks, supervisions] {
                let findings = try stack.runTool("/usr/bin/promtool", ["check", "metrics"], input: Data(text.utf8), allowFailure: true)
                #expect(findings.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(findings)")
            }

            let relayPort = try freePort(stack)
            try stack.startWorker("relay", id: "relay-without-db", extraEnvironment: [
                "HOTLINE_HTTP_PORT": "\(relayPort)", "DATABASE_URL": "postgres://hotline@127.0.0.1:\(try freePort(stack))/none?sslmode=disable",
            ])
            try await stack.waitUntil("the relay's HTTP surface answers") { (try? curl(stack, "http://127.0.0.1:\(relayPort)/health")) == "200 ok" }
            let notReady = try curl(stack, "http://127.0.0.1:\(relayPort)/ready")
            #expect(notReady.hasPrefix("503 ") && notReady.contains("postgresql: not reachable"))
        }
    }

    /// `STATUS BODY` of a GET, the body trimmed.
    func curl(_ stack: TestStack, _ url: String) throws -> String {
        let output = try stack.runTool("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", url])
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return "\(lines.last ?? "") \(lines.dropLast().joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))"
    }

    func freePort(_ stack: TestStack) throws -> Int {
        try stack.freePort()
    }
}
