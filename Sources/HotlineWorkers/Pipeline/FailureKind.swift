import Foundation
import HotlineDomain
import PostgresNIO

/// How a failed batch transaction should be retried.
enum FailureKind: Equatable, CaseIterable {
    /// PostgreSQL is unreachable, the connection broke, or a lock held elsewhere (a
    /// migration, a manual transaction) outlasted `lock_timeout`: wait and retry, however
    /// long it takes; the message is not at fault.
    case infrastructure
    /// A conflict with a concurrent transaction (deadlock, serialization, unique race): retry soon.
    case conflict
    /// The data or a bug: retry a little, then isolate the message that fails.
    case poison
    /// A failure no retry can fix: a deadline whose instant the working-day calendar cannot
    /// count, because it does not cover the year (`CalendarError`). The same input fails
    /// the same way until the calendar file is added, so it is isolated at once, never
    /// retried (DESIGN.md: a deterministic failure never stalls a partition).
    case deterministic

    /// How long a sweep leaves a row it could not count aside before trying it again: long
    /// enough not to fail every sweep, short enough that the row moves on within the hour
    /// once the calendar file is added.
    static let calendarRetryDelay: TimeInterval = 60 * 60

    /// How often a conflict is retried before it is judged like any other failure: a race
    /// with another instance clears on the next try, a unique violation the data itself
    /// causes (a co-unit named twice) never does, and must not stall the partition.
    static let conflictRetries = 10

    static func of(_ error: any Error) -> FailureKind {
        let cause = cause(of: error)
        // Still wrapped: nothing failed but the rollback, so the connection is suspect.
        if cause is PostgresTransactionError { return .infrastructure }
        if cause is CalendarError { return .deterministic }
        if let psql = cause as? PSQLError {
            guard let state = psql.serverInfo?[.sqlState] else { return .infrastructure }
            if state.hasPrefix("40") || state == "23505" { return .conflict }
            // 55P03: lock_timeout (DatabaseSession), which no number of quick retries outlasts.
            if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57") || state == "55P03" { return .infrastructure }
            return .poison
        }
        if cause is CancellationError { return .infrastructure }
        return .poison
    }

    /// A dead letter's reason for the sender: what kind of failure it was, never the
    /// internal error (that goes to the worker's log, under the message's offset).
    static func sentence(for error: any Error, worker: String) -> String {
        let what: String
        if let psql = cause(of: error) as? PSQLError, let state = psql.serverInfo?[.sqlState] {
            what = switch state {
            case "23505": "it conflicts with data already recorded (a value that must be unique is repeated)"
            case let code where code.hasPrefix("22"): "it holds a value the database cannot store (SQLSTATE \(code))"
            case let code where code.hasPrefix("23"): "it breaks a rule of the stored data (SQLSTATE \(code))"
            default: "the database refused it (SQLSTATE \(state))"
            }
        } else {
            what = "the \(worker) worker could not apply it"
        }
        return "The event is well-formed but applying it kept failing: \(what). It is kept on hotline.intake.dlq.v1; the hotline team has the details in the \(worker) worker's log and can replay it once the cause is fixed."
    }

    /// What a failed transaction comes down to: postgres-nio wraps the error its closure,
    /// `BEGIN` or `COMMIT` threw in a `PostgresTransactionError`.
    static func cause(of error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError,
              let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        else { return error }
        return cause(of: inner)
    }
}
