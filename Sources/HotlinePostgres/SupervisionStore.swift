import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// An open supervision as the supervision worker reads it: of a case, or of a unit
/// (`low_rates`, no case, with the figures that opened it).
public struct SupervisionRow: Sendable {
    public var id: Int64
    public var publicID: UUID
    public var caseID: UUID?
    public var caseNumber: String?
    public var policyID: String
    public var policyVersion: String
    public var trigger: String
    public var article: String
    public var unitID: String
    public var unitName: String
    public var level: Int
    public var levelDueAt: Date?
    public var rates: UnitRateFigures?
    /// A `knowledge_late` supervision's figures.
    public var knowledge: KnowledgeLateFigures?

    public init(
        id: Int64, publicID: UUID, caseID: UUID?, caseNumber: String?, policyID: String, policyVersion: String,
        trigger: String, article: String, unitID: String, unitName: String, level: Int, levelDueAt: Date?,
        rates: UnitRateFigures? = nil, knowledge: KnowledgeLateFigures? = nil
    ) {
        self.id = id
        self.publicID = publicID
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.policyID = policyID
        self.policyVersion = policyVersion
        self.trigger = trigger
        self.article = article
        self.unitID = unitID
        self.unitName = unitName
        self.level = level
        self.levelDueAt = levelDueAt
        self.rates = rates
        self.knowledge = knowledge
    }
}

/// Named queries over `supervisions`.
public enum SupervisionStore {
    /// Open supervisions (督办) by ladder level code, for `/metrics`.
    public static func openByLevel(client: PostgresClient, logger: Logger) async throws -> [(String, Int)] {
        let rows = try await client.query(
            "SELECT level_code, count(*) FROM supervisions WHERE closed_at IS NULL GROUP BY level_code", logger: logger)
        var result: [(String, Int)] = []
        for try await (level, count) in rows.decode((String, Int64).self) { result.append((level, Int(count))) }
        return result
    }


    /// Open supervisions whose rung has passed, claimed so two instances never climb the same one;
    /// one set aside until later (`setAsideForCalendar`) is left out until then.
    public static func claimClimbable(now: Date, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [SupervisionRow] {
        try await rows(
            """
            SELECT s.id, s.public_id, s.case_id, c.case_number, coalesce(c.policy_id, s.policy_id),
                   coalesce(c.policy_version, s.policy_version), s.trigger, s.article, coalesce(s.unit_id, ''),
                   coalesce(a.unit_name, (SELECT u.unit_name FROM assignments u WHERE u.unit_id = s.unit_id LIMIT 1), ''),
                   s.level, s.level_due_at, s.rates::text
            FROM supervisions s LEFT JOIN cases c ON c.id = s.case_id
            LEFT JOIN assignments a ON a.case_id = s.case_id AND a.unit_id = s.unit_id AND a.current
            WHERE s.closed_at IS NULL AND s.level_due_at IS NOT NULL AND s.level_due_at <= \(now)
              AND (s.calendar_retry_at IS NULL OR s.calendar_retry_at <= \(now))
            ORDER BY s.level_due_at
            LIMIT \(Int32(limit))
            FOR UPDATE OF s SKIP LOCKED
            """, on: connection, logger: logger)
    }

    /// When the next open supervision's rung passes (nil: none is waiting), through the index
    /// the climb reads: the ladder's look before it opens a transaction. One set aside for the
    /// calendar counts as due; the sweep then finds nothing to climb and waits its interval.
    public static func nextClimbAt(client: PostgresClient, logger: Logger) async throws -> Date? {
        let rows = try await client.query(
            "SELECT min(level_due_at) FROM supervisions WHERE closed_at IS NULL AND level_due_at IS NOT NULL", logger: logger)
        for try await value in rows.decode(Date?.self) { return value }
        return nil
    }

    /// Leaves supervisions out of the climbing sweep until `retryAt`: the working-day
    /// calendar cannot count their next rung yet (migration 0017).
    public static func setAsideForCalendar(ids: [Int64], until retryAt: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query(
            "UPDATE supervisions SET calendar_retry_at = \(retryAt) WHERE id = ANY(\(ids))", logger: logger)
    }

    /// A sweep's climbs, in one statement.
    public static func climbAll(_ climbs: [SupervisionClimb], on connection: PostgresConnection, logger: Logger) async throws {
        guard !climbs.isEmpty else { return }
        try await connection.query(
            """
            UPDATE supervisions s SET level = c.level, level_code = c.code, level_due_at = c.due
            FROM unnest(\(climbs.map(\.id))::int8[], \(climbs.map { Int32($0.level) })::int4[], \(climbs.map(\.levelCode))::text[],
                        \(NullableArray(climbs.map(\.levelDueAt)))::timestamptz[]) AS c(id, level, code, due)
            WHERE s.id = c.id
            """, logger: logger)
    }

    static func rows(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [SupervisionRow] {
        let rows = try await connection.query(query, logger: logger)
        var result: [SupervisionRow] = []
        for try await row in rows.decode((Int64, UUID, UUID?, String?, String, String, String, String, String, String, Int32, Date?, String?).self) {
            var supervision = SupervisionRow(
                id: row.0, publicID: row.1, caseID: row.2, caseNumber: row.3, policyID: row.4, policyVersion: row.5,
                trigger: row.6, article: row.7, unitID: row.8, unitName: row.9, level: Int(row.10), levelDueAt: row.11)
            if let figures = row.12.map({ Data($0.utf8) }) {
                if row.6 == SupervisionTrigger.knowledgeLate.rawValue {
                    supervision.knowledge = try JSONDecoder().decode(KnowledgeLateFigures.self, from: figures)
                } else {
                    supervision.rates = try JSONDecoder().decode(UnitRateFigures.self, from: figures)
                }
            }
            result.append(supervision)
        }
        return result
    }
}

/// A case as the supervision worker opens supervisions on it: what every escalation says
/// of it and the unit that holds it now.
public struct SupervisedCase: Sendable, Equatable {
    public var caseNumber: String
    public var policyID: String
    public var policyVersion: String
    /// The current lead unit; nil while no unit holds the case.
    public var leadUnitID: String?
    public var leadUnitName: String?
    /// The case's status as the batch reads it.
    public var status: CaseStatus?

    public init(caseNumber: String, policyID: String, policyVersion: String, leadUnitID: String?, leadUnitName: String?, status: CaseStatus? = nil) {
        self.status = status
        self.caseNumber = caseNumber
        self.policyID = policyID
        self.policyVersion = policyVersion
        self.leadUnitID = leadUnitID
        self.leadUnitName = leadUnitName
    }
}

/// One category and area, as hot spots are counted.
public struct HotSpotKey: Sendable, Hashable {
    public var category: String
    public var areaCode: String

    public init(category: String, areaCode: String) {
        self.category = category
        self.areaCode = areaCode
    }
}

/// A supervision's next rung, as the climbing sweep writes it.
public struct SupervisionClimb: Sendable, Equatable {
    public var id: Int64
    public var level: Int
    public var levelCode: String
    public var levelDueAt: Date?

    public init(id: Int64, level: Int, levelCode: String, levelDueAt: Date?) {
        self.id = id
        self.level = level
        self.levelCode = levelCode
        self.levelDueAt = levelDueAt
    }
}

/// A supervision a batch opens.
public struct NewSupervision: Sendable {
    public var publicID: UUID
    public var caseID: UUID
    public var trigger: String
    public var article: String
    public var unitID: String?
    public var level: Int
    public var levelCode: String
    public var levelDueAt: Date?
    public var openedAt: Date
    /// Closed again by a later event of the same batch.
    public var closed: (at: Date, reason: String)?

    public init(
        publicID: UUID, caseID: UUID, trigger: String, article: String, unitID: String?, level: Int, levelCode: String, levelDueAt: Date?,
        openedAt: Date
    ) {
        self.publicID = publicID
        self.caseID = caseID
        self.trigger = trigger
        self.article = article
        self.unitID = unitID
        self.level = level
        self.levelCode = levelCode
        self.levelDueAt = levelDueAt
        self.openedAt = openedAt
    }
}

/// The batch queries of the supervision worker, one statement per table.
extension SupervisionStore {
    /// These cases' numbers, policy versions and current lead units.
    public static func cases(_ ids: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: SupervisedCase] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT c.id, c.case_number, c.policy_id, c.policy_version, a.unit_id, a.unit_name, c.status
            FROM cases c LEFT JOIN assignments a ON a.case_id = c.id AND a.current AND a.role = 'lead'
            WHERE c.id = ANY(\(ids))
            """, logger: logger)
        var cases: [UUID: SupervisedCase] = [:]
        for try await (id, number, policy, version, unit, name, status) in rows.decode((UUID, String, String, String, String?, String?, String).self) {
            cases[id] = SupervisedCase(
                caseNumber: number, policyID: policy, policyVersion: version, leadUnitID: unit, leadUnitName: name, status: CaseStatus(rawValue: status))
        }
        return cases
    }

    /// The open supervisions of these cases, locked for the rest of the transaction.
    public static func lockOpen(caseIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [SupervisionRow] {
        guard !caseIDs.isEmpty else { return [] }
        return try await rows(
            """
            SELECT s.id, s.public_id, s.case_id, c.case_number, c.policy_id, c.policy_version, s.trigger, s.article,
                   coalesce(s.unit_id, ''),
                   coalesce((SELECT unit_name FROM assignments a WHERE a.case_id = s.case_id AND a.unit_id = s.unit_id ORDER BY a.id DESC LIMIT 1), ''),
                   s.level, s.level_due_at, s.rates::text
            FROM supervisions s JOIN cases c ON c.id = s.case_id
            WHERE s.case_id = ANY(\(caseIDs)) AND s.closed_at IS NULL
            ORDER BY s.id
            FOR UPDATE OF s
            """, on: connection, logger: logger)
    }

    /// Cases accepted since `since`, per category and area, for these categories and areas.
    public static func appealCounts(_ keys: [HotSpotKey], since: Date, on connection: PostgresConnection, logger: Logger) async throws -> [HotSpotKey: Int] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT c.category, c.area_code, count(*)
            FROM cases c JOIN unnest(\(unique.map(\.category))::text[], \(unique.map(\.areaCode))::text[]) AS k(category, area_code)
              ON c.category = k.category AND c.area_code = k.area_code
            WHERE c.accepted_at > \(since)
            GROUP BY c.category, c.area_code
            """, logger: logger)
        var counts: [HotSpotKey: Int] = [:]
        for try await (category, area, count) in rows.decode((String, String, Int64).self) {
            counts[HotSpotKey(category: category, areaCode: area)] = Int(count)
        }
        return counts
    }

    /// The open hot-spot supervisions of these categories and areas, by public id.
    public static func openHotSpots(_ keys: [HotSpotKey], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: HotSpotKey] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT s.public_id, c.category, c.area_code
            FROM supervisions s JOIN cases c ON c.id = s.case_id
            JOIN unnest(\(unique.map(\.category))::text[], \(unique.map(\.areaCode))::text[]) AS k(category, area_code)
              ON c.category = k.category AND c.area_code = k.area_code
            WHERE s.trigger = \(SupervisionTrigger.hotSpot.rawValue) AND s.closed_at IS NULL
            """, logger: logger)
        var open: [UUID: HotSpotKey] = [:]
        for try await (id, category, area) in rows.decode((UUID, String, String).self) { open[id] = HotSpotKey(category: category, areaCode: area) }
        return open
    }

    /// Opens a batch's supervisions. The view they were decided on held every open one of
    /// their cases, so a conflict here means another transaction opened one meanwhile: the
    /// batch fails and is retried on fresh state.
    public static func openAll(_ opened: [NewSupervision], on connection: PostgresConnection, logger: Logger) async throws {
        guard !opened.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO supervisions (public_id, case_id, trigger, article, unit_id, level, level_code, opened_at, level_due_at,
                                      closed_at, close_reason)
            SELECT * FROM unnest(
                \(opened.map(\.publicID))::uuid[], \(opened.map(\.caseID))::uuid[], \(opened.map(\.trigger))::text[],
                \(opened.map(\.article))::text[], \(NullableArray(opened.map(\.unitID)))::text[], \(opened.map { Int32($0.level) })::int4[],
                \(opened.map(\.levelCode))::text[], \(opened.map(\.openedAt))::timestamptz[],
                \(NullableArray(opened.map { $0.closed == nil ? $0.levelDueAt : nil }))::timestamptz[],
                \(NullableArray(opened.map(\.closed?.at)))::timestamptz[], \(NullableArray(opened.map(\.closed?.reason)))::text[])
            """, logger: logger)
    }

    /// Closes supervisions with their reasons, in one statement.
    public static func closeAll(_ closed: [(id: Int64, reason: String)], at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard !closed.isEmpty else { return }
        try await connection.query(
            """
            UPDATE supervisions s SET closed_at = \(now), close_reason = c.reason, level_due_at = NULL
            FROM unnest(\(closed.map(\.id))::int8[], \(closed.map(\.reason))::text[]) AS c(id, reason)
            WHERE s.id = c.id AND s.closed_at IS NULL
            """, logger: logger)
    }
}
