import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres

/// Everything a batch of appeals writes, gathered while deciding and written once per
/// table at the end of the batch's transaction. The cases the batch opens carry numbers of
/// the batch's own (`…-000001` on, per day) until `numbered(after:)` moves them past the
/// numbers reserved before them.
public struct IntakeEffects: BatchEffects {
    var cases: [NewCase] = []
    var history: [HistoryEntry] = []
    var requests: [NewIntakeRequest] = []
    /// Appeals published again, and how often in this batch.
    var republished: [IntakeRequestKey: Int] = [:]
    var urges: [NewUrge] = []
    var clocks: [ClockRecord] = []
    /// The query code verifiers of the cases opened (their numbers come from `cases` as they are written).
    var verifiers: [LookupVerifier] = []
    /// Messages refused, dead-lettered by the pipeline.
    public var rejections: [Rejection] = []
    /// Receipts and lifecycle events to publish, in order.
    var outgoing: [IntakeOutgoing] = []
    /// What each message came to, in the batch's order, for tests and logs (with the
    /// batch's own case numbers).
    var outcomes: [IntakeMessageOutcome] = []

    /// How many case numbers the batch needs on each day: the cases it opened so far.
    private(set) var caseNumbersNeeded: [String: Int] = [:]

    /// The batch's own number for the next case opened on the day an appeal was received.
    mutating func nextCaseNumber(receivedAt: Date) -> String {
        let day = CaseNumber.day(of: receivedAt)
        caseNumbersNeeded[day, default: 0] += 1
        return CaseNumber.make(acceptedAt: receivedAt, sequence: caseNumbersNeeded[day]!)
    }

    /// The effects with each new case numbered after the last number used on its day
    /// before the batch: the case row, its receipts (a repeat merged into it included) and
    /// its events all carry the final number.
    func numbered(after lastUsed: [String: Int]) -> IntakeEffects {
        var numbers: [UUID: String] = [:]
        var copy = self
        for index in copy.cases.indices {
            let event = copy.cases[index].event
            let local = Int(copy.cases[index].caseNumber.suffix(6)) ?? 0
            let final = CaseNumber.make(acceptedAt: event.receivedAt, sequence: lastUsed[CaseNumber.day(of: event.receivedAt), default: 0] + local)
            numbers[copy.cases[index].id] = final
            copy.cases[index].caseNumber = final
        }
        func renumber(_ receipt: inout IntakeReceipt) {
            if let caseID = receipt.caseID.flatMap(UUID.init(uuidString:)), let final = numbers[caseID] { receipt.caseNumber = final }
        }
        for index in copy.requests.indices { renumber(&copy.requests[index].receipt) }
        copy.outgoing = copy.outgoing.map { outgoing in
            switch outgoing {
            case .receipt(var receipt, let key, let trace):
                renumber(&receipt)
                return .receipt(receipt, key: key, trace: trace)
            case .caseEvent(var event, let trace):
                if let final = numbers[event.caseID] { event.caseNumber = final }
                return .caseEvent(event, trace: trace)
            }
        }
        return copy
    }

    /// The receipts and events as outbox messages.
    func outbox() throws -> [OutboxMessage] {
        try outgoing.map { outgoing in
            switch outgoing {
            case let .receipt(receipt, key, trace):
                OutboxMessage(
                    topic: TopicName.receipts, key: key, payload: try EventJSON.encode(receipt),
                    headers: EventHeaders.make(eventID: receipt.eventID, type: "receipt.\(receipt.outcome.rawValue)", trace: trace))
            case let .caseEvent(event, trace):
                try caseMessage(event, trace: trace)
            }
        }
    }
}

/// A receipt for the adapter or a lifecycle event of a case, before it is encoded, with
/// the trace of the appeal it answers.
enum IntakeOutgoing: Sendable {
    case receipt(IntakeReceipt, key: [UInt8], trace: TraceHeaders)
    case caseEvent(CaseEvent, trace: TraceHeaders)
}

/// What one message of a batch came to.
public enum IntakeMessageOutcome: Sendable, Equatable {
    case rejected(DeadLetterReason)
    case republished
    case decided(IntakeReceipt.Outcome, caseNumber: String?)
}
