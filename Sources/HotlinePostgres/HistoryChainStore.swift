import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Named queries over the history's hash chain (migration 0026): the rows as stored for
/// `hotline history verify`, the heads, and the daily digests.
public enum HistoryChainStore {
    /// Calls `body` with each case's rows in id order (one case, by its number, or all),
    /// streaming: the whole history never sits in memory.
    public static func eachChain(
        caseNumber: String?, client: PostgresClient, logger: Logger,
        _ body: (_ caseID: UUID, _ caseNumber: String, _ rows: [HistoryRecord]) throws -> Void
    ) async throws {
        let rows = try await client.query(
            """
            SELECT h.id, h.case_id, coalesce(c.case_number, h.case_id::text), (extract(epoch FROM h.at) * 1000000)::int8,
                   h.actor, h.action, h.detail::text, h.event_id, h.prev_hash, h.hash
            FROM case_history h LEFT JOIN cases c ON c.id = h.case_id
            WHERE \(caseNumber)::text IS NULL OR c.case_number = \(caseNumber)
            ORDER BY h.case_id, h.id
            """, logger: logger)
        var current: (id: UUID, number: String, rows: [HistoryRecord])?
        for try await row in rows.decode((Int64, UUID, String, Int64, String, String, String, String?, ByteBuffer, ByteBuffer).self) {
            let record = HistoryRecord(
                id: row.0, caseID: row.1, atMicroseconds: row.3, actor: row.4, action: row.5, detail: row.6, eventID: row.7,
                previousHash: Array(row.8.readableBytesView), hash: Array(row.9.readableBytesView))
            if let chain = current, chain.id != record.caseID {
                try body(chain.id, chain.number, chain.rows)
                current = nil
            }
            if current == nil { current = (record.caseID, row.2, []) }
            current?.rows.append(record)
        }
        if let chain = current { try body(chain.id, chain.number, chain.rows) }
    }

    /// The heads the chaining trigger keeps, by case; with their case numbers where the case exists.
    public static func heads(caseNumber: String?, client: PostgresClient, logger: Logger) async throws -> [(head: HistoryHead, caseNumber: String)] {
        let rows = try await client.query(
            """
            SELECT h.case_id, h.row_id, h.hash, coalesce(c.case_number, h.case_id::text)
            FROM case_history_heads h LEFT JOIN cases c ON c.id = h.case_id
            WHERE \(caseNumber)::text IS NULL OR c.case_number = \(caseNumber)
            """, logger: logger)
        var heads: [(head: HistoryHead, caseNumber: String)] = []
        for try await (caseID, rowID, hash, number) in rows.decode((UUID, Int64, ByteBuffer, String).self) {
            heads.append((HistoryHead(caseID: caseID, rowID: rowID, hash: Array(hash.readableBytesView)), number))
        }
        return heads
    }

    /// Every recorded digest in day order, with its heads.
    public static func digests(client: PostgresClient, logger: Logger) async throws -> [HistoryDigestRecord] {
        let rows = try await client.query(
            """
            SELECT d.day::text, d.digest, d.previous_day::text, d.previous_digest,
                   coalesce(array_agg(h.case_id ORDER BY h.case_id) FILTER (WHERE h.case_id IS NOT NULL), '{}'),
                   coalesce(array_agg(h.row_id ORDER BY h.case_id) FILTER (WHERE h.case_id IS NOT NULL), '{}'),
                   coalesce(array_agg(encode(h.hash, 'hex') ORDER BY h.case_id) FILTER (WHERE h.case_id IS NOT NULL), '{}')
            FROM history_digests d LEFT JOIN history_digest_heads h ON h.day = d.day
            GROUP BY d.day ORDER BY d.day
            """, logger: logger)
        var records: [HistoryDigestRecord] = []
        for try await row in rows.decode((String, ByteBuffer, String?, ByteBuffer, [UUID], [Int64], [String]).self) {
            guard let day = CalendarDate(row.0) else { continue }
            let heads = zip(zip(row.4, row.5), row.6).map { HistoryHead(caseID: $0.0.0, rowID: $0.0.1, hash: Hex.bytes($0.1) ?? []) }
            records.append(HistoryDigestRecord(
                day: day, digest: Array(row.1.readableBytesView), previousDay: row.2.flatMap(CalendarDate.init),
                previousDigest: Array(row.3.readableBytesView), heads: heads))
        }
        return records
    }

    /// A day's recorded digest as its published event, with the heads it folded and their
    /// case numbers; nil when the day was not digested.
    public static func published(
        day: CalendarDate, client: PostgresClient, logger: Logger
    ) async throws -> (event: HistoryDigestEvent, heads: [(head: HistoryHead, caseNumber: String)])? {
        let rows = try await client.query(
            """
            SELECT digest, previous_day::text, previous_digest, heads, event_id, published_at
            FROM history_digests WHERE day = \(day.description)::date
            """, logger: logger)
        var event: HistoryDigestEvent?
        for try await row in rows.decode((ByteBuffer, String?, ByteBuffer, Int32, UUID, Date).self) {
            event = HistoryDigestEvent(
                eventID: row.4, day: day, digest: Array(row.0.readableBytesView), previousDay: row.1.flatMap(CalendarDate.init),
                previousDigest: Array(row.2.readableBytesView), heads: Int(row.3), occurredAt: row.5)
        }
        guard let event else { return nil }
        let headRows = try await client.query(
            """
            SELECT h.case_id, h.row_id, h.hash, coalesce(c.case_number, h.case_id::text)
            FROM history_digest_heads h LEFT JOIN cases c ON c.id = h.case_id
            WHERE h.day = \(day.description)::date ORDER BY h.case_id
            """, logger: logger)
        var heads: [(head: HistoryHead, caseNumber: String)] = []
        for try await (caseID, rowID, hash, number) in headRows.decode((UUID, Int64, ByteBuffer, String).self) {
            heads.append((HistoryHead(caseID: caseID, rowID: rowID, hash: Array(hash.readableBytesView)), number))
        }
        return (event, heads)
    }

    /// The last recorded digest's day and value, if any.
    public static func lastDigest(on connection: PostgresConnection, logger: Logger) async throws -> (day: CalendarDate, digest: [UInt8])? {
        let rows = try await connection.query(
            "SELECT day::text, digest FROM history_digests ORDER BY day DESC LIMIT 1", logger: logger)
        for try await (day, digest) in rows.decode((String, ByteBuffer).self) {
            if let day = CalendarDate(day) { return (day, Array(digest.readableBytesView)) }
        }
        return nil
    }

    /// When the history's first row (by id) happened; nil while it has none.
    /// The last digested day and when the history's first row was written, in one statement:
    /// the digest sweep's look before it opens a transaction.
    public static func digestProgress(client: PostgresClient, logger: Logger) async throws -> (lastDay: CalendarDate?, firstRowAt: Date?) {
        let rows = try await client.query(
            "SELECT (SELECT max(day)::text FROM history_digests), (SELECT at FROM case_history ORDER BY id LIMIT 1)", logger: logger)
        for try await (day, first) in rows.decode((String?, Date?).self) { return (day.flatMap(CalendarDate.init), first) }
        return (nil, nil)
    }

    public static func firstRowAt(on connection: PostgresConnection, logger: Logger) async throws -> Date? {
        let rows = try await connection.query("SELECT at FROM case_history ORDER BY id LIMIT 1", logger: logger)
        for try await at in rows.decode(Date.self) { return at }
        return nil
    }

    /// Serialises the digest sweeps of several instances for the rest of the transaction;
    /// false when another instance holds it (that one digests the day).
    public static func tryLockDigest(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.digestLockKey))", logger: logger)
        for try await locked in rows.decode(Bool.self) { return locked }
        return false
    }

    /// Arbitrary constant naming the digest sweep's lock.
    static let digestLockKey: Int64 = 0x4869_7374_4469_67

    /// The heads that moved since the last digest, in case order, locked; a head an
    /// unfinished transaction is moving is skipped (the next digest takes it), so the sweep
    /// never waits for a worker's batch.
    public static func claimMovedHeads(on connection: PostgresConnection, logger: Logger) async throws -> [HistoryHead] {
        let rows = try await connection.query(
            """
            SELECT case_id, row_id, hash FROM case_history_heads
            WHERE row_id IS DISTINCT FROM digested_row_id
            ORDER BY case_id
            FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var heads: [HistoryHead] = []
        for try await (caseID, rowID, hash) in rows.decode((UUID, Int64, ByteBuffer).self) {
            heads.append(HistoryHead(caseID: caseID, rowID: rowID, hash: Array(hash.readableBytesView)))
        }
        return heads
    }

    /// Records a day's digest and its heads, and marks the heads digested: three statements.
    public static func record(
        day: CalendarDate, digest: [UInt8], previous: (day: CalendarDate, digest: [UInt8])?, heads: [HistoryHead],
        eventID: UUID, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO history_digests (day, digest, previous_day, previous_digest, heads, event_id, published_at)
            VALUES (\(day.description)::date, \(ByteBuffer(bytes: digest)), \(previous?.day.description)::date,
                    \(ByteBuffer(bytes: previous?.digest ?? HistoryDigest.first)), \(Int32(heads.count)), \(eventID), \(now))
            """, logger: logger)
        guard !heads.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO history_digest_heads (day, case_id, row_id, hash)
            SELECT \(day.description)::date, h.case_id, h.row_id, decode(h.hash, 'hex')
            FROM unnest(\(heads.map(\.caseID))::uuid[], \(heads.map(\.rowID))::int8[], \(heads.map { Hex.string($0.hash) })::text[])
                 AS h(case_id, row_id, hash)
            """, logger: logger)
        try await connection.query(
            """
            UPDATE case_history_heads SET digested_row_id = h.row_id
            FROM unnest(\(heads.map(\.caseID))::uuid[], \(heads.map(\.rowID))::int8[]) AS h(case_id, row_id)
            WHERE case_history_heads.case_id = h.case_id
            """, logger: logger)
    }
}
