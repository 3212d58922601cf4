import Foundation
import HotlineDomain
import Testing

/// Unit and centre actions, deadlines and supervision through the real workers,
/// PostgreSQL and the dev broker, each test on a stack and simulated clock of its own, so
/// they run side by side (`StackGate` bounds how many stacks run at once).
@Suite
struct LifecycleTests {
    /// 长沙: a 咨询 signed on Friday 2026-10-09 is due 3 working days later (第十九条（一）;
    /// Saturday 10-10 is a 调休 working day); a return asked 3 working days after
    /// signing is refused (第十七条（二）: 2 working days); a second extension is refused
    /// (第二十条: once); a wrong unit, a wrong state and a malformed action are refused
    /// with the case untouched.
    @Test func changshaUnitAndCentreActions() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-09T09:00:00+08:00")
            let cases = try await stack.dispatchedCases([
                IntakeEvents.appeal(1, category: "consultation"), IntakeEvents.appeal(2, category: "complaint"),
            ])
            try #require(cases.count == 2)
            let (consultation, complaint) = (cases[0], cases[1])
            #expect(try await stack.state(consultation).status == "dispatched")

            try stack.setClock("2026-10-09T10:00:00+08:00")
            try await stack.unitActs([
                Actions.unit("sign", case: consultation.id, unit: consultation.lead, id: "ua-sign-0001"),
                Actions.unit("sign", case: complaint.id, unit: complaint.lead, id: "ua-sign-0002"),
                // Another unit of the directory, signing as itself: it does not hold the order.
                Actions.unit("sign", case: consultation.id, unit: consultation.lead == "city-eco" ? "city-urban" : "city-eco", id: "ua-sign-0003"),
                Actions.unit("sign", case: consultation.id, unit: consultation.lead, id: "ua-sign-0004"),
            ])
            #expect(try await stack.state(consultation) == ("signed", "2026-10-13T23:59:59+08:00"))
            #expect(try await stack.state(complaint).handlingDue == "2026-10-22T23:59:59+08:00")

            try await stack.unitActs([
                Actions.unit("request_extension", case: complaint.id, unit: complaint.lead, id: "ua-ext-0001",
                             ["reason": "需协调多个部门现场勘查", "until": "2026-10-30"]),
            ])
            #expect(try await stack.state(complaint).status == "extension_requested")
            try await stack.centreActs([Actions.centre("approve_extension", case: complaint.id, id: "ca-ext-0001")])
            #expect(try await stack.state(complaint) == ("signed", "2026-10-30T23:59:59+08:00"))
            try await stack.unitActs([
                Actions.unit("request_extension", case: complaint.id, unit: complaint.lead, id: "ua-ext-0002",
                             ["reason": "仍需时间", "until": "2026-11-04"]),
                Actions.unit("request_return", case: complaint.id, unit: complaint.lead, id: "ua-bad-0001", [:]),
            ])
            #expect(try await stack.state(complaint) == ("signed", "2026-10-30T23:59:59+08:00"))

            try stack.setClock("2026-10-13T09:00:00+08:00")
            try await stack.unitActs([
                Actions.unit("request_return", case: consultation.id, unit: consultation.lead, id: "ua-ret-0001",
                             ["reason": "不属于本单位职责"]),
                Actions.unit("submit_result", case: consultation.id, unit: consultation.lead, id: "ua-res-0001", Actions.result()),
            ])
            #expect(try await stack.state(consultation).status == "result_submitted")
            try await stack.centreActs([Actions.centre("approve_result", case: consultation.id, id: "ca-res-0001")])
            #expect(try await stack.state(consultation).status == "resolved")

            let outcomes = try await stack.outcomes(expected: 11)
            #expect(outcomes["ua-sign-0001"] == "accepted")
            #expect(outcomes["ua-sign-0003"] == "not_assigned_unit")
            #expect(outcomes["ua-sign-0004"] == "wrong_state")
            #expect(outcomes["ca-ext-0001"] == "accepted")
            #expect(outcomes["ua-ext-0002"] == "limit_reached")
            #expect(outcomes["ua-bad-0001"] == "malformed")
            #expect(outcomes["ua-ret-0001"] == "window_closed")
            #expect(outcomes["ca-res-0001"] == "accepted")
            #expect(try await stack.count("SELECT count(*) FROM dead_letters WHERE topic = 'hotline.unit-actions.v1'") == 1)
            #expect(try await stack.count("SELECT count(*) FROM case_clocks WHERE state = 'open' AND case_id = \(UUID(uuidString: consultation.id)!)") == 0)
        }
    }

    /// An order not signed in time warns once, runs out once (two deadline
    /// sweepers racing), opens a 督办 at 电话催办, climbs to 发函督办 after a working
    /// day, and closes when the unit finally signs (长沙 第十七条, 第三十四条).
    @Test func unsignedOrderWarnsRunsOutAndEscalates() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-09T09:00:00+08:00")
            try stack.startWorker("deadlines", id: "deadlines-2", extraEnvironment: [
                "HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020",
            ])
            let cases = try await stack.dispatchedCases([IntakeEvents.appeal(3, category: "complaint")])
            let order = try #require(cases.first)
            let caseID = UUID(uuidString: order.id)!

            try stack.setClock("2026-10-10T08:00:00+08:00")
            try await stack.waitUntil("the sign clock warned") {
                try await stack.count("SELECT count(*) FROM case_clocks WHERE case_id = \(caseID) AND obligation = 'sign' AND warned_at IS NOT NULL") == 1
            }
            try stack.setClock("2026-10-11T08:00:00+08:00")
            try await stack.waitUntil("a not_signed supervision is open") {
                try await stack.count("SELECT count(*) FROM supervisions WHERE case_id = \(caseID) AND trigger = 'not_signed' AND level_code = 'reminder'") == 1
            }
            try stack.setClock("2026-10-13T08:00:00+08:00")
            try await stack.waitUntil("the supervision climbed") {
                try await stack.count("SELECT count(*) FROM supervisions WHERE case_id = \(caseID) AND level_code = 'supervision_letter'") == 1
            }
            try await stack.unitActs([Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-late-sign")])
            try await stack.waitUntil("the supervision closed") {
                try await stack.count("SELECT count(*) FROM supervisions WHERE case_id = \(caseID) AND closed_at IS NOT NULL AND close_reason = 'signed'") == 1
            }

            let deadlineEvents = try await stack.readTopic("hotline.cases.v1", expected: 5).compactMap { message -> String? in
                guard let value = message.value,
                      let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      let type = object["type"] as? String, type.hasPrefix("deadline.") else { return nil }
                return "\(type) \(object["obligation"] ?? "")"
            }
            #expect(deadlineEvents.filter { $0 == "deadline.warning sign" }.count == 1)
            #expect(deadlineEvents.filter { $0 == "deadline.overdue sign" }.count == 1)
            let escalations = try await stack.escalations(of: order, expected: 3)
            #expect(escalations == [
                "supervision.opened not_signed reminder", "supervision.climbed not_signed supervision_letter",
                "supervision.closed not_signed supervision_letter",
            ])
        }
    }

    /// On the simulated clock a sweep wakes when the clock is set, not at its next interval
    /// (`SimulatedClockListener`): with the interval at ten minutes, the sign clock still runs
    /// out and the 督办 still climbs within seconds of each jump (长沙 第十七条, 第三十四条).
    @Test func sweepsWakeWhenTheSimulatedClockIsSet() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(
                policy: "changsha-2020", at: "2026-10-09T09:00:00+08:00", extraEnvironment: ["HOTLINE_SWEEP_INTERVAL_MS": "600000"])
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(5, category: "complaint")]).first)
            let caseID = UUID(uuidString: order.id)!

            try stack.setClock("2026-10-13T08:00:00+08:00")
            try await stack.waitUntil(timeout: .seconds(30), "the deadline sweep woke and the sign clock ran out") {
                try await stack.count("SELECT count(*) FROM supervisions WHERE case_id = \(caseID) AND trigger = 'not_signed' AND level_code = 'reminder'") == 1
            }
            try stack.setClock("2026-10-15T08:00:00+08:00")
            try await stack.waitUntil(timeout: .seconds(30), "the ladder sweep woke and the supervision climbed") {
                try await stack.count("SELECT count(*) FROM supervisions WHERE case_id = \(caseID) AND level_code = 'supervision_letter'") == 1
            }
        }
    }

    /// Two deadline sweepers claim small batches of the same due clocks; one is killed
    /// (SIGKILL) while they are announcing. Each clock is still announced exactly once:
    /// a killed sweep's claim, its announcements and its outbox rows roll back together
    /// and the survivor takes them (长沙 第十七条: signing by the next working day).
    @Test func deadlinesAreAnnouncedOnceWhenASweeperIsKilledMidSweep() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-09T09:00:00+08:00")
            _ = stack.terminate("deadlines")
            let sweeper = ["HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": "changsha-2020", "HOTLINE_SWEEP_INTERVAL_MS": "50", "HOTLINE_BATCH_SIZE": "2"]
            try stack.startWorker("deadlines", id: "deadlines-a", extraEnvironment: sweeper)
            try stack.startWorker("deadlines", id: "deadlines-b", extraEnvironment: sweeper)
            let orders = try await stack.dispatchedCases((101...160).map { IntakeEvents.appeal($0, category: "complaint") })
            #expect(orders.count == 60)

            // Signing was due by the end of the 调休 Saturday 10 October: every sign clock warns and runs out at once.
            try stack.setClock("2026-10-13T08:00:00+08:00")
            try await stack.waitUntil(timeout: .seconds(30), "the first clocks are announced") {
                try await stack.count("SELECT count(*) FROM case_clocks WHERE overdue_at IS NOT NULL") > 0
            }
            stack.kill9("deadlines-a")
            try await stack.waitUntil("every sign clock is announced") {
                try await stack.count("SELECT count(*) FROM case_clocks WHERE obligation = 'sign' AND overdue_at IS NOT NULL") == 60
            }

            let announced = try await stack.readTopic("hotline.cases.v1", expected: 60 * 4).compactMap { message -> String? in
                guard let value = message.value,
                      let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      let type = object["type"] as? String, type.hasPrefix("deadline."),
                      let caseID = object["case_id"] as? String else { return nil }
                return "\(caseID) \(type)"
            }
            let perCase = Dictionary(grouping: announced, by: { $0 })
            // The clock jumped past both the warning and the due instant: only "overdue" is said.
            #expect(Set(perCase.keys) == Set(orders.map { "\($0.id) deadline.overdue" }))
            #expect(perCase.values.allSatisfy { $0.count == 1 }, "announced twice: \(perCase.filter { $0.value.count > 1 }.keys.sorted().prefix(5))")
        }
    }

    /// Every preset: the handling deadline the workers set is the one `hotline deadline`
    /// prints for that regulation, and an extension beyond the preset's bound is refused;
    /// where the regulation has no extension (宜宾 第十一条（二）2（2）: a 承诺件 instead),
    /// every request is refused `not_provided`.
    @Test(arguments: ["bairin-left-banner", "ordos-2019", "lanxi-2010", "yibin-2007"])
    func presetHandlingDeadlineAndExtensionBound(policy: String) async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: policy, at: "2026-10-12T09:00:00+08:00")
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(4, category: "complaint")]).first)
            try stack.setClock("2026-10-12T10:00:00+08:00")
            try await stack.unitActs([Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-sign-p001")])
            let loaded = try PolicyFileReader.policy(policy, root: stack.values.root)
            let from = loaded.rule(for: .handling)?.from == "sign" ? "2026-10-12T10:00:00+08:00" : "2026-10-12T09:00:00+08:00"
            let expected = try stack.run([
                "deadline", "--policy", policy, "--obligation", "handling", "--category", "complaint", "--from", from,
            ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let state = try await stack.state(order)
            #expect(state.status == "signed")
            #expect(state.handlingDue == expected)

            if !loaded.lifecycle.extensions.allowed {
                try await stack.unitActs([
                    Actions.unit("request_extension", case: order.id, unit: order.lead, id: "ua-ext-p000",
                                 ["reason": "需要更多时间", "until": "2026-10-30"]),
                ])
                #expect(try await stack.outcomes(expected: 2)["ua-ext-p000"] == "not_provided")
                #expect(try await stack.state(order) == state)
                return
            }
            guard let bound = loaded.lifecycle.extensions.maxWorkingDays, let due = state.handlingDue.flatMap(RFC3339.parse) else { return }
            let calendar = try PolicyFileReader.calendar(loaded.calendar, root: stack.values.root)
            let tooLate = CalendarDate(containing: try calendar.due(from: due, limit: .workingDays(bound + 1)))
            try await stack.unitActs([
                Actions.unit("request_extension", case: order.id, unit: order.lead, id: "ua-ext-p001",
                             ["reason": "需要更多时间", "until": .string("\(tooLate)")]),
            ])
            #expect(try await stack.outcomes(expected: 2)["ua-ext-p001"] == "date_not_allowed")
            #expect(try await stack.state(order) == state)
        }
    }
}
