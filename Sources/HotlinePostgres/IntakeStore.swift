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
    public var callerSealed: [UInt8]
    public var callerKeyID: String
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
        callerSealed: [UInt8], callerKeyID: String, callerPhoneIndex: [UInt8]?,
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
        self.callerSealed = callerSealed
        self.callerKeyID = callerKeyID
        self.callerPhoneIndex = callerPhoneIndex
        self.status = status
        self.answeredFrom = answeredFrom
        self.callbackOwed = callbackOwed
    }
}

/// The record of an intake request (channel, external id) and the receipt it got.
public struct IntakeRequestRecord: Sendable {
    public var outcome: String
    public var receiptJSON: String
}

/// Named queries of the intake worker.
public enum IntakeStore {
    public static func request(
        channel: HotlineDomain.Channel, externalID: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> IntakeRequestRecord? {
        let rows = try await connection.query(
            """
            SELECT outcome, receipt::text FROM intake_requests
            WHERE channel = \(channel.rawValue) AND external_id = \(externalID)
            """, logger: logger)
        for try await (outcome, receipt) in rows.decode((String, String).self) {
            return IntakeRequestRecord(outcome: outcome, receiptJSON: receipt)
        }
        return nil
    }

    public static func countRepublished(
        channel: HotlineDomain.Channel, externalID: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE intake_requests SET times_received = times_received + 1
            WHERE channel = \(channel.rawValue) AND external_id = \(externalID)
            """, logger: logger)
    }

    /// Serialises intake of one caller's appeals across workers for the rest of the
    /// transaction, so two appeals of the same caller never both open a case.
    public static func lockCaller(phoneIndex: [UInt8], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(encode(\(Data(phoneIndex)), 'hex'), 0))", logger: logger)
    }

    /// Open cases of the caller (by phone index) or the open case the caller named, and
    /// those closed as an excessive demand (兰溪 四.5), whose repeats are not accepted.
    public static func openCases(
        phoneIndex: [UInt8]?, caseNumber: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [OpenCaseCandidate] {
        if phoneIndex == nil && caseNumber == nil { return [] }
        let rows = try await connection.query(
            """
            SELECT id, case_number, category, area_code, coalesce(subject || E'\\n', '') || content, repeat_blocked
            FROM cases
            WHERE status NOT IN ('closed', 'archived')
              AND (caller_phone_index = \(phoneIndex.map { Data($0) }) OR case_number = \(caseNumber))
            UNION ALL
            SELECT id, case_number, category, area_code, coalesce(subject || E'\\n', '') || content, repeat_blocked
            FROM cases
            WHERE repeat_blocked AND status IN ('closed', 'archived')
              AND (caller_phone_index = \(phoneIndex.map { Data($0) }) OR case_number = \(caseNumber))
            ORDER BY 2
            """, logger: logger)
        var result: [OpenCaseCandidate] = []
        for try await (id, number, category, area, text, blocked) in rows.decode((UUID, String, String, String?, String, Bool).self) {
            guard let code = CategoryCode(rawValue: category) else { continue }
            result.append(OpenCaseCandidate(caseID: id, caseNumber: number, category: code, areaCode: area, text: text, repeatBlocked: blocked))
        }
        return result
    }

    /// The next number of the day's case-number sequence.
    public static func nextCaseSequence(day: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            INSERT INTO case_number_days (day, last_used) VALUES (\(day), 1)
            ON CONFLICT (day) DO UPDATE SET last_used = case_number_days.last_used + 1
            RETURNING last_used
            """, logger: logger)
        for try await value in rows.decode(Int32.self) { return Int(value) }
        throw PostgresStoreError.noRowReturned("case_number_days")
    }

    public static func insertCase(_ newCase: NewCase, on connection: PostgresConnection, logger: Logger) async throws {
        let event = newCase.event
        try await connection.query(
            """
            INSERT INTO cases (
                id, case_number, policy_id, policy_version, channel, external_id, category, category_source,
                area_code, subject, content, urgent, confidential, status, received_at, accepted_at,
                caller_sealed, caller_key_id, caller_phone_index, intake_event_id, closed_at, answered_entry_id, answered_entry_version,
                callback_owed)
            VALUES (
                \(newCase.id), \(newCase.caseNumber), \(newCase.policyID), \(newCase.policyVersion),
                \(event.channel.rawValue), \(event.externalID), \(newCase.category.rawValue), \(newCase.categorySource.rawValue),
                \(event.areaCode), \(event.subject), \(event.content), \(event.urgent), \(event.caller.confidential),
                \(newCase.status.rawValue), \(event.receivedAt), \(newCase.acceptedAt),
                \(Data(newCase.callerSealed)), \(newCase.callerKeyID), \(newCase.callerPhoneIndex.map { Data($0) }), \(event.eventID),
                \(newCase.status == .closed ? newCase.acceptedAt : nil), \(newCase.answeredFrom?.entryID),
                \(newCase.answeredFrom.map { Int32($0.version) }), \(newCase.callbackOwed))
            """, logger: logger)
    }

    public static func insertRequest(
        event: IntakeEvent, receipt: IntakeReceipt, receiptJSON: String, recordedAt: Date, keepContent: Bool,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let caseID = receipt.caseID.flatMap(UUID.init(uuidString:))
        try await connection.query(
            """
            INSERT INTO intake_requests (
                channel, external_id, first_event_id, outcome, reason_code, case_id, category, receipt,
                received_at, recorded_at, content)
            VALUES (
                \(event.channel.rawValue), \(event.externalID), \(event.eventID), \(receipt.outcome.rawValue),
                \(receipt.reasonCode), \(caseID), \(receipt.category?.rawValue), \(receiptJSON)::jsonb,
                \(event.receivedAt), \(recordedAt), \(keepContent ? event.text : nil))
            """, logger: logger)
    }

    /// Links a repeat appeal to its open case as an urge (催办); returns the case's urge count.
    public static func recordUrge(
        caseID: UUID, event: IntakeEvent, at: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        try await connection.query(
            """
            INSERT INTO case_urges (case_id, channel, external_id, urged_at)
            VALUES (\(caseID), \(event.channel.rawValue), \(event.externalID), \(at))
            """, logger: logger)
        let rows = try await connection.query(
            "UPDATE cases SET urge_count = urge_count + 1 WHERE id = \(caseID) RETURNING urge_count", logger: logger)
        for try await count in rows.decode(Int32.self) { return Int(count) }
        throw PostgresStoreError.noRowReturned("cases")
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
