import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A case as intake writes it.
public struct NewCase: Sendable {
    public var id: UUID
    public var caseNumber: String
    public var policyID: String
    public var policyVersion: String
    public var event: IntakeEvent
    public var category: CategoryCode
    public var categorySource: CategorySource
    public var acceptedAt: Date
    /// The caller and the appeal's subject and content, sealed under the case's own data key.
    public var sealed: SealedCase
    public var callerPhoneIndex: [UInt8]?
    /// `accepted`, `closed` for a direct answer (即时办结), `awaiting_reply` when the centre owes a reply.
    public var status: CaseStatus
    /// The entry version a direct answer came from.
    public var answeredFrom: KnowledgeAnswer?
    /// A direct answer the policy calls back: the archive waits for its callback task.
    public var callbackOwed: Bool

    public init(
        id: UUID, caseNumber: String, policyID: String, policyVersion: String, event: IntakeEvent,
        category: CategoryCode, categorySource: CategorySource, acceptedAt: Date,
        sealed: SealedCase, callerPhoneIndex: [UInt8]?,
        status: CaseStatus = .accepted, answeredFrom: KnowledgeAnswer? = nil, callbackOwed: Bool = false
    ) {
        self.id = id
        self.caseNumber = caseNumber
        self.policyID = policyID
        self.policyVersion = policyVersion
        self.event = event
        self.category = category
        self.categorySource = categorySource
        self.acceptedAt = acceptedAt
        self.sealed = sealed
        self.callerPhoneIndex = callerPhoneIndex
        self.status = status
        self.answeredFrom = answeredFrom
        self.callbackOwed = callbackOwed
    }
}

/// The idempotency key of an appeal: its channel and the channel's own id for it.
public struct IntakeRequestKey: Sendable, Hashable {
    public var channel: HotlineDomain.Channel
    public var externalID: String

    public init(channel: HotlineDomain.Channel, externalID: String) {
        self.channel = channel
        self.externalID = externalID
    }
}

/// An appeal's record as intake writes it, with the receipt it was answered with.
public struct NewIntakeRequest: Sendable {
    public var event: IntakeEvent
    public var receipt: IntakeReceipt
    public var recordedAt: Date
    /// Redirected and not accepted appeals keep what was asked, for the record, sealed
    /// (migrations 0031, 0037); nil for the others.
    public var keptText: SealedRequestText?

    public init(event: IntakeEvent, receipt: IntakeReceipt, recordedAt: Date, keptText: SealedRequestText?) {
        self.event = event
        self.receipt = receipt
        self.recordedAt = recordedAt
        self.keptText = keptText
    }
}

/// A repeat appeal linked to its open case as an urge (催办).
public struct NewUrge: Sendable, Equatable {
    public var caseID: UUID
    public var key: IntakeRequestKey
    public var at: Date

    public init(caseID: UUID, key: IntakeRequestKey, at: Date) {
        self.caseID = caseID
        self.key = key
        self.at = at
    }
}

/// An open case as the intake worker loads it: the candidate the decider judges, whose
/// caller it belongs to, and how often it was urged so far.
public struct StoredOpenCase: Sendable, Equatable {
    /// Its text is empty as loaded: the worker opens `sealed` into it.
    public var candidate: OpenCaseCandidate
    public var callerPhoneIndex: [UInt8]?
    public var urgeCount: Int
    /// Nil for a case intake opened in the batch itself (its text is known).
    public var sealed: SealedCase?

    public init(candidate: OpenCaseCandidate, callerPhoneIndex: [UInt8]?, urgeCount: Int, sealed: SealedCase? = nil) {
        self.candidate = candidate
        self.callerPhoneIndex = callerPhoneIndex
        self.urgeCount = urgeCount
        self.sealed = sealed
    }
}

/// Named queries of the intake worker, one statement per table and batch.
public enum IntakeStore {
    /// The receipts of the appeals already received under these keys.
    public static func requests(
        _ keys: [IntakeRequestKey], on connection: PostgresConnection, logger: Logger
    ) async throws -> [IntakeRequestKey: IntakeReceipt] {
        guard !keys.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT r.channel, r.external_id, r.receipt::text
            FROM intake_requests r
            JOIN unnest(\(keys.map(\.channel.rawValue))::text[], \(keys.map(\.externalID))::text[]) AS k(channel, external_id)
              ON r.channel = k.channel AND r.external_id = k.external_id
            """, logger: logger)
        var result: [IntakeRequestKey: IntakeReceipt] = [:]
        for try await (channel, externalID, receipt) in rows.decode((String, String, String).self) {
            guard let channel = HotlineDomain.Channel(rawValue: channel) else { continue }
            result[IntakeRequestKey(channel: channel, externalID: externalID)] = try JSONDecoder().decode(IntakeReceipt.self, from: Data(receipt.utf8))
        }
        return result
    }

    /// Counts appeals published again, by how many times each came again in the batch.
    public static func countRepublished(
        _ counts: [IntakeRequestKey: Int], on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !counts.isEmpty else { return }
        let keys = Array(counts.keys)
        try await connection.query(
            """
            UPDATE intake_requests r SET times_received = r.times_received + k.times
            FROM unnest(\(keys.map(\.channel.rawValue))::text[], \(keys.map(\.externalID))::text[],
                        \(keys.map { Int32(counts[$0]!) })::int4[]) AS k(channel, external_id, times)
            WHERE r.channel = k.channel AND r.external_id = k.external_id
            """, logger: logger)
    }

    /// Serialises intake of these callers' appeals across workers for the rest of the
    /// transaction, so two appeals of the same caller never both open a case. The locks
    /// are taken in one order (the indexes sorted), so two batches never deadlock.
    public static func lockCallers(phoneIndexes: [[UInt8]], on connection: PostgresConnection, logger: Logger) async throws {
        let sorted = Set(phoneIndexes).sorted { $0.lexicographicallyPrecedes($1) }
        guard !sorted.isEmpty else { return }
        try await connection.query(
            """
            SELECT pg_advisory_xact_lock(hashtextextended(encode(p, 'hex'), 0))
            FROM unnest(\(sorted.byteaArray)::bytea[]) WITH ORDINALITY AS l(p, position) ORDER BY position
            """, logger: logger)
    }

    /// Cases of these callers (by phone index) or named by these case numbers that take a
    /// repeat as an urge (`CaseStatus.takesUrges`), those closed as an excessive demand
    /// (兰溪 四.5), whose repeats are not accepted, and those closed since `closedSince`
    /// (长沙 第十三条（六）, `repeat.closed_case`; nil: none).
    public static func openCases(
        phoneIndexes: [[UInt8]], caseNumbers: [String], closedSince: Date?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [StoredOpenCase] {
        if phoneIndexes.isEmpty && caseNumbers.isEmpty { return [] }
        let indexes = phoneIndexes.byteaArray
        let rows = try await connection.query(
            """
            SELECT c.id, c.case_number, c.category, c.area_code, c.repeat_blocked,
                   c.caller_phone_index, c.urge_count, c.status = \(CaseStatus.closed.rawValue) AND NOT c.repeat_blocked,
                   \(unescaped: SealedCase.columns)
            FROM cases c
            WHERE (c.status = ANY(\(CaseStatus.allCases.filter(\.takesUrges).map(\.rawValue))) OR c.repeat_blocked
                   OR (c.status = \(CaseStatus.closed.rawValue) AND c.closed_at >= \(closedSince)))
              AND (c.caller_phone_index = ANY(\(indexes)::bytea[]) OR c.case_number = ANY(\(caseNumbers)::text[]))
            ORDER BY c.case_number
            """, logger: logger)
        var result: [StoredOpenCase] = []
        for try await row in rows {
            let (id, number, category, area, blocked, index, urges, closed) = try row.decode(
                (UUID, String, String, String?, Bool, Data?, Int32, Bool).self)
            guard let code = CategoryCode(rawValue: category) else { continue }
            result.append(StoredOpenCase(
                candidate: OpenCaseCandidate(
                    caseID: id, caseNumber: number, category: code, areaCode: area, text: "", repeatBlocked: blocked, closed: closed),
                callerPhoneIndex: index.map { Array($0) }, urgeCount: Int(urges), sealed: try SealedCase.decode(row)))
        }
        return result
    }

    /// Reserves `counts[day]` case numbers on each day in one statement and returns the
    /// last number used before the reservation: the batch numbers its cases after it. Run in
    /// a transaction of its own, it holds a day's row only for that statement, so intake
    /// instances never wait on each other for a whole batch; a batch that then fails leaves
    /// its numbers unused.
    public static func reserveCaseNumbers(_ counts: [String: Int], on connection: PostgresConnection, logger: Logger) async throws -> [String: Int] {
        let days = counts.keys.sorted()
        guard !days.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            INSERT INTO case_number_days (day, last_used)
            SELECT day, count FROM unnest(\(days)::text[], \(days.map { Int32(counts[$0]!) })::int4[]) AS d(day, count) ORDER BY day
            ON CONFLICT (day) DO UPDATE SET last_used = case_number_days.last_used + EXCLUDED.last_used
            RETURNING day, last_used
            """, logger: logger)
        var before: [String: Int] = [:]
        for try await (day, lastUsed) in rows.decode((String, Int32).self) { before[day] = Int(lastUsed) - counts[day, default: 0] }
        return before
    }

    public static func insertCases(_ cases: [NewCase], on connection: PostgresConnection, logger: Logger) async throws {
        guard !cases.isEmpty else { return }
        let events = cases.map(\.event)
        try await connection.query(
            """
            INSERT INTO cases (
                id, case_number, policy_id, policy_version, channel, external_id, category, category_source,
                area_code, appeal_sealed, data_key_sealed, data_key_id, urgent, confidential, status, received_at, accepted_at,
                caller_sealed, caller_key_id, caller_phone_index, intake_event_id, closed_at, answered_entry_id, answered_entry_version,
                callback_owed, lookup_key_sealed)
            SELECT * FROM unnest(
                \(cases.map(\.id))::uuid[], \(cases.map(\.caseNumber))::text[], \(cases.map(\.policyID))::text[],
                \(cases.map(\.policyVersion))::text[], \(events.map(\.channel.rawValue))::text[], \(events.map(\.externalID))::text[],
                \(cases.map(\.category.rawValue))::text[], \(cases.map(\.categorySource.rawValue))::text[],
                \(NullableArray(events.map(\.areaCode)))::text[], \(NullableArray(bytes: cases.map(\.sealed.appealSealed)))::bytea[],
                \(NullableArray(bytes: cases.map(\.sealed.dataKey?.wrapped)))::bytea[], \(NullableArray(cases.map(\.sealed.dataKey?.keyID)))::text[],
                \(events.map(\.urgent))::bool[], \(events.map(\.caller.confidential))::bool[],
                \(cases.map(\.status.rawValue))::text[], \(events.map(\.receivedAt))::timestamptz[], \(cases.map(\.acceptedAt))::timestamptz[],
                \(cases.map(\.sealed.callerSealed).byteaArray)::bytea[], \(cases.map(\.sealed.callerKeyID))::text[],
                \(NullableArray(bytes: cases.map(\.callerPhoneIndex)))::bytea[], \(events.map(\.eventID))::text[],
                \(NullableArray(cases.map { $0.status == .closed ? $0.acceptedAt : nil }))::timestamptz[],
                \(NullableArray(cases.map(\.answeredFrom?.entryID)))::text[],
                \(NullableArray(cases.map { $0.answeredFrom.map { Int32($0.version) } }))::int4[],
                \(cases.map(\.callbackOwed))::bool[], \(NullableArray(bytes: cases.map(\.sealed.lookupKeySealed)))::bytea[])
            """, logger: logger)
    }

    public static func insertRequests(_ requests: [NewIntakeRequest], on connection: PostgresConnection, logger: Logger) async throws {
        guard !requests.isEmpty else { return }
        let events = requests.map(\.event)
        let receipts = requests.map(\.receipt.withoutQueryCode)
        let receiptJSON = try receipts.map { String(decoding: try EventJSON.encode($0), as: UTF8.self) }
        try await connection.query(
            """
            INSERT INTO intake_requests (
                channel, external_id, first_event_id, outcome, reason_code, case_id, category, receipt,
                received_at, recorded_at, content_sealed, content_key_id, content_data_key)
            SELECT channel, external_id, first_event_id, outcome, reason_code, case_id, category, receipt::jsonb,
                   received_at, recorded_at, content_sealed, content_key_id, content_data_key
            FROM unnest(
                \(events.map(\.channel.rawValue))::text[], \(events.map(\.externalID))::text[], \(events.map(\.eventID))::text[],
                \(receipts.map(\.outcome.rawValue))::text[], \(NullableArray(receipts.map(\.reasonCode)))::text[],
                \(NullableArray(receipts.map { $0.caseID.flatMap(UUID.init(uuidString:)) }))::uuid[],
                \(NullableArray(receipts.map(\.category?.rawValue)))::text[], \(receiptJSON)::text[],
                \(events.map(\.receivedAt))::timestamptz[], \(requests.map(\.recordedAt))::timestamptz[],
                \(NullableArray(bytes: requests.map(\.keptText?.sealed)))::bytea[], \(NullableArray(requests.map(\.keptText?.keyID)))::text[],
                \(NullableArray(bytes: requests.map(\.keptText?.wrappedDataKey)))::bytea[])
                AS r(channel, external_id, first_event_id, outcome, reason_code, case_id, category, receipt,
                     received_at, recorded_at, content_sealed, content_key_id, content_data_key)
            """, logger: logger)
    }

    /// An appeal's receipt (without its query code) and its kept text, sealed or, written
    /// before migration 0031, in clear; nil when no appeal has this key.
    public static func keptRequest(
        _ key: IntakeRequestKey, client: PostgresClient, logger: Logger
    ) async throws -> (receiptJSON: String, sealedText: SealedRequestText?, clearText: String?)? {
        let rows = try await client.query(
            """
            SELECT receipt::text, content_sealed, content_key_id, content_data_key, content FROM intake_requests
            WHERE channel = \(key.channel.rawValue) AND external_id = \(key.externalID)
            """, logger: logger)
        for try await (receipt, sealed, keyID, dataKey, clear) in rows.decode((String, ByteBuffer?, String?, ByteBuffer?, String?).self) {
            let text = SealedRequestText(
                sealed: sealed.map { Array($0.readableBytesView) }, keyID: keyID, wrappedDataKey: dataKey.map { Array($0.readableBytesView) })
            return (receipt, text, clear)
        }
        return nil
    }

    /// Links repeat appeals to their open cases as urges (催办) and adds them to each
    /// case's urge count.
    public static func recordUrges(_ urges: [NewUrge], on connection: PostgresConnection, logger: Logger) async throws {
        guard !urges.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO case_urges (case_id, channel, external_id, urged_at)
            SELECT * FROM unnest(\(urges.map(\.caseID))::uuid[], \(urges.map(\.key.channel.rawValue))::text[],
                                 \(urges.map(\.key.externalID))::text[], \(urges.map(\.at))::timestamptz[])
            """, logger: logger)
        let counts = Dictionary(urges.map { ($0.caseID, 1) }, uniquingKeysWith: +)
        let ids = Array(counts.keys)
        try await connection.query(
            """
            UPDATE cases c SET urge_count = c.urge_count + u.times
            FROM unnest(\(ids)::uuid[], \(ids.map { Int32(counts[$0]!) })::int4[]) AS u(id, times)
            WHERE c.id = u.id
            """, logger: logger)
    }
}

public enum PostgresStoreError: Error, CustomStringConvertible {
    case noRowReturned(String)

    public var description: String {
        switch self {
        case let .noRowReturned(table): "the statement on \(table) returned no row; the schema may be out of date (run hotline migrate)"
        }
    }
}
