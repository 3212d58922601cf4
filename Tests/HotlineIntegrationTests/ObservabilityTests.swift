import Foundation
import Testing

/// The alert rules (`Ops/deploy/prometheus/hotline-alerts.yaml`) and the Grafana dashboard
/// (`Ops/deploy/grafana/hotline.json`) name only series the workers and the progress lookup
/// really export, read from the `/metrics` of all six workers at work and the lookup's; and `Ops/tools/check_observability.py` refuses a
/// malformed rules file or dashboard, naming the file and the rule or panel.
@Suite(.serialized)
struct ObservabilityTests {
    static let workers = ["intake", "dispatch", "deadlines", "supervision", "callbacks", "relay"]

    @Test func rulesAndDashboardNameOnlySeriesTheWorkersExport() async throws {
        try await TestStack.with { stack in
            var ports: [String: Int] = [:]
            for worker in Self.workers {
                ports[worker] = try OperationsTests().freePort(stack)
                try stack.startWorker(worker, extraEnvironment: ["HOTLINE_HTTP_PORT": "\(ports[worker]!)"])
            }
            let lookupPort = try OperationsTests().freePort(stack)
            try stack.startLookup(port: lookupPort)
            try stack.publish((1...20).map { IntakeEvents.appeal($0) } + [FixtureLine(key: "bad", value: .string("not an object"))])
            try await stack.waitForPipeline(messages: 21)

            // Some series appear only once their event happened (a relay delivery, a sweep
            // run, a lag report): scrape until the check passes, or report its last findings.
            let exported = stack.directory.appendingPathComponent("exported-metrics.txt")
            var findings = ""
            var metrics = ""
            do {
                try await stack.waitUntil(timeout: .seconds(60), "the rules and panels name only exported series", pollEvery: .seconds(2)) {
                    metrics = try (Self.workers.map { ports[$0]! } + [lookupPort])
                        .map { try stack.runTool("/usr/bin/curl", ["-sf", "http://127.0.0.1:\($0)/metrics"]) }.joined()
                    try Data(metrics.utf8).write(to: exported)
                    let check = try ProgramResult.run(
                        "/usr/bin/python3", ["Ops/tools/check_observability.py", stack.values.root, "--exported", exported.path],
                        directory: stack.values.root)
                    findings = check.output.split(separator: "\n").filter { !$0.hasPrefix("PASS ") }.joined(separator: "\n")
                    return check.status == 0
                }
            } catch {
                Issue.record("\(error): \(findings)")
            }

            // The series added for the alerts and the dashboard: a receipt per appeal, counted
            // once after its commit; every worker ready and with its start time.
            let receipts = metrics.split(separator: "\n").filter { $0.hasPrefix("hotline_intake_receipts_total{") }
            let counted: [Double] = receipts.compactMap { line in line.split(separator: " ").last.flatMap { Double($0) } }
            #expect(counted.reduce(0, +) == 20, "\(receipts)")
            for worker in Self.workers {
                #expect(metrics.contains(#"hotline_ready{worker="\#(worker)"} 1"#), "\(worker) is ready")
                #expect(metrics.contains(#"hotline_process_start_time_seconds{worker="\#(worker)"}"#))
            }
            #expect(metrics.contains(#"hotline_batch_failures_total{worker="dispatch",kind="poison"} 0"#), "failure counters start at 0")
        }
    }

    @Test func theCheckNamesAMalformedRulesFileOrDashboard() throws {
        let values = try TestEnvironment.require()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("observability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func check(_ option: String, _ file: URL) throws -> ProgramResult {
            try ProgramResult.run("/usr/bin/python3", ["Ops/tools/check_observability.py", values.root, option, file.path], directory: values.root)
        }

        let rules = directory.appendingPathComponent("unclosed.yaml")
        try Data("groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(rate(hotline_ready[5m])\n".utf8).write(to: rules)
        let refusedRules = try check("--rules", rules)
        #expect(refusedRules.status == 1)
        #expect(refusedRules.output.contains("FAIL \(rules.path): promtool check rules"), "\(refusedRules.output)")
        #expect(refusedRules.output.contains(#""Broken": could not parse expression"#) && refusedRules.output.contains("unclosed left parenthesis"))

        let shipped = URL(fileURLWithPath: values.root).appendingPathComponent("Ops/deploy/grafana/hotline.json")
        var dashboard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: shipped)) as? [String: Any])
        var panels = try #require(dashboard["panels"] as? [[String: Any]])
        let index = try #require(panels.firstIndex { $0["type"] as? String != "row" })
        var targets = try #require(panels[index]["targets"] as? [[String: Any]])
        targets[0]["expr"] = "sum(rate(hotline_no_such_series[5m])"
        panels[index]["targets"] = targets
        dashboard["panels"] = panels
        let unknownSeries = directory.appendingPathComponent("unknown-series.json")
        try JSONSerialization.data(withJSONObject: dashboard).write(to: unknownSeries)
        let refusedPanel = try check("--dashboard", unknownSeries)
        let panel = #"panel \#(panels[index]["id"]!) "\#(panels[index]["title"]!)""#
        #expect(refusedPanel.status == 1)
        #expect(refusedPanel.output.contains("FAIL \(unknownSeries.path): \(panel) query A names only series WorkerMetrics.swift declares (not: hotline_no_such_series)"),
                "\(refusedPanel.output)")
        #expect(refusedPanel.output.contains(#"group "\#(panel.replacingOccurrences(of: "\"", with: "\\\"")) query A""#) && refusedPanel.output.contains("unclosed left parenthesis"),
                "the PromQL error names the panel")

        let truncated = directory.appendingPathComponent("truncated.json")
        try Data(#"{"panels": ["#.utf8).write(to: truncated)
        let refusedJSON = try check("--dashboard", truncated)
        #expect(refusedJSON.status == 1)
        #expect(refusedJSON.output.contains("FAIL \(truncated.path): not a JSON dashboard: Expecting value: line 1 column 13"), "\(refusedJSON.output)")
    }
}
