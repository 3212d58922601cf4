import Foundation
import HotlineKafka
import HotlinePostgres
import PostgresNIO

/// The part of a consumer worker that applies one message's effects inside the
/// batch's transaction and adds the events to publish to the outbox list.
public protocol BatchHandler: Sendable {
    /// The name processed-event records and dead letters carry (`intake`, `dispatch`).
    var name: String { get }

    func apply(
        _ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws
}
