import HotlineKafka
import Logging
import ServiceLifecycle

/// A consumer-group member running a `BatchPipeline`: take a batch (a short one waits up
/// to `linger` for more), commit its effects to PostgreSQL, then store its offsets. On
/// SIGTERM/SIGINT it stops fetching, finishes the batch in hand, commits the stored offsets
/// and leaves the group.
public struct ConsumerWorker: Service {
    let consumer: KafkaConsumer
    let pipeline: any BatchProcessor
    let batchSize: Int
    let linger: Duration
    let logger: Logger

    public init(consumer: KafkaConsumer, pipeline: any BatchProcessor, batchSize: Int, linger: Duration = .zero, logger: Logger) {
        self.consumer = consumer
        self.pipeline = pipeline
        self.batchSize = batchSize
        self.linger = linger
        self.logger = logger
    }

    public func run() async throws {
        defer { logger.info("consumer left the group", metadata: ["group": "\(consumer.groupID)"]) }
        do {
            try await withTaskCancellationOrGracefulShutdownHandler {
                while true {
                    let batch = await takeBatch()
                    if batch.isEmpty { break }
                    try await pipeline.process(batch)
                    do {
                        try consumer.storeOffsets(for: batch)
                    } catch {
                        logger.warning("storing offsets failed; the batch will be redelivered and skipped", metadata: ["error": "\(error)"])
                    }
                }
            } onCancelOrGracefulShutdown: {
                // Also on cancellation: a waiting `nextBatch` returns only once fetching stops.
                logger.info("graceful shutdown: finishing the batch in hand")
                consumer.stopFetching()
            }
        } catch is CancellationError {
            logger.info("shutdown interrupted a batch; it was rolled back and will be redelivered")
        }
        if await !consumer.close() {
            logger.warning("leaving the group did not finish in time (Kafka unreachable?); exiting without it", metadata: [
                "group": "\(consumer.groupID)",
                "effect": "offsets stored since the last commit are redelivered to the next member and skipped as already applied",
            ])
        }
    }
}

extension ConsumerWorker {
    /// Waits for a first message, then gathers what arrives within `linger` of it, up to
    /// `batchSize`; empty once the consumer stops fetching.
    private func takeBatch() async -> [ConsumedMessage] {
        var batch = await consumer.nextBatch(maxMessages: batchSize)
        let until = ContinuousClock.now + linger
        while !batch.isEmpty, batch.count < batchSize, ContinuousClock.now < until {
            let more = await consumer.nextBatch(maxMessages: batchSize - batch.count, timeout: until - ContinuousClock.now)
            if more.isEmpty { break }
            batch += more
        }
        return batch
    }
}

/// ServiceLifecycle logs the services it starts: the group, not every field of the rules.
extension ConsumerWorker: CustomStringConvertible {
    public var description: String { "ConsumerWorker(group: \(consumer.groupID))" }
}
