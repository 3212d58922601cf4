import HotlineKafka
import Logging
import ServiceLifecycle

/// A consumer-group member running a `BatchPipeline`: take a batch, commit its
/// effects to PostgreSQL, then store its offsets. On SIGTERM/SIGINT it stops
/// fetching, finishes the batch in hand, commits the stored offsets and leaves
/// the group.
public struct ConsumerWorker: Service {
    let consumer: KafkaConsumer
    let pipeline: any BatchProcessor
    let batchSize: Int
    let logger: Logger

    public init(consumer: KafkaConsumer, pipeline: any BatchProcessor, batchSize: Int, logger: Logger) {
        self.consumer = consumer
        self.pipeline = pipeline
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        defer { logger.info("consumer left the group", metadata: ["group": "\(consumer.groupID)"]) }
        do {
            try await withTaskCancellationOrGracefulShutdownHandler {
                while true {
                    let batch = await consumer.nextBatch(maxMessages: batchSize)
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

/// ServiceLifecycle logs the services it starts: the group, not every field of the rules.
extension ConsumerWorker: CustomStringConvertible {
    public var description: String { "ConsumerWorker(group: \(consumer.groupID))" }
}
