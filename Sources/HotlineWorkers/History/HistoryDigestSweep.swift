import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's daily digest of the case history: once the worker's clock is
/// past a day (China time), the heads of every case whose chain moved since the previous
/// digest are folded with it (`HistoryDigest`), recorded and published on
/// `hotline.history-digests.v1` through the outbox, so a copy kept outside the database
/// proves the past (长沙 第二十七条: a case's history is a rating appeal's evidence). Only
/// the day before the clock's is digested: after a pause the one digest covers every move
/// since the last, and a digest holds the heads as they stood when it was taken, shortly after
/// its day. The first digest is of a day the history had rows by. It runs beside the
/// period reports, the other step taken when a day is over.
struct HistoryDigestSweep {
    let logger: Logger

    /// When the next day can be digested, as `sweep` decides it: the day after the last
    /// digest once it is over, or, before any digest, the day of the history's first row once
    /// it is over; nil with no history (the sweep then looks again after its interval).
    static func nextDue(lastDay: CalendarDate?, firstRowAt: Date?) -> Date? {
        if let lastDay { return lastDay.adding(days: 2).startOfDay }
        return firstRowAt.map { CalendarDate(containing: $0).adding(days: 1).startOfDay }
    }

    /// Returns 1 when it digested a day, else 0.
    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let day = CalendarDate(containing: now).adding(days: -1)
        if let last = try await HistoryChainStore.lastDigest(on: connection, logger: logger), last.day >= day { return 0 }
        guard try await HistoryChainStore.tryLockDigest(on: connection, logger: logger) else { return 0 }
        let previous = try await HistoryChainStore.lastDigest(on: connection, logger: logger)
        if let previous, previous.day >= day { return 0 }
        if previous == nil {
            guard let first = try await HistoryChainStore.firstRowAt(on: connection, logger: logger), first <= day.endOfDay else { return 0 }
        }
        let heads = try await HistoryChainStore.claimMovedHeads(on: connection, logger: logger)
        let previousDigest = previous?.digest ?? HistoryDigest.first
        let digest = HistoryHashing.sha256(HistoryDigest.foldBytes(day: day, previous: previousDigest, heads: heads))
        let event = HistoryDigestEvent(
            eventID: UUID(), day: day, digest: digest, previousDay: previous?.day, previousDigest: previousDigest, heads: heads.count,
            occurredAt: now)
        try await HistoryChainStore.record(
            day: day, digest: digest, previous: previous, heads: heads, eventID: event.eventID, at: now, on: connection, logger: logger)
        let eventID = event.eventID.uuidString.lowercased()
        outbox.append(OutboxMessage(
            topic: TopicName.historyDigests, key: Array(HistoryDigestEvent.key.utf8), payload: try EventJSON.encode(event),
            headers: EventHeaders.make(eventID: eventID, type: "history.day_digested")))
        logger.info("history digested", metadata: [
            "event_id": "\(eventID)", "day": "\(day)", "heads": "\(heads.count)", "digest": "\(Hex.string(digest))",
        ])
        return 1
    }
}
