import Foundation
import HotlineDomain
import HotlineWorkers
import PostgresNIO

/// Builds unit and centre actions as a unit's system or the centre's console would publish them.
enum Actions {
    static func unit(_ type: String, case caseID: String, unit: String, id: String, _ fields: [String: JSONValue] = [:]) -> FixtureLine {
        var value: [String: JSONValue] = [
            "schema_version": .integer(1), "event_id": .string(id), "type": .string(type), "case_id": .string(caseID),
            "unit_id": .string(unit), "staff_id": .string("staff-\(unit)"), "occurred_at": .string("2026-10-09T10:00:00+08:00"),
        ]
        value.merge(fields) { $1 }
        return FixtureLine(key: caseID, value: .object(value))
    }

    static func centre(_ type: String, case caseID: String, id: String, _ fields: [String: JSONValue] = [:]) -> FixtureLine {
        var value: [String: JSONValue] = [
            "schema_version": .integer(1), "event_id": .string(id), "type": .string(type), "case_id": .string(caseID),
            "staff_id": .string("dispatcher-01"), "occurred_at": .string("2026-10-09T10:00:00+08:00"),
            "reason": .string("中心审核意见"),
        ]
        value.merge(fields) { $1 }
        return FixtureLine(key: caseID, value: .object(value))
    }

    static func result(_ outcome: String = "resolved") -> [String: JSONValue] {
        ["result": .object([
            "handled_by": .string("城管执法中队 王某"), "handled_at": .string("2026-10-12T15:00:00+08:00"),
            "action_taken": .string("已现场查看并修复破损路面"), "outcome": .string(outcome),
        ])]
    }
}

/// A dispatched case as the tests follow it.
struct TrackedCase {
    var id: String
    var number: String
    var lead: String
}

extension TestStack {
    /// Every lifecycle worker under the shared simulated clock, set to `start`.
    func startLifecycle(policy: String, at start: String, extraEnvironment: [String: String] = [:]) throws {
        try run(["clock", "set", start])
        let environment = ["HOTLINE_CLOCK": "simulated", "HOTLINE_POLICY": policy]
            .merging(extraEnvironment) { $1 }
        for worker in ["intake", "dispatch", "deadlines", "supervision", "relay"] {
            try startWorker(worker, extraEnvironment: environment)
        }
    }

    func setClock(_ instant: String) throws {
        try run(["clock", "set", instant])
    }

    /// Publishes appeals and waits until each is dispatched; returns them in order.
    func dispatchedCases(_ appeals: [FixtureLine]) async throws -> [TrackedCase] {
        try publish(appeals)
        try await waitForPipeline(messages: appeals.count)
        let rows = try await client.query(
            """
            SELECT c.id::text, c.case_number, a.unit_id FROM cases c
            JOIN assignments a ON a.case_id = c.id AND a.current AND a.role = 'lead' ORDER BY c.external_id
            """, logger: logger)
        var cases: [TrackedCase] = []
        for try await (id, number, lead) in rows.decode((String, String, String).self) {
            cases.append(TrackedCase(id: id, number: number, lead: lead))
        }
        return cases
    }

    /// Publishes actions and waits until the dispatch worker has applied or refused each.
    func act(_ lines: [FixtureLine], topic: String) async throws {
        try publish(lines, topic: topic)
        let ids = lines.compactMap { line -> String? in
            if case let .object(fields)? = line.value, case let .string(id)? = fields["event_id"] { return id }
            return nil
        }
        try await waitUntil(timeout: .seconds(60), "\(ids.count) actions are applied") {
            let done = try await count("SELECT count(*) FROM processed_events WHERE consumer = 'dispatch' AND event_id = ANY(\(ids))")
            let outbox = try await count("SELECT count(*) FROM outbox")
            return done == ids.count && outbox == 0
        }
    }

    func unitActs(_ lines: [FixtureLine]) async throws { try await act(lines, topic: "hotline.unit-actions.v1") }

    /// Each lead signs and submits a result, and the centre approves it: the cases are resolved and called back.
    func resolve(_ cases: [TrackedCase]) async throws {
        try await unitActs(cases.flatMap { order in [
            Actions.unit("sign", case: order.id, unit: order.lead, id: "ua-sign-\(order.number)"),
            Actions.unit("submit_result", case: order.id, unit: order.lead, id: "ua-res-\(order.number)", Actions.result()),
        ] })
        try await centreActs(cases.map { Actions.centre("approve_result", case: $0.id, id: "ca-res-\($0.number)") })
    }
    func centreActs(_ lines: [FixtureLine]) async throws { try await act(lines, topic: "hotline.centre-actions.v1") }

    /// The case's status and handling deadline (RFC 3339 in China time).
    func state(_ tracked: TrackedCase) async throws -> (status: String, handlingDue: String?) {
        let rows = try await client.query(
            "SELECT status, handling_due FROM cases WHERE id = \(UUID(uuidString: tracked.id)!)", logger: logger)
        for try await (status, due) in rows.decode((String, Date?).self) {
            return (status, due.map(RFC3339.formatSeconds))
        }
        throw StackError("case \(tracked.id) not found")
    }

    /// Outcomes published so far, by action event id: "accepted" or the refusal's reason code.
    func outcomes(expected: Int) async throws -> [String: String] {
        var result: [String: String] = [:]
        for message in try await readTopic("hotline.action-outcomes.v1", expected: expected) {
            guard let value = message.value,
                  let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                  let id = object["action_event_id"] as? String else { continue }
            result[id] = object["type"] as? String == "action.accepted" ? "accepted" : (object["reason_code"] as? String ?? "?")
        }
        return result
    }

    /// Escalation events so far as "type trigger level-code" strings, for one case.
    func escalations(of tracked: TrackedCase, expected: Int) async throws -> [String] {
        try await readTopic("hotline.escalations.v1", expected: expected).compactMap { message in
            guard let value = message.value,
                  let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                  object["case_id"] as? String == tracked.id,
                  let level = object["level"] as? [String: Any] else { return nil }
            return "\(object["type"] ?? "") \(object["trigger"] ?? "") \(level["code"] ?? "")"
        }
    }
}

/// The shipped policies and calendars, read as the workers read them.
enum PolicyFileReader {
    static func policy(_ id: String, root: String) throws -> Policy {
        try PolicyLoader.load(id: id, directory: root + "/Ops/policies")
    }

    static func calendar(_ name: String, root: String) throws -> WorkingDayCalendar {
        try CalendarLoader.load(name: name, directory: root + "/Ops/calendars")
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
