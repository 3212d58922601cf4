import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Publishes the outbox to Kafka in the order rows were written, with the
/// idempotent producer, and deletes rows only after their delivery was reported.
/// One relay instance is active at a time (a session advisory lock), so events of
/// one key are never published out of order; others wait as hot standbys and take
/// over when the active one's connection ends. A crash between delivery and delete
/// republishes some events: consumers recognise them by `event_id`.
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
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await lead(on: connection)
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

    private func lead(on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.leaderLockKey))", logger: logger)
        var acquired = false
        for try await value in rows.decode(Bool.self) { acquired = value }
        guard acquired else {
            try await Task.sleep(for: .seconds(1))
            return
        }
        logger.info("relay is the active publisher")
        defer { logger.info("relay gave up the active role") }
        var idle = Duration.milliseconds(2)
        while !Task.isCancelled {
            let batch = try await OutboxStore.oldest(limit: batchSize, on: connection, logger: logger)
            if batch.isEmpty {
                try await Task.sleep(for: idle)
                idle = min(idle * 2, .milliseconds(50))
                continue
            }
            idle = .milliseconds(2)
            try await producer.send(batch.map {
                OutgoingMessage(
                    topic: $0.message.topic, key: $0.message.key, value: $0.message.payload,
                    headers: $0.message.headers.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, value: Array($0.value.utf8)) })
            })
            try await OutboxStore.delete(ids: batch.map(\.id), on: connection, logger: logger)
            WorkerMetrics.published(batch.count, oldestCreatedAt: batch[0].createdAt)
            logger.debug("published outbox rows", metadata: ["rows": "\(batch.count)"])
        }
        _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.leaderLockKey))", logger: logger)
    }
}
