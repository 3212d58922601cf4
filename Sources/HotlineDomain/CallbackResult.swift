import Foundation

/// What a callback adapter (SMS gateway, IVR, callback staff) reports for one task on
/// `hotline.callback-results.v1`: whether the citizen answered and, if so, the rating
/// (长沙 第二十六条), whether the matter was resolved, an optional comment, who called and when.
public struct CallbackResult: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case answered
        /// Rang or sent, nobody answered (yet): an automatic task waits for its window.
        case noAnswer = "no_answer"
        /// The number does not work.
        case unreachable
    }

    public var eventID: String
    public var taskID: UUID
    public var outcome: Outcome
    public var rating: CallbackRating?
    public var resolved: Bool?
    /// Free text from the citizen or the caller-back; kept sealed, never republished.
    public var comment: String?
    public var calledBy: String
    public var calledAt: Date

    public init(
        eventID: String, taskID: UUID, outcome: Outcome, rating: CallbackRating?, resolved: Bool?, comment: String?,
        calledBy: String, calledAt: Date
    ) {
        self.eventID = eventID
        self.taskID = taskID
        self.outcome = outcome
        self.rating = rating
        self.resolved = resolved
        self.comment = comment
        self.calledBy = calledBy
        self.calledAt = calledAt
    }
}

/// Turns a `hotline.callback-results.v1` message into a `CallbackResult`, enforcing
/// the topic's schema: a rating and `resolved` exactly when the citizen answered.
public struct CallbackResultDecoder: Sendable {
    public static let topic = "hotline.callback-results.v1"
    public static let supportedSchemaVersion: Int64 = 1
    public static let maximumBytes = 16_384
    static let fields: Set<String> = [
        "schema_version", "event_id", "task_id", "outcome", "rating", "resolved", "comment", "called_by", "called_at",
    ]

    /// What could be read of a malformed result, so the refusal reaches its adapter.
    public struct Failure: Error, Sendable, Equatable {
        public var rejection: IntakeRejection
        public var eventID: String?
        public var taskID: UUID?
    }

    public init() {}

    public func decode(_ value: [UInt8]?) -> Result<CallbackResult, Failure> {
        var failure = Failure(rejection: IntakeRejection(.processingError, ""))
        do {
            let message = try JSONMessage.parse(value, maximumBytes: Self.maximumBytes)
            failure.eventID = try? message.optionalString("event_id")
            failure.taskID = (try? message.optionalString("task_id")).flatMap { $0.flatMap(UUID.init(uuidString:)) }
            return .success(try decode(message))
        } catch {
            failure.rejection = error
            return .failure(failure)
        }
    }

    private func decode(_ message: JSONMessage) throws(IntakeRejection) -> CallbackResult {
        try message.requireSchemaVersion(Self.supportedSchemaVersion)
        try message.refuseUnknown(allowed: Self.fields, in: Self.topic)
        let eventID = try message.requiredEventID()
        guard let taskID = UUID(uuidString: try message.requiredString("task_id")) else {
            throw message.violation("task_id", "must be a task id (UUID) as published on hotline.callback-tasks.v1")
        }
        guard let outcome = CallbackResult.Outcome(rawValue: try message.requiredString("outcome")) else {
            throw message.violation("outcome", "must be one of \(CallbackResult.Outcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let ratingText = try message.optionalString("rating")
        let resolved = try message.optionalBool("resolved")
        let rating: CallbackRating?
        if outcome == .answered {
            guard let ratingText, let parsed = CallbackRating(rawValue: ratingText) else {
                throw message.violation("rating", "is required when the citizen answered: one of \(CallbackRating.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard resolved != nil else { throw message.violation("resolved", "is required when the citizen answered: true or false") }
            rating = parsed
        } else {
            guard ratingText == nil, resolved == nil else {
                throw message.violation("rating", "and resolved are only given when the citizen answered")
            }
            rating = nil
        }
        let comment = try message.optionalString("comment")
        // Lengths in code points, as JSON Schema counts them.
        if let comment, !(1...2000).contains(comment.unicodeScalars.count) { throw message.violation("comment", "must be 1 to 2000 characters") }
        let calledBy = try message.requiredString("called_by")
        guard (1...64).contains(calledBy.unicodeScalars.count) else { throw message.violation("called_by", "must be 1 to 64 characters") }
        guard let calledAt = RFC3339.parse(try message.requiredString("called_at")) else {
            throw message.violation("called_at", "must be an RFC 3339 date-time with an offset")
        }
        return CallbackResult(
            eventID: eventID, taskID: taskID, outcome: outcome, rating: rating, resolved: outcome == .answered ? resolved : nil,
            comment: comment, calledBy: calledBy, calledAt: calledAt)
    }
}
