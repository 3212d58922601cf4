import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Named queries for `hotline calendar replan`: the open clocks counted on provisional
/// days, and the recounts written back a batch at a time (one statement per table).
public enum ClockReplanStore {
    /// Up to `limit` open provisional clocks after `afterID`, locked against the deadline sweep.
    public static func provisional(afterID: Int64, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [CountedClock] {
        let rows = try await connection.query(
            """
            SELECT k.id, k.case_id, c.case_number, c.policy_id, c.policy_version, k.round, k.obligation, k.unit_id,
                   coalesce(k.counted_from, k.started_at), k.due_limit, k.due_at, k.warn_at, k.warned_at, k.overdue_at, k.calendar_basis
            FROM case_clocks k JOIN cases c ON c.id = k.case_id
            WHERE k.state = 'open' AND k.provisional AND k.id > \(afterID)
            ORDER BY k.id
            LIMIT \(Int32(limit))
            FOR UPDATE OF k
            """, logger: logger)
        var clocks: [CountedClock] = []
        for try await row in rows.decode((Int64, UUID, String, String, String, Int32, String, String?, Date, String?, Date, Date?, Date?, Date?, String).self) {
            guard let obligation = Obligation(rawValue: row.6) else { continue }
            clocks.append(CountedClock(
                id: row.0, caseID: row.1, caseNumber: row.2, policy: .init(id: row.3, version: row.4), round: Int(row.5),
                obligation: obligation, unitID: row.7, countedFrom: row.8, limit: row.9.flatMap(TimeLimit.init(storageText:)),
                dueAt: row.10, warnAt: row.11, warnedAt: row.12, overdueAt: row.13, basis: row.14))
        }
        return clocks
    }

    /// Open clocks counted on provisional days (`/metrics`).
    public static func openProvisionalCount(client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await client.query("SELECT count(*) FROM case_clocks WHERE state = 'open' AND provisional", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Writes a batch of recounts: the clocks, the cases' handling deadlines and the open
    /// callback tasks that followed the old instant, and one history row per case. Instants travel as epoch seconds,
    /// NaN for none, since the driver binds no arrays of optional values.
    public static func record(_ recounts: [ClockRecount], at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        if recounts.isEmpty { return }
        func seconds(_ date: Date?) -> Double { date?.timeIntervalSince1970 ?? .nan }
        try await connection.query(
            """
            UPDATE case_clocks k
            SET due_at = to_timestamp(r.due), warn_at = to_timestamp(nullif(r.warn, 'NaN')),
                next_fire_at = to_timestamp(nullif(r.next, 'NaN')), calendar_basis = r.basis, provisional = r.provisional
            FROM unnest(\(recounts.map(\.clock.id))::bigint[], \(recounts.map { seconds($0.dueAt) })::float8[],
                        \(recounts.map { seconds($0.warnAt) })::float8[], \(recounts.map { seconds($0.nextFireAt) })::float8[],
                        \(recounts.map(\.basis.description))::text[], \(recounts.map(\.basis.isProvisional))::boolean[])
                 AS r(id, due, warn, next, basis, provisional)
            WHERE k.id = r.id
            """, logger: logger)
        let handling = recounts.filter { $0.clock.obligation == .handling && $0.moved }
        if !handling.isEmpty {
            try await connection.query(
                """
                UPDATE cases c SET handling_due = to_timestamp(h.due)
                FROM unnest(\(handling.map(\.clock.caseID))::uuid[], \(handling.map { Int32($0.clock.round) })::integer[],
                            \(handling.map { seconds($0.clock.dueAt) })::float8[], \(handling.map { seconds($0.dueAt) })::float8[])
                     AS h(case_id, round, previous, due)
                WHERE c.id = h.case_id AND c.round = h.round AND c.handling_due = to_timestamp(h.previous)
                """, logger: logger)
        }
        // The open callback task keeps the due instant its clock has.
        let callbacks = recounts.filter { $0.clock.obligation == .callback && $0.moved }
        if !callbacks.isEmpty {
            try await connection.query(
                """
                UPDATE callback_tasks t SET due_at = to_timestamp(k.due)
                FROM unnest(\(callbacks.map(\.clock.caseID))::uuid[], \(callbacks.map { Int32($0.clock.round) })::integer[],
                            \(callbacks.map { seconds($0.clock.dueAt) })::float8[], \(callbacks.map { seconds($0.dueAt) })::float8[])
                     AS k(case_id, round, previous, due)
                WHERE t.case_id = k.case_id AND t.round = k.round AND t.state = 'open' AND t.due_at = to_timestamp(k.previous)
                """, logger: logger)
        }
        let byCase = Dictionary(grouping: recounts, by: \.clock.caseID).sorted { $0.key.uuidString < $1.key.uuidString }
        let details = try byCase.map { _, clocks in try historyDetail(clocks) }
        try await connection.query(
            """
            INSERT INTO case_history (case_id, at, actor, action, detail)
            SELECT h.case_id, \(now), 'calendar', 'deadline_replanned', h.detail::jsonb
            FROM unnest(\(byCase.map(\.key))::uuid[], \(details)::text[]) AS h(case_id, detail)
            """, logger: logger)
    }

    private static func historyDetail(_ recounts: [ClockRecount]) throws -> String {
        let clocks: [[String: Any]] = recounts.map { recount in
            [
                "clock_id": recount.clock.id, "obligation": recount.clock.obligation.rawValue,
                "previous_due_at": RFC3339.formatSeconds(recount.clock.dueAt), "due_at": RFC3339.formatSeconds(recount.dueAt),
                "previous_basis": recount.clock.basis, "calendar_basis": recount.basis.description,
                "provisional": recount.basis.isProvisional,
            ]
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: ["clocks": clocks], options: [.sortedKeys]), as: UTF8.self)
    }
}
