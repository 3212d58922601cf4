import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Publishes the outbox to Kafka in the order rows were written, with the
/// idempotent producer, and deletes rows only after their delivery was reported.
/// Each batch is one transaction holding a transaction-scoped advisory lock, so one
/// relay publishes at a time and batches follow each other in order (events of one
/// key are never published out of order); other instances are hot standbys that
/// take the lock when it is free. A crash between delivery and commit republishes
/// that batch: consumers recognise the events by `event_id`. A transaction per batch,
/// rather than one long session, lets the relay recover by itself when PostgreSQL
/// restarts.
public struct OutboxRelay: Service {
    static let leaderLockKey: Int64 = 0x4F75_7462_6F78

    let client: PostgresClient
    let producer: KafkaProducer
    let batchSize: Int
    let logger: Logger

    public init(client: PostgresClient, producer: KafkaProducer, batchSize: Int, logger: Logger) {
        self.client = client
        self.producer = producer
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var leading = false
            var idle = Duration.milliseconds(2)
            while !Task.isCancelled {
                do {
                    let published = try await client.withWatchedTransaction("a relay batch", logger: logger) { connection in
                        try await publishBatch(on: connection)
                    }
                    if (published != nil) != leading {
                        leading = published != nil
                        logger.info(leading ? "relay is the active publisher" : "relay gave up the active role")
                    }
                    switch published {
                    case nil:
                        try await Task.sleep(for: .seconds(1))
                    case 0:
                        try await Task.sleep(for: idle)
                        idle = min(idle * 2, .milliseconds(50))
                    default:
                        idle = .milliseconds(2)
                    }
                } catch is CancellationError {
                    break
                } catch {
                    if Task.isCancelled { break }
                    logger.error("relay failed; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        producer.close()
        logger.info("relay stopped")
    }

    /// Publishes the oldest rows under the lock; nil when another relay holds it.
    private func publishBatch(on connection: PostgresConnection) async throws -> Int? {
        let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.leaderLockKey))", logger: logger)
        var acquired = false
        for try await value in rows.decode(Bool.self) { acquired = value }
        guard acquired else { return nil }
        let batch = try await OutboxStore.oldest(limit: batchSize, on: connection, logger: logger)
        if batch.isEmpty { return 0 }
        try await producer.send(batch.map {
            OutgoingMessage(
                topic: $0.message.topic, key: $0.message.key, value: $0.message.payload,
                headers: $0.message.headers.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, value: Array($0.value.utf8)) })
        })
        try await OutboxStore.delete(ids: batch.map(\.id), on: connection, logger: logger)
        WorkerMetrics.published(batch.count, oldestCreatedAt: batch[0].createdAt)
        logger.debug("published outbox rows", metadata: ["rows": "\(batch.count)"])
        return batch.count
    }
}
