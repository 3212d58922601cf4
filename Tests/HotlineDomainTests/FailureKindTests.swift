import Foundation
import HotlineDomain
@testable import HotlineWorkers
@testable import PostgresNIO
import Testing

/// How the batch pipeline treats a failed transaction (`FailureKind`). A deadline the
/// working-day calendar cannot count fails the same way on every attempt, so it is set
/// aside at once, never retried (DESIGN.md: a deterministic failure never stalls a
/// partition); the other kinds are what they were.
@Suite struct FailureKindTests {
    /// The error of a deadline in a year the calendar does not cover, as the domain throws it:
    /// a calendar with no year at all covers no deadline.
    func yearNotCovered() throws -> CalendarError {
        let calendar = try WorkingDayCalendar([])
        return try #require(throws: CalendarError.self) {
            _ = try calendar.due(from: Fixtures.receivedAt, limit: .workingDays(1))
        }
    }

    /// postgres-nio hands a batch's error back wrapped, as the error its closure threw.
    func thrownInATransaction(_ error: any Error) -> PostgresTransactionError {
        PostgresTransactionError(file: #fileID, line: #line, closureError: error)
    }

    func uniqueViolation() -> PSQLError {
        .server(.init(fields: [.severity: "ERROR", .sqlState: "23505", .message: "duplicate key value violates unique constraint"]))
    }

    @Test func aYearTheCalendarDoesNotCoverIsDeterministic() throws {
        let error = try yearNotCovered()
        guard case .yearNotCovered = error else {
            Issue.record("expected yearNotCovered, got \(error)")
            return
        }
        #expect(FailureKind.of(error) == .deterministic)
        #expect(FailureKind.of(CalendarError.invalid(year: 2027, problem: "the year is given twice")) == .deterministic)
    }

    /// What the pipeline really sees: the calendar's error inside the transaction's, whose
    /// sentence becomes the dead letter's reason.
    @Test func aCalendarGapThrownInATransactionIsDeterministic() throws {
        let error = try yearNotCovered()
        let wrapped = thrownInATransaction(error)
        #expect(FailureKind.of(wrapped) == .deterministic)
        #expect(FailureKind.cause(of: wrapped) as? CalendarError == error)
        #expect("\(FailureKind.cause(of: wrapped))" == error.description)
    }

    @Test func aUniqueViolationIsStillAConflict() {
        #expect(FailureKind.of(uniqueViolation()) == .conflict)
        #expect(FailureKind.of(thrownInATransaction(uniqueViolation())) == .conflict)
    }

    /// A lock wait past the session's lock_timeout is not the message's fault: it is
    /// retried like an unreachable server, never isolated and dead-lettered.
    @Test func aLockTimeoutIsRetriedAsInfrastructure() {
        let lockTimeout = PSQLError.server(.init(fields: [.severity: "ERROR", .sqlState: "55P03", .message: "canceling statement due to lock timeout"]))
        #expect(FailureKind.of(thrownInATransaction(lockTimeout)) == .infrastructure)
    }

    /// Any other failure of the data or a bug is still retried a little, then dead-lettered
    /// as `processing_error`.
    @Test func otherFailuresAreStillPoison() {
        let bug = IntakeRejection(.processingError, "case does not exist")
        #expect(FailureKind.of(bug) == .poison)
        #expect(FailureKind.of(thrownInATransaction(bug)) == .poison)
    }
}
