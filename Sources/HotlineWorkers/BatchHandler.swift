import Foundation
import HotlineKafka
import HotlinePostgres
import PostgresNIO

/// The part of a consumer worker that applies a batch's effects inside the batch's
/// transaction and adds the events to publish to the outbox list.
public protocol BatchHandler: Sendable {
    /// The name processed-event records and dead letters carry (`intake`, `dispatch`).
    var name: String { get }

    /// Applies the messages in order; the pipeline has already set aside those past the
    /// bounds every topic shares.
    func applyBatch(
        _ messages: [ConsumedMessage], now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws
}

/// A handler that still applies one message at a time, its statements on the batch's
/// connection (dispatch, supervision, callbacks); intake decides the whole batch at once.
public protocol MessageHandler: BatchHandler {
    func apply(
        _ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws
}

extension MessageHandler {
    public func applyBatch(
        _ messages: [ConsumedMessage], now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws {
        for message in messages {
            try await apply(message, now: now, connection: connection, outbox: &outbox)
            StuckCallWatchdog.progressed()
        }
    }
}
