import Foundation

/// The answer to every callback result, on `hotline.callback-outcomes.v1` keyed by
/// task id: accepted, or refused with a reason code and a sentence, the task untouched.
public struct CallbackOutcome: Sendable, Encodable, Equatable {
    public enum Code: String, Sendable, CaseIterable {
        /// No such task.
        case unknownTask = "unknown_task"
        /// The task already has its rating, or was followed up by another.
        case alreadyRated = "already_rated"
        /// The message is not a valid result (see the topic's schema).
        case malformed
        /// Well signed, but not by the task's performer (issue 19, `SenderAuthorisation`).
        case forbidden
    }

    public struct Refusal: Sendable, Equatable {
        public var code: Code
        public var reason: String

        /// The sentence is cut to the topic's 500 code points: a malformed result's
        /// decoder message quotes what it read, which may be long.
        public init(_ code: Code, _ reason: String) {
            self.code = code
            self.reason = String(String.UnicodeScalarView(reason.unicodeScalars.prefix(500)))
        }
    }

    public var eventID: UUID
    public var resultEventID: String?
    public var taskID: UUID?
    public var caseID: UUID?
    public var caseNumber: String?
    public var refusal: Refusal?
    public var occurredAt: Date

    public init(
        eventID: UUID, resultEventID: String?, taskID: UUID?, caseID: UUID?, caseNumber: String?,
        refusal: Refusal?, occurredAt: Date
    ) {
        self.eventID = eventID
        self.resultEventID = resultEventID
        self.taskID = taskID
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.refusal = refusal
        self.occurredAt = occurredAt
    }

    public var type: String { refusal == nil ? "callback.result_accepted" : "callback.result_refused" }

    enum CodingKeys: String, CodingKey {
        case type, reason
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case resultEventID = "result_event_id"
        case taskID = "task_id"
        case caseID = "case_id"
        case caseNumber = "case_number"
        case reasonCode = "reason_code"
        case occurredAt = "occurred_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(type, forKey: .type)
        // Echoed as read, cut to the topic's 200 code points.
        try container.encode(resultEventID.map { String(String.UnicodeScalarView($0.unicodeScalars.prefix(200))) }, forKey: .resultEventID)
        try container.encode(taskID?.uuidString.lowercased(), forKey: .taskID)
        try container.encode(caseID?.uuidString.lowercased(), forKey: .caseID)
        try container.encode(caseNumber, forKey: .caseNumber)
        if let refusal {
            try container.encode(refusal.code.rawValue, forKey: .reasonCode)
            try container.encode(refusal.reason, forKey: .reason)
        }
        try container.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
    }
}
