/// Why a message could not be processed. The codes are part of the
/// `hotline.intake.dlq.v1` contract.
public enum DeadLetterReason: String, Sendable, Codable, CaseIterable {
    case emptyValue = "empty_value"
    case tooLarge = "too_large"
    case invalidUTF8 = "invalid_utf8"
    case invalidJSON = "invalid_json"
    case unknownSchemaVersion = "unknown_schema_version"
    case schemaViolation = "schema_violation"
    /// A text field holds U+0000: valid JSON, but never part of what a caller said, and no
    /// PostgreSQL text column can store it.
    case nulCharacter = "nul_character"
    /// An intake event's `answered_from` names an entry version that does not exist or was
    /// not approved when the appeal came in; fix the version and publish again.
    case unknownEntryVersion = "unknown_entry_version"
    /// A valid event whose processing kept failing (a bug or a data conflict).
    case processingError = "processing_error"
    /// A valid event that needs a deadline in a year the working-day calendar does not
    /// cover: no retry can count it, so it is set aside at once rather than stall the
    /// events behind it. Add the year's calendar file, then replay it.
    case calendarNotCovered = "calendar_not_covered"
    /// A message on a signed topic without a valid signature by a key the directory holds
    /// valid at its receipt, or a replay: sent outside the window, or an event id already
    /// applied with other bytes (docs/CONTRACTS.md "Signed messages").
    case unauthenticated
    /// A well-signed message its sender may not send: a unit acting for another unit, a
    /// centre action or knowledge review not signed by the centre, a callback result not
    /// from the task's performer.
    case forbidden
}

/// A precise, machine-readable rejection of one message.
public struct IntakeRejection: Error, Sendable, Equatable {
    public var reason: DeadLetterReason
    /// One human sentence: what is wrong and what to do.
    public var message: String
    /// JSON pointer of the offending field, when there is one.
    public var field: String?

    public init(_ reason: DeadLetterReason, _ message: String, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}
