import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Publishes the outbox to Kafka with the idempotent producer and deletes rows only after
/// their delivery was reported.
///
/// - **Shards.** Each row belongs to one of `OutboxShards.count` shards by its key; each
///   relay instance holds leases on its fair share of the shards (renewed every
///   `renewEvery`, expiring after `lease`), so a second instance adds throughput and takes
///   over the shards of one that dies. A shard changes hands only once its deliveries in
///   flight are reported, and one instance publishes a shard's rows in the order they were
///   written, so a key's events stay in order.
/// - **In flight.** Rows are handed to the producer as they are read, up to `maxInFlight`
///   not yet reported, without waiting for a batch's reports; reported rows are deleted by
///   the statement that reads the next rows, one per turn of the loop. Deliveries wake the
///   loop by the batch, or when nothing is left in flight (`RelayInbox.wakeAfterDeliveries`);
///   notifications and the poll wake it for the rest, so a few reports in a stream do not
///   cost a statement of their own.
/// - **Woken, not polling.** A statement writing outbox rows notifies `hotline_outbox`
///   (migration 0020); the relay listens and otherwise looks every `pollEvery`.
/// - **Nothing stalls.** A row the broker refuses as it is (too large, an invalid record) is
///   parked after `parkAfter` attempts (`outbox_parked`, `hotline outbox parked`); any other
///   failure (Kafka unreachable) sends the row again, after a pause, for as long as it lasts.
///   A crash between delivery and delete republishes those rows: consumers recognise the
///   events by `event_id`.
public struct OutboxRelay: Service {
    static let parkAfter = 3
    static let lease = Duration.seconds(10)
    static let renewEvery = Duration.seconds(2)
    static let pollEvery = Duration.seconds(1)
    /// How long to hold back after a delivery failed for a reason other than the message.
    static let failurePause = Duration.seconds(1)

    let client: PostgresClient
    let producer: KafkaProducer
    let batchSize: Int
    let logger: Logger
    /// This instance's name in the leases.
    let owner: String
    let maxInFlight: Int

    public init(client: PostgresClient, producer: KafkaProducer, batchSize: Int, logger: Logger) {
        self.client = client
        self.producer = producer
        self.batchSize = batchSize
        self.logger = logger
        self.owner = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8).lowercased())"
        self.maxInFlight = max(batchSize * 4, 1)
    }

    public func run() async throws {
        let inbox = RelayInbox(wakeAfterDeliveries: batchSize)
        var state = await withTaskGroup(of: Void.self) { group in
            group.addTask { await listen(inbox) }
            let state = await cancelWhenGracefulShutdown { await publish(inbox) }
            group.cancelAll()
            return state
        }
        producer.close()
        await stop(&state, inbox: inbox)
        logger.info("relay stopped")
    }

    /// Turns the loop until the task is cancelled; the state it stopped in.
    private func publish(_ inbox: RelayInbox) async -> RelayState {
        var state = RelayState()
        while !Task.isCancelled {
            do {
                try await turn(&state, inbox: inbox)
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                logger.error("relay failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return state
    }

    /// One turn: renew leases when due, settle the reports that arrived, delete what was
    /// delivered and read what the held shards have waiting (one statement), hand it over,
    /// hand back drained shards, then wait for a report or a notification.
    private func turn(_ state: inout RelayState, inbox: RelayInbox) async throws {
        if ContinuousClock.now >= state.renewAt { try await rebalance(&state) }
        state.published += try await settle(&state, reports: inbox.take())
        let published = state.published
        let active = state.held.subtracting(state.releasing).sorted()
        let room = min(maxInFlight - state.inFlight.count, batchSize)
        var full = false
        if room > 0, !active.isEmpty, ContinuousClock.now >= state.pausedUntil {
            let excluded = Array(state.inFlight.keys)
            let rows = try await client.withWatchedConnection("a relay step", logger: logger) { connection in
                try await OutboxStore.deleteThenOldest(
                    deleting: published, shards: active, excluding: excluded, limit: room, on: connection, logger: logger)
            }
            state.published = []
            inbox.sending(rows.count)
            for row in rows {
                state.inFlight[row.id] = row
                let span = PublishSpan(row)
                await producer.send(OutgoingMessage(
                    topic: row.message.topic, key: row.message.key, value: row.message.payload,
                    headers: PublishSpan.headers(of: row, span: span))
                ) { error in
                    // Ended at the broker's report, not when the loop next takes the reports.
                    span?.end(failing: error)
                    inbox.report(row.id, error)
                }
            }
            full = rows.count == room
        } else {
            try await delete(published)
            state.published = []
        }
        try await releaseDrained(&state)
        if !full { await inbox.wait(atMost: min(Self.pollEvery, Self.renewEvery)) }
    }

    /// Takes the reports off the rows in flight and parks those the broker refused too
    /// often; returns the ids of the delivered rows, for the caller to delete before it
    /// hands their shards back.
    private func settle(
        _ state: inout RelayState, reports: (delivered: [Int64], failed: [(id: Int64, error: KafkaError)])
    ) async throws -> [Int64] {
        let delivered = reports.delivered.compactMap { state.inFlight.removeValue(forKey: $0) }
        var toPark: [(row: OutboxRow, attempts: Int, error: KafkaError)] = []
        for (id, error) in reports.failed {
            guard let row = state.inFlight.removeValue(forKey: id) else { continue }
            guard error.refusesTheMessage else {
                // Anything but the message itself: the row is read and sent again after a pause.
                if ContinuousClock.now >= state.pausedUntil {
                    logger.error("delivery failed; sending again", metadata: ["outbox_id": "\(id)", "error": "\(error)"])
                }
                state.pausedUntil = ContinuousClock.now + Self.failurePause
                continue
            }
            state.refusals[id, default: 0] += 1
            if state.refusals[id, default: 0] >= Self.parkAfter { toPark.append((row, state.refusals[id]!, error)) }
        }
        if !toPark.isEmpty {
            let parking = toPark
            try await client.withWatchedConnection("a relay step", logger: logger) { connection in
                try await OutboxParkedStore.park(
                    ids: parking.map(\.row.id), attempts: parking.map(\.attempts), reasons: parking.map { "\($0.error)" }, on: connection, logger: logger)
            }
        }
        for parked in toPark {
            state.refusals[parked.row.id] = nil
            logger.error("parked an outbox row the broker refuses", metadata: [
                "outbox_id": "\(parked.row.id)", "topic": "\(parked.row.message.topic)", "bytes": "\(parked.row.message.payload.count)",
                "attempts": "\(parked.attempts)", "error": "\(parked.error)",
            ])
        }
        WorkerMetrics.parked(toPark.count)
        if let oldest = delivered.map(\.createdAt).min() { WorkerMetrics.published(delivered.count, oldestCreatedAt: oldest) }
        return delivered.map(\.id)
    }

    private func delete(_ published: [Int64]) async throws {
        guard !published.isEmpty else { return }
        try await client.withWatchedConnection("a relay step", logger: logger) { connection in
            try await OutboxStore.delete(ids: published, on: connection, logger: logger)
        }
    }

    /// Hands back the shards being released that have nothing in flight (their delivered
    /// rows already deleted, so the next holder does not publish them again).
    private func releaseDrained(_ state: inout RelayState) async throws {
        let drained = state.releasing.filter { shard in !state.inFlight.values.contains { $0.shard == shard } }
        if !drained.isEmpty {
            let released = Array(drained)
            try await client.withWatchedConnection("a relay step", logger: logger) { connection in
                try await OutboxLeaseStore.release(owner: owner, shards: released, on: connection, logger: logger)
            }
            state.held.subtract(drained)
            state.releasing.subtract(drained)
            logger.info("relay handed shards back", metadata: ["shards": "\(drained.sorted())"])
        }
    }

    /// Renews this instance's leases and moves towards its fair share: takes free shards
    /// when it holds fewer, and starts handing back the highest when it holds more.
    private func rebalance(_ state: inout RelayState) async throws {
        state.renewAt = ContinuousClock.now + Self.renewEvery
        let leases = try await client.withWatchedConnection("a relay step", logger: logger) { connection in
            try await OutboxLeaseStore.renew(owner: owner, for: Self.lease, on: connection, logger: logger)
        }
        let lost = state.held.subtracting(leases.held)
        if !lost.isEmpty { logger.warning("relay lost expired shard leases", metadata: ["shards": "\(lost.sorted())"]) }
        state.held = Set(leases.held)
        state.releasing.formIntersection(state.held)
        let keeping = state.held.subtracting(state.releasing)
        let needed = leases.fairShare - keeping.count
        if keeping.count > leases.fairShare {
            state.releasing.formUnion(keeping.sorted().suffix(keeping.count - leases.fairShare))
        } else if keeping.count < leases.fairShare {
            let claimed = try await client.withWatchedConnection("a relay step", logger: logger) { connection in
                try await OutboxLeaseStore.claim(owner: owner, count: needed, for: Self.lease, on: connection, logger: logger)
            }
            if !claimed.isEmpty {
                state.held.formUnion(claimed)
                logger.info("relay took shards", metadata: ["shards": "\(claimed)", "holding": "\(state.held.count)", "relays": "\(leases.relays)"])
            }
        }
        WorkerMetrics.relayShards(state.held.count)
    }

    /// After the producer flushed: deletes what it delivered, hands every shard back and
    /// says this relay left, so another instance takes over at once.
    private func stop(_ state: inout RelayState, inbox: RelayInbox) async {
        state.releasing = state.held
        do {
            try await delete(state.published + (try await settle(&state, reports: inbox.take())))
            let held = Array(state.held)
            try await client.withWatchedConnection("a relay step", logger: logger) { connection in
                try await OutboxLeaseStore.release(owner: owner, shards: held, on: connection, logger: logger)
                try await OutboxLeaseStore.leave(owner: owner, on: connection, logger: logger)
            }
        } catch {
            logger.warning("relay could not hand its shards back; they expire in \(Self.lease)", metadata: ["error": "\(error)"])
        }
    }

    /// Wakes the loop on every notification that outbox rows were written (migration 0036).
    private func listen(_ inbox: RelayInbox) async {
        await NotificationListener(client: client, channel: "hotline_outbox", meanwhile: "the relay polls", logger: logger)
            .run { inbox.wake() }
    }
}

/// The relay loop's own state.
struct RelayState: Sendable {
    /// The shards this instance holds a lease on.
    var held: Set<Int> = []
    /// Held shards being handed back: read no more, released once nothing of theirs is in flight.
    var releasing: Set<Int> = []
    /// Rows handed to the producer and not yet reported, by id.
    var inFlight: [Int64: OutboxRow] = [:]
    /// How often the broker refused each row as it is.
    var refusals: [Int64: Int] = [:]
    /// Delivered rows not yet deleted: kept until a statement deletes them (one that failed is
    /// tried again next turn), and a shard is handed back only after.
    var published: [Int64] = []
    var renewAt = ContinuousClock.now
    var pausedUntil = ContinuousClock.now
}
