import HotlineKafka
import Synchronization

/// What one batch transaction did with its messages: the duplicates it skipped and
/// the messages it dead-lettered, counted while the transaction runs and added to
/// `/metrics` only after it committed. A transaction that rolls back and is retried
/// therefore counts each message once, as what the committed attempt did with it.
final class BatchTally: Sendable {
    /// The tally of the transaction the current task runs, if any.
    @TaskLocal static var current: BatchTally?

    private struct Counts {
        var duplicates: [String: Int] = [:]
        var deadLetters: [DeadLetterKey: Int] = [:]
        var receipts: [ReceiptKey: Int] = [:]
    }

    private struct ReceiptKey: Hashable {
        var outcome: String
        var duplicate: Bool
    }

    private struct DeadLetterKey: Hashable {
        var topic: String
        var reason: String
    }

    private let counts = Mutex(Counts())

    /// A skipped duplicate from `topic`.
    static func duplicate(topic: String) {
        current?.counts.withLock { $0.duplicates[topic, default: 0] += 1 }
    }

    /// A message from `topic` dead-lettered with `reason`.
    static func deadLettered(topic: String, reason: String) {
        current?.counts.withLock { $0.deadLetters[DeadLetterKey(topic: topic, reason: reason), default: 0] += 1 }
    }

    /// A receipt for a channel adapter, with its outcome.
    static func receipt(outcome: String, duplicate: Bool) {
        current?.counts.withLock { $0.receipts[ReceiptKey(outcome: outcome, duplicate: duplicate), default: 0] += 1 }
    }

    /// Runs `body` (one transaction) with a fresh tally; once it returned, that is once
    /// the transaction committed, adds its messages to the worker's series per topic:
    /// consumed, skipped as duplicates, dead-lettered, and applied (the rest); and the
    /// receipts it issued.
    static func counting<T>(worker: String, _ batch: [ConsumedMessage], _ body: () async throws -> T) async rethrows -> T {
        let tally = BatchTally()
        let result = try await $current.withValue(tally) { try await body() }
        let counts = tally.counts.withLock { $0 }
        for (topic, messages) in Dictionary(grouping: batch, by: \.topic) {
            let duplicates = counts.duplicates[topic] ?? 0
            let deadLetters = counts.deadLetters.filter { $0.key.topic == topic }
            WorkerMetrics.consumed(worker: worker, topic: topic, count: messages.count)
            WorkerMetrics.duplicates(worker: worker, topic: topic, count: duplicates)
            for (key, count) in deadLetters {
                WorkerMetrics.deadLettered(worker: worker, topic: topic, reason: key.reason, count: count)
            }
            WorkerMetrics.applied(worker: worker, topic: topic, count: messages.count - duplicates - deadLetters.values.reduce(0, +))
        }
        for (key, count) in counts.receipts {
            WorkerMetrics.receipts(outcome: key.outcome, duplicate: key.duplicate, count: count)
        }
        return result
    }
}
