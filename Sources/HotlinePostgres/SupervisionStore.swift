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

    /// Opens a supervision unless one for the same case and trigger is open; returns
    /// the new public id, or nil when one was already open.
    public static func open(
        caseID: UUID, trigger: String, article: String, unitID: String?, level: Int, levelCode: String,
        levelDueAt: Date?, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> UUID? {
        let publicID = UUID()
        let rows = try await connection.query(
            """
            INSERT INTO supervisions (public_id, case_id, trigger, article, unit_id, level, level_code, opened_at, level_due_at)
            VALUES (\(publicID), \(caseID), \(trigger), \(article), \(unitID), \(Int32(level)), \(levelCode), \(now), \(levelDueAt))
            ON CONFLICT (case_id, trigger) WHERE closed_at IS NULL DO NOTHING
            RETURNING public_id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
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

    /// Leaves a supervision out of the climbing sweep until `retryAt`: the working-day
    /// calendar cannot count its next rung yet (migration 0017).
    public static func setAsideForCalendar(id: Int64, until retryAt: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE supervisions SET calendar_retry_at = \(retryAt) WHERE id = \(id)", logger: logger)
    }

    public static func climb(
        id: Int64, level: Int, levelCode: String, levelDueAt: Date?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE supervisions SET level = \(Int32(level)), level_code = \(levelCode), level_due_at = \(levelDueAt)
            WHERE id = \(id)
            """, logger: logger)
    }

    /// Closes a case's open supervisions of the given triggers; returns those closed.
    public static func close(
        caseID: UUID, triggers: [String], reason: String, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> [SupervisionRow] {
        try await rows(
            """
            UPDATE supervisions s SET closed_at = \(now), close_reason = \(reason), level_due_at = NULL
            FROM cases c
            WHERE c.id = s.case_id AND s.case_id = \(caseID) AND s.closed_at IS NULL AND s.trigger = ANY(\(triggers))
            RETURNING s.id, s.public_id, s.case_id, c.case_number, c.policy_id, c.policy_version, s.trigger, s.article,
                      coalesce(s.unit_id, ''),
                      coalesce((SELECT unit_name FROM assignments a WHERE a.case_id = s.case_id AND a.unit_id = s.unit_id ORDER BY a.id DESC LIMIT 1), ''),
                      s.level, s.level_due_at, s.rates::text
            """, on: connection, logger: logger)
    }

    /// The current lead unit of a case (id and name), if any.
    public static func leadUnit(of caseID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> (id: String, name: String)? {
        let rows = try await connection.query(
            "SELECT unit_id, unit_name FROM assignments WHERE case_id = \(caseID) AND current AND role = 'lead'", logger: logger)
        for try await (id, name) in rows.decode((String, String).self) { return (id, name) }
        return nil
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

extension SupervisionStore {
    /// Accepted appeals of a category about an area since an instant (hot spots).
    public static func appealsInArea(
        category: String, areaCode: String, since: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT count(*) FROM cases WHERE category = \(category) AND area_code = \(areaCode) AND accepted_at > \(since)
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// True when a hot-spot supervision about this category and area is open.
    public static func hotSpotOpen(category: String, areaCode: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM supervisions s JOIN cases c ON c.id = s.case_id
                           WHERE s.trigger = 'hot_spot' AND s.closed_at IS NULL
                             AND c.category = \(category) AND c.area_code = \(areaCode))
            """, logger: logger)
        for try await open in rows.decode(Bool.self) { return open }
        return false
    }
}
