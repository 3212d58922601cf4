import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres

/// Everything a batch of appeals writes, gathered while deciding and written once per
/// table at the end of the batch's transaction.
struct IntakeEffects: Sendable {
    var cases: [NewCase] = []
    var history: [HistoryEntry] = []
    var requests: [NewIntakeRequest] = []
    /// Appeals published again, and how often in this batch.
    var republished: [IntakeRequestKey: Int] = [:]
    var urges: [NewUrge] = []
    var clocks: [(caseID: UUID, plan: ClockPlan)] = []
    var processed: [ProcessedEvent] = []
    /// Messages refused, dead-lettered at flush.
    var rejections: [(message: ConsumedMessage, rejection: IntakeRejection)] = []
    /// The last case number the batch used on each day it opened cases.
    var lastCaseNumbers: [String: Int] = [:]
    var outbox: [OutboxMessage] = []
    /// What each message came to, in the batch's order, for tests and logs.
    var outcomes: [IntakeMessageOutcome] = []
}

/// What one message of a batch came to.
enum IntakeMessageOutcome: Sendable, Equatable {
    case rejected(DeadLetterReason)
    case redelivered
    case republished
    case decided(IntakeReceipt.Outcome, caseNumber: String?)
}
