import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A case as the dispatch worker decides on it: its lifecycle state with the current
/// assignments, and what routing reads (category, area, the appeal's words, the channel).
public struct DispatchCase: Sendable, Equatable {
    public var lifecycle: LifecycleCase
    public var areaCode: String?
    /// Subject and content, for the routing rules; empty as loaded until the worker opens `sealed` into it.
    public var text: String
    public var channel: HotlineDomain.Channel
    /// The case's data key with its caller and appeal, as stored: routing opens the text, and
    /// what a unit or the centre writes into the history is sealed under the key.
    public var sealed: SealedCase

    public init(lifecycle: LifecycleCase, areaCode: String?, text: String, channel: HotlineDomain.Channel, sealed: SealedCase) {
        self.lifecycle = lifecycle
        self.areaCode = areaCode
        self.text = text
        self.channel = channel
        self.sealed = sealed
    }
}

/// A centre decision kept as the route of similar cases (长沙 第二十三条): same category and area.
public struct RoutingPrecedent: Sendable, Equatable {
    public struct Key: Sendable, Hashable {
        public var category: CategoryCode
        /// "" when the case named no area.
        public var areaCode: String

        public init(category: CategoryCode, areaCode: String?) {
            self.category = category
            self.areaCode = areaCode ?? ""
        }
    }

    public var key: Key
    public var lead: String
    public var coUnits: [String]
    public var basisCase: UUID
    public var decidedAt: Date

    public init(key: Key, lead: String, coUnits: [String], basisCase: UUID, decidedAt: Date) {
        self.key = key
        self.lead = lead
        self.coUnits = coUnits
        self.basisCase = basisCase
        self.decidedAt = decidedAt
    }
}

/// One unit's assignment to a round of a case.
public struct NewAssignment: Sendable, Equatable {
    public var caseID: UUID
    public var round: Int
    public var unit: HandlingUnit
    public var role: String
    public var ruleID: String
    public var at: Date
    /// False for a round the same batch already replaced.
    public var current: Bool

    public init(caseID: UUID, round: Int, unit: HandlingUnit, role: String, ruleID: String, at: Date, current: Bool) {
        self.caseID = caseID
        self.round = round
        self.unit = unit
        self.role = role
        self.ruleID = ruleID
        self.at = at
        self.current = current
    }
}

/// Where a case stands in the manual-dispatch queue after a batch.
public enum ManualQueueChange: Sendable, Equatable {
    case queued(reason: String, at: Date)
    case resolved(at: Date)
}

/// Named queries of the dispatch worker, one statement per table and batch.
public enum DispatchStore {
    /// The cases with their current assignments, locked for the rest of the transaction in
    /// one order (by id), so two batches lock shared cases without deadlocking. `NO KEY
    /// UPDATE`, the lock dispatch's own UPDATE takes (it never changes a case's id or number):
    /// `FOR UPDATE` also blocked the foreign-key checks of every row other workers add for
    /// these cases (history, supervisions, callback tasks) until dispatch's batch committed.
    public static func lockCases(_ ids: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: DispatchCase] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT c.id, c.case_number, c.policy_id, c.policy_version, c.status, c.category, c.urgent, c.round, c.dispatched_at,
                   c.signed_at, c.handling_due, c.extensions_this_round, c.requested_due, c.leader_assigned, c.media_exposed,
                   (SELECT t.rating FROM callback_tasks t WHERE t.case_id = c.id AND t.round = c.round AND t.state = 'rated'),
                   c.repeat_blocked, c.area_code, c.channel, c.interim_replies_this_round,
                   (SELECT a.unit_id FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead'),
                   coalesce((SELECT array_agg(a.unit_id ORDER BY a.id) FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'co'),
                            '{}'),
                   \(unescaped: SealedCase.columns)
            FROM cases c WHERE c.id = ANY(\(ids)) ORDER BY c.id
            FOR NO KEY UPDATE OF c
            """, logger: logger)
        var cases: [UUID: DispatchCase] = [:]
        for try await stored in rows {
            let row = try stored.decode(
                (UUID, String, String, String, String, String, Bool, Int32, Date?, Date?, Date?, Int32, Date?, Bool, Bool, String?, Bool,
                 String?, String, Int32, String?, [String]).self)
            guard let status = CaseStatus(rawValue: row.4), let category = CategoryCode(rawValue: row.5),
                  let channel = HotlineDomain.Channel(rawValue: row.18) else { continue }
            var lifecycle = LifecycleCase(
                id: row.0, caseNumber: row.1, policy: .init(id: row.2, version: row.3), status: status, category: category,
                urgent: row.6, source: CaseSource.of(channel: channel, leaderAssigned: row.13, mediaExposed: row.14),
                round: Int(row.7), leadUnitID: row.20, coUnitIDs: row.21, dispatchedAt: row.8, signedAt: row.9, handlingDue: row.10,
                extensionsThisRound: Int(row.11), requestedDue: row.12, leaderAssigned: row.13, mediaExposed: row.14,
                rating: row.15.flatMap(CallbackRating.init))
            lifecycle.repeatBlocked = row.16
            lifecycle.interimRepliesThisRound = Int(row.19)
            cases[row.0] = DispatchCase(lifecycle: lifecycle, areaCode: row.17, text: "", channel: channel, sealed: try SealedCase.decode(stored))
        }
        return cases
    }

    /// The centre's precedents for these categories and areas.
    public static func precedents(
        _ keys: [RoutingPrecedent.Key], on connection: PostgresConnection, logger: Logger
    ) async throws -> [RoutingPrecedent.Key: RoutingPrecedent] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT p.category, p.area_code, p.lead_unit_id, p.co_unit_ids, p.basis_case, p.decided_at
            FROM routing_precedents p
            JOIN unnest(\(unique.map(\.category.rawValue))::text[], \(unique.map(\.areaCode))::text[]) AS k(category, area_code)
              ON p.category = k.category AND p.area_code = k.area_code
            """, logger: logger)
        var result: [RoutingPrecedent.Key: RoutingPrecedent] = [:]
        for try await (category, area, lead, coUnits, basis, decidedAt) in rows.decode((String, String, String, [String], UUID, Date).self) {
            guard let category = CategoryCode(rawValue: category) else { continue }
            let key = RoutingPrecedent.Key(category: category, areaCode: area)
            result[key] = RoutingPrecedent(key: key, lead: lead, coUnits: coUnits, basisCase: basis, decidedAt: decidedAt)
        }
        return result
    }

    /// Ends the current assignments of `ended` cases, then writes the batch's new ones.
    public static func writeAssignments(
        ending ended: [UUID], _ assignments: [NewAssignment], on connection: PostgresConnection, logger: Logger
    ) async throws {
        if !ended.isEmpty {
            try await connection.query(
                "UPDATE assignments SET current = false WHERE case_id = ANY(\(ended)) AND current", logger: logger)
        }
        guard !assignments.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO assignments (case_id, round, unit_id, unit_name, role, rule_id, assigned_at, current)
            SELECT * FROM unnest(
                \(assignments.map(\.caseID))::uuid[], \(assignments.map { Int32($0.round) })::int4[], \(assignments.map(\.unit.id))::text[],
                \(assignments.map(\.unit.name))::text[], \(assignments.map(\.role))::text[], \(assignments.map(\.ruleID))::text[],
                \(assignments.map(\.at))::timestamptz[], \(assignments.map(\.current))::bool[])
            """, logger: logger)
    }

    /// The manual-dispatch queue after the batch: cases queued (again) and cases dispatched.
    public static func writeQueue(_ changes: [UUID: ManualQueueChange], on connection: PostgresConnection, logger: Logger) async throws {
        var queued: [(UUID, String, Date)] = []
        var resolved: [(UUID, Date)] = []
        for (caseID, change) in changes {
            switch change {
            case let .queued(reason, at): queued.append((caseID, reason, at))
            case let .resolved(at): resolved.append((caseID, at))
            }
        }
        if !queued.isEmpty {
            try await connection.query(
                """
                INSERT INTO manual_dispatch_queue (case_id, reason, queued_at)
                SELECT * FROM unnest(\(queued.map(\.0))::uuid[], \(queued.map(\.1))::text[], \(queued.map(\.2))::timestamptz[])
                ON CONFLICT (case_id) DO UPDATE SET reason = EXCLUDED.reason, queued_at = EXCLUDED.queued_at, resolved_at = NULL
                """, logger: logger)
        }
        if !resolved.isEmpty {
            try await connection.query(
                """
                UPDATE manual_dispatch_queue q SET resolved_at = r.at
                FROM unnest(\(resolved.map(\.0))::uuid[], \(resolved.map(\.1))::timestamptz[]) AS r(case_id, at)
                WHERE q.case_id = r.case_id AND q.resolved_at IS NULL
                """, logger: logger)
        }
    }

    /// Records centre decisions as the route for similar cases (same category and area).
    public static func recordPrecedents(_ precedents: [RoutingPrecedent], on connection: PostgresConnection, logger: Logger) async throws {
        guard !precedents.isEmpty else { return }
        // Postgres arrays of arrays must be rectangular: the co-units travel as one text each.
        try await connection.query(
            """
            INSERT INTO routing_precedents (category, area_code, lead_unit_id, co_unit_ids, basis_case, decided_at)
            SELECT category, area_code, lead, CASE WHEN co = '' THEN '{}'::text[] ELSE string_to_array(co, ',') END, basis, at
            FROM unnest(\(precedents.map(\.key.category.rawValue))::text[], \(precedents.map(\.key.areaCode))::text[],
                        \(precedents.map(\.lead))::text[], \(precedents.map { $0.coUnits.joined(separator: ",") })::text[],
                        \(precedents.map(\.basisCase))::uuid[], \(precedents.map(\.decidedAt))::timestamptz[])
                 AS p(category, area_code, lead, co, basis, at)
            ON CONFLICT (category, area_code) DO UPDATE SET lead_unit_id = EXCLUDED.lead_unit_id,
                co_unit_ids = EXCLUDED.co_unit_ids, basis_case = EXCLUDED.basis_case, decided_at = EXCLUDED.decided_at
            """, logger: logger)
    }
}

/// A case waiting in the manual-dispatch queue, as a dispatcher sees it.
public struct ManualQueueEntry: Sendable {
    public var caseNumber: String
    public var category: String
    public var areaCode: String?
    /// The subject, sealed with the rest of the appeal: the dispatcher's command opens it.
    public var sealed: SealedCase
    public var queuedAt: Date
}

extension DispatchStore {
    /// Unresolved entries of the manual-dispatch queue, oldest first.
    public static func manualQueue(client: PostgresClient, logger: Logger) async throws -> [ManualQueueEntry] {
        let rows = try await client.query(
            """
            SELECT c.case_number, c.category, c.area_code, q.queued_at, \(unescaped: SealedCase.columns)
            FROM manual_dispatch_queue q JOIN cases c ON c.id = q.case_id
            WHERE q.resolved_at IS NULL ORDER BY q.queued_at, c.case_number
            """, logger: logger)
        var entries: [ManualQueueEntry] = []
        for try await row in rows {
            let (number, category, area, queuedAt) = try row.decode((String, String, String?, Date).self)
            entries.append(ManualQueueEntry(
                caseNumber: number, category: category, areaCode: area, sealed: try SealedCase.decode(row), queuedAt: queuedAt))
        }
        return entries
    }
}
