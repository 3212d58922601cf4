import Foundation
import HotlineKafka
import HotlineWorkers
import Synchronization
import Testing

/// README "Configuration", HOTLINE_BATCH_LINGER_MS: a consumer worker whose batch comes back
/// short waits up to its linger for more, so messages trickling in are handled in fewer
/// transactions (supervision and callbacks, 500 ms by default); without a linger (intake and
/// dispatch) the first message is handled at once.
@Suite(.serialized)
struct BatchLingerTests {
    /// Records the size of every batch the worker hands over.
    final class RecordingProcessor: BatchProcessor {
        let sizes = Mutex<[Int]>([])
        func process(_ batch: [ConsumedMessage]) async throws { sizes.withLock { $0.append(batch.count) } }
    }

    /// Runs a worker with `linger` while one message and then, 300 ms later, four more arrive;
    /// the batch sizes it handed over.
    func batches(linger: Duration, group: String, stack: TestStack) async throws -> [Int] {
        let configuration = KafkaConfiguration(bootstrapServers: stack.kafkaBrokers)
        let consumer = try KafkaConsumer(configuration: configuration, groupID: group, topics: ["hotline.cases.v1"], logger: stack.logger)
        let processor = RecordingProcessor()
        let worker = ConsumerWorker(consumer: consumer, pipeline: processor, batchSize: 100, linger: linger, logger: stack.logger)
        let running = Task { try await worker.run() }
        // The group's first fetch: wait until the worker consumes a message of its own.
        let producer = try KafkaProducer(configuration: configuration, logger: stack.logger)
        func send(_ count: Int, tag: String) async throws {
            try await producer.send((0..<count).map { number in
                OutgoingMessage(topic: "hotline.cases.v1", key: Array("linger-\(group)".utf8), value: Array("\(tag)-\(number)".utf8))
            })
        }
        try await send(1, tag: "warm-up")
        try await stack.waitUntil("the worker joined its group and took a first message") { processor.sizes.withLock { !$0.isEmpty } }
        processor.sizes.withLock { $0 = [] }
        try await send(1, tag: "first")
        try await Task.sleep(for: .milliseconds(300))
        try await send(4, tag: "then")
        try await stack.waitUntil("all five messages are handled") { processor.sizes.withLock { $0.reduce(0, +) } >= 5 }
        producer.close()
        running.cancel()
        _ = try? await running.value
        return processor.sizes.withLock { $0 }
    }

    /// The linger is long beside the 300 ms gap: on a loaded CI machine the four messages once
    /// reached the worker more than 2 s after the first, split over two fetches.
    @Test func aShortBatchWaitsItsLingerForMore() async throws {
        try await TestStack.with { stack in
            let sizes = try await batches(linger: .seconds(10), group: "test-linger", stack: stack)
            #expect(sizes == [5], "one batch gathered within the linger: \(sizes)")
        }
    }

    @Test func withoutALingerTheFirstMessageIsHandledAtOnce() async throws {
        try await TestStack.with { stack in
            let sizes = try await batches(linger: .zero, group: "test-no-linger", stack: stack)
            #expect(sizes.first == 1 && sizes.reduce(0, +) == 5, "the first message alone, the rest after it: \(sizes)")
        }
    }
}
