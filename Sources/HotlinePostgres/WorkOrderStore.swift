import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A case's appeal as a work order is drawn from it, sealed at rest under the case's data
/// key: the worker opens subject and content into `appeal` and the caller only where the
/// order is sealed to its unit.
public struct StoredAppeal: Sendable, Equatable {
    public var appeal: WorkOrderAppeal
    public var sealed: SealedCase

    public init(appeal: WorkOrderAppeal, sealed: SealedCase) {
        self.appeal = appeal
        self.sealed = sealed
    }
}

/// An order published without its sealed content because its unit had no sealing key,
/// kept until the centre reissues it (`hotline units reissue`).
public struct WithheldWorkOrder: Sendable, Equatable {
    public var eventID: UUID
    public var caseID: UUID
    public var unitID: String
    public var round: Int
    public var reason: String
    /// The order as published, in clear (codes and ids, no personal data).
    public var orderJSON: String
    public var withheldAt: Date

    public init(eventID: UUID, caseID: UUID, unitID: String, round: Int, reason: String, orderJSON: String, withheldAt: Date) {
        self.eventID = eventID
        self.caseID = caseID
        self.unitID = unitID
        self.round = round
        self.reason = reason
        self.orderJSON = orderJSON
        self.withheldAt = withheldAt
    }
}

/// Named queries of the work orders (migration 0025): what an order is drawn from, and the
/// orders withheld for want of a sealing key.
public enum WorkOrderStore {
    /// The appeals of these cases, their subject and content still sealed.
    public static func appeals(of caseIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: StoredAppeal] {
        guard !caseIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT c.area_code, c.confidential, \(unescaped: SealedCase.columns)
            FROM cases c WHERE c.id = ANY(\(caseIDs))
            """, logger: logger)
        var appeals: [UUID: StoredAppeal] = [:]
        for try await row in rows {
            let (area, confidential) = try row.decode((String?, Bool).self)
            let sealed = try SealedCase.decode(row)
            appeals[sealed.caseID] = StoredAppeal(
                appeal: WorkOrderAppeal(subject: nil, content: "", areaCode: area, confidential: confidential), sealed: sealed)
        }
        return appeals
    }

    /// Each round's lead unit with its last submitted result (长沙 第二十二条) and the citizen's
    /// final rating of it, oldest round first. A result belongs to the round of the latest
    /// dispatching history entry before it.
    public static func roundReports(of caseIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: [StoredRoundReport]] {
        guard !caseIDs.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            WITH results AS (
                SELECT DISTINCT ON (h.case_id, r.round) h.case_id, r.round, h.detail
                FROM case_history h
                CROSS JOIN LATERAL (
                    SELECT max((d.detail->>'round')::int) AS round FROM case_history d
                    WHERE d.case_id = h.case_id AND d.id < h.id AND d.detail ? 'round'
                      AND d.action IN ('dispatched', 'redispatch', 'approve_return', 'reopen')) r
                WHERE h.case_id = ANY(\(caseIDs)) AND h.action = 'submit_result'
                ORDER BY h.case_id, r.round, h.id DESC
            )
            SELECT a.case_id, a.round, a.unit_id, res.detail->>'outcome', res.detail->>'handled_at', res.detail->>'handled_by',
                   \(unescaped: StoredHistoryText.columns(HistoryFreeText.reason, of: "res")),
                   (SELECT t.rating FROM callback_tasks t WHERE t.case_id = a.case_id AND t.round = a.round AND t.state = 'rated'
                    ORDER BY t.attempt DESC LIMIT 1)
            FROM assignments a LEFT JOIN results res ON res.case_id = a.case_id AND res.round = a.round
            WHERE a.case_id = ANY(\(caseIDs)) AND a.role = 'lead'
            ORDER BY a.case_id, a.round, a.id
            """, logger: logger)
        var reports: [UUID: [StoredRoundReport]] = [:]
        for try await (caseID, round, unit, outcome, handledAt, handledBy, actionTaken, sealed, keyID, rating) in rows.decode(
            (UUID, Int32, String, String?, String?, String?, String?, String?, String?, String?).self)
        {
            reports[caseID, default: []].append(StoredRoundReport(
                report: RoundReport(
                    round: Int(round), unitID: unit, outcome: outcome.flatMap(ResultReport.Outcome.init),
                    handledAt: handledAt.flatMap(RFC3339.parse), handledBy: handledBy, actionTaken: nil, rating: rating.flatMap(CallbackRating.init)),
                actionTaken: StoredHistoryText(clear: actionTaken, sealed: sealed, keyID: keyID)))
        }
        return reports
    }

    /// Keeps the batch's withheld orders.
    public static func recordWithheld(_ orders: [WithheldWorkOrder], on connection: PostgresConnection, logger: Logger) async throws {
        guard !orders.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO work_orders_withheld (event_id, case_id, unit_id, round, reason, order_json, withheld_at)
            SELECT e, c, u, r, why, o::jsonb, at
            FROM unnest(\(orders.map(\.eventID))::uuid[], \(orders.map(\.caseID))::uuid[], \(orders.map(\.unitID))::text[],
                        \(orders.map { Int32($0.round) })::int4[], \(orders.map(\.reason))::text[], \(orders.map(\.orderJSON))::text[],
                        \(orders.map(\.withheldAt))::timestamptz[]) AS w(e, c, u, r, why, o, at)
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
    }

    /// Withheld orders not yet settled, oldest first, locked for the transaction that
    /// reissues them; `unitID` narrows them to one unit.
    public static func lockOpenWithheld(unitID: String?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [WithheldWorkOrder] {
        let rows = try await connection.query(
            """
            SELECT event_id, case_id, unit_id, round, reason, order_json::text, withheld_at FROM work_orders_withheld
            WHERE settled_at IS NULL AND (\(unitID)::text IS NULL OR unit_id = \(unitID))
            ORDER BY withheld_at, event_id LIMIT \(Int32(limit))
            FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var orders: [WithheldWorkOrder] = []
        for try await (eventID, caseID, unit, round, reason, json, at) in rows.decode((UUID, UUID, String, Int32, String, String, Date).self) {
            orders.append(WithheldWorkOrder(eventID: eventID, caseID: caseID, unitID: unit, round: Int(round), reason: reason, orderJSON: json, withheldAt: at))
        }
        return orders
    }

    /// Which of these (case, round, unit) still stand: the unit holds the case in that round now.
    public static func stillAssigned(_ orders: [WithheldWorkOrder], on connection: PostgresConnection, logger: Logger) async throws -> Set<UUID> {
        guard !orders.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT w.e FROM unnest(\(orders.map(\.eventID))::uuid[], \(orders.map(\.caseID))::uuid[], \(orders.map(\.unitID))::text[],
                                   \(orders.map { Int32($0.round) })::int4[]) AS w(e, c, u, r)
            WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = w.c AND a.unit_id = w.u AND a.round = w.r AND a.current)
            """, logger: logger)
        var standing: Set<UUID> = []
        for try await (id,) in rows.decode((UUID,).self) { standing.insert(id) }
        return standing
    }

    /// Settles withheld orders: reissued as a new order, or superseded (the unit no longer holds that round).
    public static func settle(_ settled: [(eventID: UUID, reissuedAs: UUID?)], at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard !settled.isEmpty else { return }
        try await connection.query(
            """
            UPDATE work_orders_withheld w SET settled_at = \(now), reissued_as = s.r
            FROM unnest(\(settled.map(\.eventID))::uuid[], \(NullableArray(settled.map(\.reissuedAs)))) AS s(e, r)
            WHERE w.event_id = s.e
            """, logger: logger)
    }

    /// Withheld orders not yet settled, per unit: what `hotline status` shows the centre.
    public static func openWithheldByUnit(client: PostgresClient, logger: Logger) async throws -> [(unitID: String, orders: Int)] {
        let rows = try await client.query(
            """
            SELECT unit_id, count(*) FROM work_orders_withheld WHERE settled_at IS NULL GROUP BY unit_id ORDER BY unit_id
            """, logger: logger)
        var result: [(unitID: String, orders: Int)] = []
        for try await (unit, count) in rows.decode((String, Int64).self) { result.append((unit, Int(count))) }
        return result
    }
}

/// A round's report as stored: the unit's action taken still sealed in its history row.
public struct StoredRoundReport: Sendable, Equatable {
    public var report: RoundReport
    public var actionTaken: StoredHistoryText?
}
