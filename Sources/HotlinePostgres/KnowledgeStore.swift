import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// An entry whose review-by date passed, to be flagged to its unit once.
public struct OverdueKnowledgeEntry: Sendable, Equatable {
    public var entryID: String
    public var version: Int
    public var unitID: String
    public var reviewBy: CalendarDate
}

/// One unit's knowledge upkeep over a period (巴林左旗 第十八条 「热线知识库建设更新等指标」).
public struct KnowledgeUpkeep: Sendable, Equatable {
    public var unitID: String
    /// First versions published in the period.
    public var added: Int
    /// Later versions published in the period.
    public var updated: Int
    /// Versions published after their predecessor's review-by date (巴林左旗 第十五条（八）).
    public var late: Int
    /// Entries whose shown version's review-by date had passed at the period's end.
    public var overdue: Int
}

/// Named queries over `knowledge_entries`.
public enum KnowledgeStore {
    /// Each entry's versions, newest first, locked so two publications of one entry queue up.
    public static func lockedVersions(
        of entryIDs: [String], on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: [PublishedKnowledgeVersion]] {
        let unique = Array(Set(entryIDs)).sorted()
        guard !unique.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT entry_id, version, unit_id, state, to_char(review_by, 'YYYY-MM-DD') FROM knowledge_entries
            WHERE entry_id = ANY(\(unique)) ORDER BY entry_id, version DESC FOR UPDATE
            """, logger: logger)
        var versions: [String: [PublishedKnowledgeVersion]] = [:]
        for try await (entryID, version, unit, state, reviewBy) in rows.decode((String, Int32, String, String, String).self) {
            guard let date = CalendarDate(reviewBy), let state = KnowledgeState(rawValue: state) else { continue }
            versions[entryID, default: []].append(PublishedKnowledgeVersion(version: Int(version), unitID: unit, state: state, reviewBy: date))
        }
        return versions
    }

    /// One version's state and decision time, for intake's check of `answered_from`; nil when there is no such version.
    /// The state of each entry version appeals claim to have been answered from, for those that exist.
    public static func found(
        _ answers: [KnowledgeAnswer], on connection: PostgresConnection, logger: Logger
    ) async throws -> [KnowledgeAnswer: KnowledgeAnswer.Found] {
        guard !answers.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT e.entry_id, e.version, e.state, e.decided_at
            FROM knowledge_entries e
            JOIN unnest(\(answers.map(\.entryID))::text[], \(answers.map { Int32($0.version) })::int4[]) AS a(entry_id, version)
              ON e.entry_id = a.entry_id AND e.version = a.version
            """, logger: logger)
        var result: [KnowledgeAnswer: KnowledgeAnswer.Found] = [:]
        for try await (entryID, version, state, decidedAt) in rows.decode((String, Int32, String, Date?).self) {
            guard let state = KnowledgeState(rawValue: state) else { continue }
            result[KnowledgeAnswer(entryID: entryID, version: Int(version))] = KnowledgeAnswer.Found(state: state, decidedAt: decidedAt)
        }
        return result
    }

    /// New versions the batch published, in one statement.
    public static func insertAll(
        _ published: [(entry: KnowledgeEntry, publication: KnowledgePublication)], at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !published.isEmpty else { return }
        let entries = published.map(\.entry)
        let states = published.map(\.publication.state)
        try await connection.query(
            """
            INSERT INTO knowledge_entries (
                entry_id, version, unit_id, kind, duty, title, body, keywords, published_at, published_by,
                event_id, review_by, late, recorded_at, state, decided_at, decided_by)
            SELECT entry_id, version, unit_id, kind, duty, title, body,
                   CASE WHEN keywords = '' THEN '{}'::text[] ELSE string_to_array(keywords, E'\\x1f') END,
                   published_at, published_by, event_id, review_by::date, late, \(now), state,
                   CASE WHEN state = 'pending' THEN NULL ELSE \(now)::timestamptz END, CASE WHEN state = 'pending' THEN NULL ELSE unit_id END
            FROM unnest(
                \(entries.map(\.entryID))::text[], \(entries.map { Int32($0.version) })::int4[], \(entries.map(\.unitID))::text[],
                \(entries.map(\.kind.rawValue))::text[], \(NullableArray(entries.map(\.duty)))::text[], \(entries.map(\.title))::text[],
                \(entries.map(\.body))::text[], \(entries.map { $0.keywords.joined(separator: "\u{1F}") })::text[],
                \(entries.map(\.publishedAt))::timestamptz[], \(entries.map(\.staffID))::text[], \(entries.map(\.eventID))::text[],
                \(entries.map(\.reviewBy.description))::text[], \(published.map(\.publication.late))::bool[],
                \(states.map(\.rawValue))::text[])
                AS e(entry_id, version, unit_id, kind, duty, title, body, keywords, published_at, published_by, event_id, review_by, late, state)
            """, logger: logger)
    }

    /// The centre's decisions on pending versions, in one statement.
    public static func decideAll(_ reviews: [KnowledgeReview], at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard !reviews.isEmpty else { return }
        try await connection.query(
            """
            UPDATE knowledge_entries k SET state = r.state, decided_at = \(now), decided_by = r.staff_id, decision_reason = r.reason
            FROM unnest(\(reviews.map(\.entryID))::text[], \(reviews.map { Int32($0.version) })::int4[],
                        \(reviews.map { $0.approved ? "approved" : "rejected" })::text[], \(reviews.map(\.staffID))::text[],
                        \(NullableArray(reviews.map(\.reason)))::text[])
                 AS r(entry_id, version, state, staff_id, reason)
            WHERE k.entry_id = r.entry_id AND k.version = r.version AND k.state = 'pending'
            """, logger: logger)
    }

    /// The entries operators are shown: the latest approved version of each, in one query;
    /// `KnowledgeSearch` ranks them in the domain.
    public static func shown(client: PostgresClient, logger: Logger) async throws -> [KnowledgeCandidate] {
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (entry_id) entry_id, version, unit_id, kind, title, body, keywords, to_char(review_by, 'YYYY-MM-DD')
            FROM knowledge_entries WHERE state = 'approved' ORDER BY entry_id, version DESC
            """, logger: logger)
        var entries: [KnowledgeCandidate] = []
        for try await row in rows.decode((String, Int32, String, String, String, String, [String], String).self) {
            guard let reviewBy = CalendarDate(row.7) else { continue }
            entries.append(KnowledgeCandidate(
                entryID: row.0, version: Int(row.1), unitID: row.2, kind: row.3, title: row.4, body: row.5, keywords: row.6, reviewBy: reviewBy))
        }
        return entries
    }

    /// Every version of an entry with its state, newest first, for `hotline kb show`.
    public static func history(of entryID: String, client: PostgresClient, logger: Logger) async throws -> [KnowledgeVersionRecord] {
        let rows = try await client.query(
            """
            SELECT version, unit_id, kind, duty, title, body, published_at, to_char(review_by, 'YYYY-MM-DD'), state, decided_by, decision_reason, late
            FROM knowledge_entries WHERE entry_id = \(entryID) ORDER BY version DESC
            """, logger: logger)
        var records: [KnowledgeVersionRecord] = []
        for try await row in rows.decode((Int32, String, String, String?, String, String, Date, String, String, String?, String?, Bool).self) {
            records.append(KnowledgeVersionRecord(
                version: Int(row.0), unitID: row.1, kind: row.2, duty: row.3, title: row.4, body: row.5, publishedAt: row.6,
                reviewBy: row.7, state: row.8, decidedBy: row.9, decisionReason: row.10, late: row.11))
        }
        return records
    }

    /// A current version (no newer one that was not rejected) not yet flagged for review, over `k`.
    static let awaitingReview = """
        k.state <> 'rejected' AND k.review_flagged_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM knowledge_entries n WHERE n.entry_id = k.entry_id AND n.version > k.version AND n.state <> 'rejected')
        """

    /// Entries whose latest version that was not rejected is past its review-by date and
    /// not yet flagged, locked for this sweep (`SKIP LOCKED`: instances share the work).
    public static func claimOverdue(today: CalendarDate, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [OverdueKnowledgeEntry] {
        let rows = try await connection.query(
            """
            SELECT k.entry_id, k.version, k.unit_id, to_char(k.review_by, 'YYYY-MM-DD') FROM knowledge_entries k
            WHERE \(unescaped: awaitingReview) AND k.review_by < \(today.description)::date
            ORDER BY k.review_by, k.entry_id LIMIT \(Int32(limit)) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var entries: [OverdueKnowledgeEntry] = []
        for try await (entry, version, unit, reviewBy) in rows.decode((String, Int32, String, String).self) {
            guard let date = CalendarDate(reviewBy) else { continue }
            entries.append(OverdueKnowledgeEntry(entryID: entry, version: Int(version), unitID: unit, reviewBy: date))
        }
        return entries
    }

    /// The earliest review-by date of a version awaiting review (the knowledge review sweep's
    /// look, outside any transaction); nil when none has one.
    public static func earliestReviewBy(client: PostgresClient, logger: Logger) async throws -> CalendarDate? {
        let rows = try await client.query(
            "SELECT to_char(min(k.review_by), 'YYYY-MM-DD') FROM knowledge_entries k WHERE \(unescaped: awaitingReview)", logger: logger)
        for try await day in rows.decode(String?.self) { return day.flatMap { CalendarDate($0) } }
        return nil
    }

    public static func markFlagged(_ entry: OverdueKnowledgeEntry, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE knowledge_entries SET review_flagged_at = \(now)
            WHERE entry_id = \(entry.entryID) AND version = \(Int32(entry.version)) AND review_flagged_at IS NULL
            """, logger: logger)
    }

    /// Each unit's upkeep over [from, until): what it published, late or not, and what was
    /// overdue for review on `lastDay`.
    public static func upkeep(from: Date, until: Date, lastDay: CalendarDate, on connection: PostgresConnection, logger: Logger) async throws -> [KnowledgeUpkeep] {
        let rows = try await connection.query(
            """
            WITH published AS (
                SELECT unit_id, count(*) FILTER (WHERE version = 1) AS added, count(*) FILTER (WHERE version > 1) AS updated,
                       count(*) FILTER (WHERE late) AS late
                FROM knowledge_entries WHERE published_at >= \(from) AND published_at < \(until) AND state <> 'rejected'
                GROUP BY unit_id),
            latest AS (
                SELECT DISTINCT ON (entry_id) unit_id, review_by FROM knowledge_entries
                WHERE state <> 'rejected' AND published_at < \(until) ORDER BY entry_id, version DESC),
            overdue AS (SELECT unit_id, count(*) AS overdue FROM latest WHERE review_by < \(lastDay.description)::date GROUP BY unit_id)
            SELECT coalesce(p.unit_id, o.unit_id), coalesce(p.added, 0), coalesce(p.updated, 0), coalesce(p.late, 0), coalesce(o.overdue, 0)
            FROM published p FULL JOIN overdue o ON o.unit_id = p.unit_id
            ORDER BY 1
            """, logger: logger)
        var upkeep: [KnowledgeUpkeep] = []
        for try await (unit, added, updated, late, overdue) in rows.decode((String, Int64, Int64, Int64, Int64).self) {
            upkeep.append(KnowledgeUpkeep(unitID: unit, added: Int(added), updated: Int(updated), late: Int(late), overdue: Int(overdue)))
        }
        return upkeep
    }
}

/// One version of an entry as `hotline kb show` prints it.
public struct KnowledgeVersionRecord: Sendable, Equatable {
    public var version: Int
    public var unitID: String
    public var kind: String
    public var duty: String?
    public var title: String
    public var body: String
    public var publishedAt: Date
    public var reviewBy: String
    public var state: String
    public var decidedBy: String?
    public var decisionReason: String?
    public var late: Bool
}
