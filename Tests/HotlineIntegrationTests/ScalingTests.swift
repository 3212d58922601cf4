import Foundation
import Testing

/// Scaling the dispatch worker under load (Ops/RUNBOOK.md "Scale a worker", "Stop one
/// safely"): a second and a third instance join while cases flow, one leaves on SIGTERM
/// and exits 0, one is killed -9 while cases flow; a second wave is then taken by the
/// survivor on all partitions, and every case ends dispatched once, with one current lead;
/// `hotline status` then shows the group's lag back at zero.
@Suite(.serialized)
struct ScalingTests {
    @Test func dispatchScalesOutAndSurvivesLosingInstancesUnderLoad() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "relay"] { try stack.startWorker(worker) }
            try stack.startWorker("dispatch", id: "dispatch-1")
            try stack.publish((1...300).map { IntakeEvents.appeal(1000 + $0) })
            try stack.startWorker("dispatch", id: "dispatch-2")
            try stack.startWorker("dispatch", id: "dispatch-3")
            // Each instance's log, not committed rows: on a loaded machine a batch can take a
            // minute to commit while every instance is visibly applying cases.
            try await stack.waitUntil(timeout: .seconds(180), "the three instances are dispatching") {
                ["dispatch-1", "dispatch-2", "dispatch-3"].allSatisfy { id in
                    let log = try? String(contentsOf: stack.directory.appendingPathComponent("\(id).log"), encoding: .utf8)
                    return log?.contains("dispatched a case") ?? false
                }
            }
            let joined = try String(contentsOf: stack.directory.appendingPathComponent("dispatch-2.log"), encoding: .utf8)
            #expect(joined.contains("partitions assigned"), "the group rebalanced to the new instance")
            #expect(stack.terminate("dispatch-2") == 0, "SIGTERM under load: finish or roll back the batch, exit 0")
            stack.kill9("dispatch-3")
            // A second wave after the losses: only the survivor can take it, on every partition.
            try stack.publish((301...500).map { IntakeEvents.appeal(1000 + $0) })
            try await stack.waitForPipeline(messages: 500, timeout: .seconds(180))

            let cases = try await stack.count("SELECT count(*) FROM cases")
            #expect(cases > 0)
            #expect(try await stack.count(
                "SELECT count(*) FROM cases c WHERE (SELECT count(*) FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead') <> 1 AND c.status <> 'awaiting_manual_dispatch'") == 0,
                "every dispatched case has exactly one current lead")
            #expect(try await stack.count(
                "SELECT count(*) FROM (SELECT case_id FROM case_history WHERE action = 'dispatched' GROUP BY case_id HAVING count(*) > 1) AS twice") == 0,
                "no case was dispatched twice")
            #expect(try await stack.count(
                "SELECT count(*) FROM case_history WHERE action IN ('dispatched', 'queued_for_manual_dispatch')") == cases,
                "every accepted case was handled once by some instance")
            #expect(try await stack.count("SELECT count(*) FROM dead_letters") == 0)

            // The group's lag returns to zero: the survivor committed every partition,
            // including those the killed instance held.
            try await stack.waitUntil("hotline status shows the dispatch group caught up") {
                let result = try stack.run(["status", "--format", "json"], expectSuccess: false)
                guard let status = try? Status(result.stdout) else { return false }
                return status.group("dispatch")?.lag == 0 && status.group("dispatch")?.memberPartitions == 30
            }
        }
    }
}
