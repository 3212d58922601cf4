import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Publishes the outbox to Kafka in the order rows were written, with the
/// idempotent producer, and deletes rows only after their delivery was reported.
/// Each batch is one transaction holding a transaction-scoped advisory lock, so one
/// relay publishes at a time and batches follow each other in order (events of one
/// key are never published out of order); other instances are hot standbys that
/// take the lock when it is free. A crash between delivery and commit republishes
/// that batch: consumers recognise the events by `event_id`. A transaction per batch,
/// rather than one long session, lets the relay recover by itself when PostgreSQL
/// restarts. A row the broker refuses as it is (too large, an invalid record) is parked
/// after `parkAfter` attempts (`outbox_parked`, `hotline outbox parked`), so one row never
/// stops every topic; any other failure (Kafka unreachable) is retried for as long as it lasts.
public struct OutboxRelay: Service {
    static let leaderLockKey: Int64 = 0x4F75_7462_6F78
    static let parkAfter = 3

    /// Attempts of the rows the broker refused, by outbox id; kept in memory, as a restart
    /// only costs a row a few more attempts.
    private final class Refusals: Sendable {
        let counts = Mutex<[Int64: Int]>([:])
    }
    private let refusals = Refusals()

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
        let failures = await producer.deliver(batch.map {
            OutgoingMessage(
                topic: $0.message.topic, key: $0.message.key, value: $0.message.payload,
                headers: $0.message.headers.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, value: Array($0.value.utf8)) })
        })
        var toPark: [(row: OutboxRow, attempts: Int, failure: KafkaError)] = []
        for (row, failure) in zip(batch, failures) {
            guard let failure else { continue }
            // Anything but the message itself: retry the whole batch, in order, until it passes.
            guard failure.refusesTheMessage else { throw failure }
            let attempts = refusals.counts.withLock { $0[row.id, default: 0] += 1; return $0[row.id]! }
            toPark.append((row, attempts, failure))
        }
        // A refused row not yet parked stays at the head of the outbox for the next batch;
        // the rows delivered beside it are done.
        toPark.removeAll { $0.attempts < Self.parkAfter }
        try await OutboxParkedStore.park(
            ids: toPark.map(\.row.id), attempts: toPark.map(\.attempts), reasons: toPark.map { "\($0.failure)" }, on: connection, logger: logger)
        for parked in toPark {
            logger.error("parked an outbox row the broker refuses", metadata: [
                "outbox_id": "\(parked.row.id)", "topic": "\(parked.row.message.topic)", "bytes": "\(parked.row.message.payload.count)",
                "attempts": "\(parked.attempts)", "error": "\(parked.failure)",
            ])
        }
        refusals.counts.withLock { counts in toPark.forEach { counts[$0.row.id] = nil } }
        WorkerMetrics.parked(toPark.count)
        let delivered = zip(batch, failures).filter { $0.1 == nil }.map(\.0.id)
        try await OutboxStore.delete(ids: delivered, on: connection, logger: logger)
        WorkerMetrics.published(delivered.count, oldestCreatedAt: batch[0].createdAt)
        logger.debug("published outbox rows", metadata: ["rows": "\(batch.count)"])
        return batch.count
    }
}
