import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Runs a consumed batch through a handler's four steps (decode, load, decide, flush) in
/// one PostgreSQL transaction: every message's effects, the records that the messages were
/// processed, the dead letters and the events to publish (the outbox) commit together or
/// not at all. Only after `process` returns does the worker store the batch's offsets.
///
/// Failures: PostgreSQL unreachable → wait and retry until it is back; a conflict
/// with another transaction → retry; a deterministic failure (a deadline in a year the
/// working-day calendar does not cover) → no retry: apply the messages one by one at
/// once and dead-letter (`calendar_not_covered`) the one that fails; anything else →
/// retry twice, then apply the messages one by one and dead-letter (`processing_error`)
/// the one that still fails, so one bad message never stalls the partition.
public struct BatchPipeline<Handler: BatchHandler>: BatchProcessor {
    let client: PostgresClient
    let clock: any HotlineClock
    let handler: Handler
    let logger: Logger
    /// The senders of signed messages are checked against it.
    let directory = PartyDirectoryCache()

    public init(client: PostgresClient, clock: any HotlineClock, handler: Handler, logger: Logger) {
        self.client = client
        self.clock = clock
        self.handler = handler
        self.logger = logger
    }

    public func process(_ batch: [ConsumedMessage]) async throws {
        let spans = BatchSpans(worker: handler.name, batch)
        do {
            try await process(batch, spans: spans)
            spans.end(failing: nil)
        } catch {
            spans.end(failing: error)
            throw error
        }
    }

    private func process(_ batch: [ConsumedMessage], spans: BatchSpans) async throws {
        var poisonAttempts = 0
        var conflictAttempts = 0
        var backoff = Duration.milliseconds(100)
        while true {
            do {
                try await applyAll(batch, spans: spans)
                return
            } catch {
                var kind = FailureKind.of(error)
                WorkerMetrics.batchFailed(worker: handler.name, kind: kind)
                if kind == .conflict {
                    conflictAttempts += 1
                    if conflictAttempts > FailureKind.conflictRetries { kind = .poison }
                }
                try Self.checkShutdown()
                switch kind {
                case .infrastructure:
                    logger.error("batch transaction failed; PostgreSQL unreachable or a lock held elsewhere, retrying", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                    try await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                case .conflict:
                    logger.info("batch transaction conflicted with another; retrying", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: .milliseconds(Int.random(in: 10...100)))
                case .deterministic:
                    // DESIGN.md: a deterministic failure never stalls a partition. Every retry
                    // would fail the same way and hold up the messages behind this one.
                    if batch.count > 1 {
                        logger.warning("a message of the batch needs a year the working-day calendar does not cover; applying the messages one by one", metadata: [
                            "error": "\(FailureKind.cause(of: error))", "messages": "\(batch.count)",
                        ])
                        for message in batch { try await process([message]) }
                    } else {
                        try await setAside(batch[0], because: FailureKind.cause(of: error))
                    }
                    return
                case .poison:
                    poisonAttempts += 1
                    logger.error("batch transaction failed", metadata: [
                        "error": "\(String(reflecting: FailureKind.cause(of: error)))", "attempt": "\(poisonAttempts)", "messages": "\(batch.count)",
                    ])
                    if poisonAttempts < 3 {
                        try await Task.sleep(for: .milliseconds(100 * poisonAttempts))
                    } else if batch.count > 1 {
                        for message in batch { try await process([message]) }
                        return
                    } else {
                        try await deadLetter(batch[0], rejection: IntakeRejection(.processingError, FailureKind.sentence(for: error, worker: handler.name)))
                        return
                    }
                }
            }
        }
    }

    private func applyAll(_ batch: [ConsumedMessage], spans: BatchSpans) async throws {
        let now = try await clock.now()
        let started = ContinuousClock.now
        try await BatchTally.counting(worker: handler.name, batch) {
            try await client.withWatchedTransaction("a batch transaction", logger: logger) { connection in
                let outbox = try await apply(batch, now: now, connection: connection, spans: spans)
                try await OutboxStore.enqueue(outbox, on: connection, logger: logger)
            }
        }
        WorkerMetrics.batch(worker: handler.name, size: batch.count, took: ContinuousClock.now - started)
        logger.debug("batch committed", metadata: [
            "messages": "\(batch.count)", "duration": "\(ContinuousClock.now - started)",
        ])
    }

    /// The four steps on a connection inside the batch's transaction; the events to publish.
    /// Each step's statements cover the whole batch: one to claim its event ids, the
    /// handler's loads and flushes, one for its dead letters; a batch with a signed message
    /// also asks whether the party directory changed (and reloads it, one query per table,
    /// when it did). Senders are judged against the directory at the real instant of receipt,
    /// also under a simulated clock: keys are valid and revoked in real time, and a send
    /// time is the sender's real clock. What each message leads to carries its span's
    /// trace context (`spans`; none where a test gives none).
    public func apply(_ batch: [ConsumedMessage], now: Date, connection: PostgresConnection) async throws -> [OutboxMessage] {
        try await apply(batch, now: now, connection: connection, spans: nil)
    }

    private func apply(_ batch: [ConsumedMessage], now: Date, connection: PostgresConnection, spans: BatchSpans?) async throws -> [OutboxMessage] {
        let receivedAt = Date()
        var authenticator: MessageAuthenticator?
        if batch.contains(where: { TopicName.signed.contains($0.topic) }) {
            authenticator = MessageAuthenticator(directory: try await directory.current(on: connection, logger: logger), verify: SignatureVerification.verify)
        }
        let decoded = DecodedBatch(batch, authenticate: { message in
            guard let authenticator, TopicName.signed.contains(message.topic) else { return nil }
            return authenticator.sender(
                topic: message.topic, key: message.key, value: message.value, headers: message.headers.map { ($0.key, $0.value) }, receivedAt: receivedAt)
        }, trace: { spans?.trace(of: $0) ?? .none }, decode: handler.decode)
        let claimed = try await ProcessedEventStore.claim(consumer: handler.name, decoded.claims, on: connection, logger: logger)
        let applicable = try decoded.toApply(
            earlier: claimed.mapValues(\.delivery), digests: claimed.compactMapValues(\.contentDigest),
            decidesRepublished: handler.decidesRepublishedEvents, now: now)
        for message in applicable.duplicates {
            BatchTally.duplicate(topic: message.topic)
            logger.debug("skipped an event already applied", metadata: [
                "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)",
            ])
        }
        let view = try await handler.load(applicable.deliveries, now: now, connection: connection)
        StuckCallWatchdog.progressed()
        let effects = try handler.decide(applicable.deliveries, view: view, now: now)
        let published = try await handler.flush(effects, now: now, connection: connection)
        StuckCallWatchdog.progressed()
        let letters = try await DeadLetterWriter(worker: handler.name, directory: directory, logger: logger)
            .write(decoded.rejected + applicable.replays + effects.rejections, now: now, connection: connection) { spans?.trace(of: $0) ?? .none }
        return applicable.answers + letters + published
    }

    /// Dead-letters a message whose deadline the working-day calendar cannot count
    /// (`calendar_not_covered`; the calendar's is the only deterministic failure, see
    /// `FailureKind`), with the calendar's own sentence naming the year and the file to add.
    private func setAside(_ message: ConsumedMessage, because cause: any Error) async throws {
        try await deadLetter(message, rejection: IntakeRejection(
            .calendarNotCovered,
            "\(cause). The event is kept on hotline.intake.dlq.v1; replay it with `hotline dlq replay --reason calendar_not_covered --key <the centre's sealing key file>` once the calendar file is added."))
        var log = logger
        log[metadataKey: "topic"] = "\(message.topic)"
        log[metadataKey: "partition"] = "\(message.partition)"
        log[metadataKey: "offset"] = "\(message.offset)"
        if let caseID = message.caseID { log[metadataKey: "case_id"] = "\(caseID.uuidString.lowercased())" }
        log.error("set a message aside: the working-day calendar does not cover a year its deadlines need", metadata: [
            "error": "\(cause)", "reason_code": "\(DeadLetterReason.calendarNotCovered.rawValue)",
        ])
        WorkerMetrics.calendarSetAside(worker: handler.name, kind: "message")
    }

    private func deadLetter(_ message: ConsumedMessage, rejection: IntakeRejection) async throws {
        let now = try await clock.now()
        let writer = DeadLetterWriter(worker: handler.name, directory: directory, logger: logger)
        try await BatchTally.counting(worker: handler.name, [message]) {
            try await client.withWatchedTransaction("a dead-letter transaction", logger: logger) { connection in
                let outbox = try await writer.write([Rejection(message, rejection)], now: now, connection: connection)
                try await OutboxStore.enqueue(outbox, on: connection, logger: logger)
            }
        }
    }

    private static func checkShutdown() throws {
        if Task.isShuttingDownGracefully || Task.isCancelled { throw CancellationError() }
    }
}

/// What a consumer worker runs each batch through.
public protocol BatchProcessor: Sendable {
    func process(_ batch: [ConsumedMessage]) async throws
}

extension ConsumedMessage {
    /// The top-level `case_id` of the value, when it has one: lifecycle and action events
    /// do; an intake event has no case yet.
    var caseID: UUID? {
        guard let value else { return nil }
        return (try? JSONDecoder().decode(CaseIDProbe.self, from: Data(value)))?.caseID
    }
}

private struct CaseIDProbe: Decodable {
    var caseID: UUID?
    enum CodingKeys: String, CodingKey { case caseID = "case_id" }
}
