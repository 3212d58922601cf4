import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// `hotline calendar replan` (and the deadlines worker at start-up): recounts every open
/// clock counted on provisional days against the calendar files as they are now, a batch
/// per transaction. Each recounted clock gets a `deadline.replanned` event on
/// `hotline.cases.v1` and its case a history row, in the transaction that writes it.
public struct CalendarReplan: Sendable {
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        /// Clocks looked at (open, counted provisionally).
        public var examined = 0
        /// Clocks whose due instant or warning moved.
        public var moved = 0
        /// Clocks whose instants stayed but now rest on an official notice.
        public var confirmed = 0
        /// Clocks still provisional with the same instants (their year still has no notice).
        public var unchanged = 0
        /// Clocks the calendar still cannot count (logged with their case id).
        public var failed = 0

        public var description: String {
            "examined \(examined) provisional clocks: \(moved) moved, \(confirmed) confirmed on an official notice, \(unchanged) unchanged, \(failed) not countable"
        }
    }

    let archive: PolicyArchive
    let logger: Logger

    public init(archive: PolicyArchive, logger: Logger) {
        self.archive = archive
        self.logger = logger
    }

    public func run(client: PostgresClient, now: Date, batchSize: Int) async throws -> Summary {
        var summary = Summary()
        var after: Int64 = 0
        while true {
            let (last, batch) = try await client.withWatchedTransaction("a calendar replan batch", logger: logger) { connection in
                try await replanBatch(after: after, limit: batchSize, now: now, connection: connection)
            }
            guard let last else { return summary }
            after = last
            summary.examined += batch.examined
            summary.moved += batch.moved
            summary.confirmed += batch.confirmed
            summary.unchanged += batch.unchanged
            summary.failed += batch.failed
        }
    }

    private func replanBatch(after: Int64, limit: Int, now: Date, connection: PostgresConnection) async throws -> (Int64?, Summary) {
        let clocks = try await ClockReplanStore.provisional(afterID: after, limit: limit, on: connection, logger: logger)
        var summary = Summary(examined: clocks.count)
        var recounts: [ClockRecount] = []
        for clock in clocks {
            let edition = try await archive.edition(policyID: clock.policy.id, version: clock.policy.version, connection: connection, logger: logger)
            do {
                guard let recount = try ClockReplanner(policy: edition.policy, calendar: edition.calendar).recount(clock) else {
                    summary.unchanged += 1
                    continue
                }
                if recount.moved { summary.moved += 1 } else { summary.confirmed += 1 }
                recounts.append(recount)
            } catch {
                summary.failed += 1
                logger.error("a provisional clock cannot be recounted", metadata: [
                    "case_id": "\(clock.caseID.uuidString.lowercased())", "clock_id": "\(clock.id)", "error": "\(error)",
                ])
            }
        }
        try await ClockReplanStore.record(recounts, at: now, on: connection, logger: logger)
        let events = try recounts.map { recount in
            try caseMessage(CaseEvent(
                eventID: UUID(), caseID: recount.clock.caseID, caseNumber: recount.clock.caseNumber, occurredAt: now,
                policy: recount.clock.policy, body: .replanned(ReplanNotice(recount))))
        }
        try await OutboxStore.enqueue(events, on: connection, logger: logger)
        for recount in recounts where recount.moved {
            logger.info("replanned a clock", metadata: [
                "case_id": "\(recount.clock.caseID.uuidString.lowercased())", "clock_id": "\(recount.clock.id)",
                "obligation": "\(recount.clock.obligation.rawValue)", "previous_due_at": "\(RFC3339.formatSeconds(recount.clock.dueAt))",
                "due_at": "\(RFC3339.formatSeconds(recount.dueAt))",
            ])
        }
        return (clocks.last?.id, summary)
    }
}
