import Foundation
import Testing

/// What the on-call engineer reads (Ops/RUNBOOK.md "Read lag"): `hotline status` and
/// the workers' lag and readiness, against real workers, a dev broker and PostgreSQL.
@Suite(.serialized)
struct ConsumerLagTests {
    /// Dispatch not running: its group's lag is every case event, no live member, exit 1.
    /// Dispatch started: it catches up, no problem is left for it, with it as the one live member
    /// holding all 30 partitions, and its `/metrics` carries a lag series per partition.
    /// Dispatch stopped with SIGTERM: it leaves, and the member list is empty again.
    @Test func statusShowsLagAndMembersAndExitsNonZeroWhenStuck() async throws {
        try await TestStack.with { stack in
            // A member killed two hours ago and never seen since: the first heartbeat forgets it.
            try await stack.client.query(
                """
                INSERT INTO worker_members (member_id, worker, group_id, host, pid, started_at, seen_at, partitions, lag)
                VALUES (gen_random_uuid(), 'intake', 'hotline-intake', 'gone', 1, now() - interval '3 hours',
                        now() - interval '2 hours', '{}', NULL)
                """, logger: stack.logger)
            try stack.startWorker("intake")
            try stack.startWorker("relay")
            try stack.publish((1...40).map { IntakeEvents.appeal($0) })
            try await stack.waitUntil("the intake worker accepted 40 appeals and the relay published them") {
                let cases = try await stack.count("SELECT count(*) FROM cases")
                let outbox = try await stack.count("SELECT count(*) FROM outbox")
                return cases == 40 && outbox == 0
            }
            try await stack.waitUntil("intake's member record shows its partitions") {
                try await stack.count("SELECT count(*) FROM worker_members WHERE worker = 'intake' AND cardinality(partitions) = 12") == 1
            }
            #expect(try await stack.count("SELECT count(*) FROM worker_members WHERE host = 'gone'") == 0, "a member silent for an hour is forgotten")
            try await Task.sleep(for: .seconds(2))
            // Two seconds after the last case event was published, waiting more than one is stuck.
            let stuck = try stack.run(["status", "--stuck-after", "1", "--format", "json"], expectSuccess: false)
            #expect(stuck.status == 1, "stuck: \(stuck.output)")
            let before = try Status(stuck.stdout)
            let caseEvents = try #require(before.group("dispatch")?.lag)
            #expect(caseEvents >= 40, "at least each case's case.accepted waits for dispatch")
            #expect(before.group("dispatch")?.liveMembers == 0)
            #expect(before.group("intake")?.lag == 0 && before.group("intake")?.liveMembers == 1)
            #expect(before.group("intake")?.memberPartitions == 12, "one intake member holds the 12 intake partitions")
            #expect(before.problems.contains { $0.hasPrefix("dispatch: \(caseEvents) messages wait in hotline-dispatch and no instance is running") })
            #expect(before.problems.contains { $0.hasPrefix("dispatch:") && $0.contains("older than 1 s") }, "the oldest waiting event's age is read")
            #expect(try stack.run(["status"], expectSuccess: false).output.contains("STUCK: dispatch:"))

            let port = try freePort(stack)
            try stack.startWorker("dispatch", extraEnvironment: ["HOTLINE_HTTP_PORT": "\(port)"])
            try await stack.waitUntil("dispatch catches up and reports itself") {
                // supervision and callbacks do not run here, so status still exits 1 for them.
                let result = try stack.run(["status", "--format", "json"], expectSuccess: false)
                guard let status = try? Status(result.stdout) else { return false }
                return status.group("dispatch")?.lag == 0 && status.group("dispatch")?.liveMembers == 1
                    && status.group("dispatch")?.memberPartitions == 30 && !status.problems.contains { $0.hasPrefix("dispatch:") }
            }
            // The metric follows the statistics reports (every 2 s); dispatch's own events
            // come back to it on hotline.cases.v1, so wait for the report after the last.
            var metrics = ""
            try await stack.waitUntil("dispatch's /metrics shows one lag series per partition, all caught up") {
                metrics = try stack.runTool("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
                let lagSeries = metrics.split(separator: "\n").filter { $0.hasPrefix(#"hotline_consumer_lag{group="hotline-dispatch","#) }
                return lagSeries.count == 30 && lagSeries.allSatisfy { $0.hasSuffix(" 0.0") }
            }
            #expect(metrics.contains(#"hotline_kafka_brokers_up{worker="dispatch"} 3.0"#))
            #expect(metrics.contains(#"hotline_events_applied_total{worker="dispatch",topic="hotline.cases.v1"}"#))

            #expect(stack.terminate("dispatch") == 0)
            #expect(try await stack.count("SELECT count(*) FROM worker_members WHERE worker = 'dispatch'") == 0, "a clean stop removes the member record")
        }
    }

    /// `hotline status --wait-idle` (README "Status"): with dispatch and the others not running
    /// the pipeline cannot settle, so it gives up at its bound (exit 1, "did not settle", idle
    /// false); a bound of 0 is refused; with every worker running it returns only once every appeal is a dispatched case
    /// and nothing waits in the outbox.
    @Test func waitIdleReturnsOnlyOnceEverythingWaitingIsDone() async throws {
        try await TestStack.with { stack in
            let refused = try stack.run(["status", "--wait-idle", "0"], expectSuccess: false)
            #expect(refused.status == 64 && refused.output.contains("--wait-idle must be a number of seconds above 0"), "\(refused.output)")
            for worker in ["intake", "relay"] { try stack.startWorker(worker) }
            try stack.publish((1...30).map { IntakeEvents.appeal($0) })
            let unsettled = try stack.run(["status", "--format", "json", "--wait-idle", "3"], expectSuccess: false)
            #expect(unsettled.status == 1 && unsettled.output.contains("did not settle within 3 s"), "\(unsettled.output)")
            #expect(try Status(unsettled.stdout).idle == false)

            for worker in ["dispatch", "deadlines", "supervision", "callbacks"] { try stack.startWorker(worker) }
            let settled = try stack.run(["status", "--format", "json", "--wait-idle", "120"], expectSuccess: false)
            #expect(try Status(settled.stdout).idle && !settled.output.contains("did not settle"), "\(settled.output)")
            #expect(try await stack.count("SELECT count(*) FROM cases") == 30)
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE status = 'accepted'") == 0, "every case dispatched when it returned")
            #expect(try await stack.count("SELECT count(*) FROM outbox") == 0)
        }
    }

    /// `/ready` follows PostgreSQL: ready, then 503 naming PostgreSQL while its server is
    /// stopped (`/health` still answers), then ready again once it is back on the same
    /// port; what was published meanwhile is applied, nothing lost.
    @Test func readinessFollowsPostgresDownAndBack() async throws {
        try await TestStack.with { stack in
            let server = stack.directory.appendingPathComponent("own-pg").path
            let ownPostgres = try stack.runTool(stack.values.root + "/Ops/dev", ["postgres", "start", server])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? stack.runTool(stack.values.root + "/Ops/dev", ["postgres", "stop", server]) }
            let database = ["DATABASE_URL": ownPostgres]
            try stack.run(["migrate"], extraEnvironment: database)
            let port = try freePort(stack)
            try stack.startWorker("intake", extraEnvironment: database.merging(["HOTLINE_HTTP_PORT": "\(port)"]) { $1 })
            let base = "http://127.0.0.1:\(port)"
            try await stack.waitUntil("ready with its own PostgreSQL") { (try? curl(stack, "\(base)/ready")) == "200 ready" }
            try stack.publish((1...10).map { IntakeEvents.appeal($0) })
            try await stack.waitUntil("the first ten are applied") { try intakeRequests(stack, ownPostgres) == 10 }

            _ = try stack.runTool(stack.values.root + "/Ops/dev", ["postgres", "stop", server])
            try await stack.waitUntil("not ready while PostgreSQL is down") {
                let answer = (try? curl(stack, "\(base)/ready")) ?? ""
                return answer.hasPrefix("503 ") && answer.contains("postgresql: not reachable")
            }
            #expect(try curl(stack, "\(base)/health") == "200 ok", "alive while not ready")
            try stack.publish((11...20).map { IntakeEvents.appeal($0) })
            try await Task.sleep(for: .seconds(2))
            #expect(try curl(stack, "\(base)/ready").hasPrefix("503 "))

            _ = try stack.runTool(stack.values.root + "/Ops/dev", ["postgres", "start", server])
            try await stack.waitUntil("ready again once PostgreSQL is back") { (try? curl(stack, "\(base)/ready")) == "200 ready" }
            try await stack.waitUntil("the ten published while it was down are applied") { try intakeRequests(stack, ownPostgres) == 20 }
            #expect(stack.isRunning("intake"), "the worker rode out the outage")
        }
    }

    private func intakeRequests(_ stack: TestStack, _ url: String) throws -> Int {
        let output = try stack.runTool("/usr/bin/psql", [url, "-qAt", "-c", "SELECT count(*) FROM intake_requests"], allowFailure: true)
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func curl(_ stack: TestStack, _ url: String) throws -> String {
        try OperationsTests().curl(stack, url)
    }

    func freePort(_ stack: TestStack) throws -> Int {
        try OperationsTests().freePort(stack)
    }
}

/// The parts of `hotline status --format json` the tests read.
struct Status {
    struct Group {
        var lag: Int64
        var liveMembers: Int
        var memberPartitions: Int
    }

    private let groups: [String: Group]
    let problems: [String]
    let idle: Bool

    init(_ json: String) throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        problems = root["problems"] as? [String] ?? []
        idle = root["idle"] as? Bool ?? false
        var groups: [String: Group] = [:]
        for case let group as [String: Any] in root["groups"] as? [Any] ?? [] {
            let members = (group["members"] as? [[String: Any]] ?? []).filter { $0["live"] as? Bool == true }
            let lag = (group["partitions"] as? [[String: Any]] ?? []).reduce(Int64(0)) { $0 + (($1["lag"] as? NSNumber)?.int64Value ?? 0) }
            groups[group["worker"] as? String ?? ""] = Group(
                lag: lag, liveMembers: members.count,
                memberPartitions: members.reduce(0) { $0 + (($1["partitions"] as? [String])?.count ?? 0) })
        }
        self.groups = groups
    }

    func group(_ worker: String) -> Group? { groups[worker] }
}
