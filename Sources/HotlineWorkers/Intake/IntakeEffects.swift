import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres

/// Everything a batch of appeals writes, gathered while deciding and written once per
/// table at the end of the batch's transaction.
public struct IntakeEffects: BatchEffects {
    var cases: [NewCase] = []
    var history: [HistoryEntry] = []
    var requests: [NewIntakeRequest] = []
    /// Appeals published again, and how often in this batch.
    var republished: [IntakeRequestKey: Int] = [:]
    var urges: [NewUrge] = []
    var clocks: [ClockRecord] = []
    /// Messages refused, dead-lettered by the pipeline.
    public var rejections: [Rejection] = []
    /// The last case number the batch used on each day it opened cases.
    var lastCaseNumbers: [String: Int] = [:]
    public var outbox: [OutboxMessage] = []
    /// What each message came to, in the batch's order, for tests and logs.
    var outcomes: [IntakeMessageOutcome] = []
}

/// What one message of a batch came to.
public enum IntakeMessageOutcome: Sendable, Equatable {
    case rejected(DeadLetterReason)
    case republished
    case decided(IntakeReceipt.Outcome, caseNumber: String?)
}
