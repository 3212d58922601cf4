import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The deadlines worker's sweep: claims the clocks whose warning or due instant has
/// passed (an index on `next_fire_at`, so a sweep costs what is due, not what is
/// open) and announces each warning and each overdue exactly once on
/// `hotline.cases.v1`, in the transaction that records the announcement.
struct DeadlineWatcher: Sendable {
    /// The article a notice quotes comes from the version the case was accepted under.
    let archive: PolicyArchive
    let logger: Logger

    /// Writes its events with the announcements, in one statement; `outbox` stays empty.
    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let clocks = try await ClockStore.claimDue(now: now, limit: limit, on: connection, logger: logger)
        var announced: [ClockStore.Announced] = []
        var events: [OutboxMessage] = []
        for clock in clocks {
            let announcement = ClockAnnouncement(
                warnAt: clock.warnAt, dueAt: clock.dueAt, warnedAt: clock.warnedAt, overdueAt: clock.overdueAt, now: now)
            announced.append(.init(
                clockID: clock.id, warnedAt: announcement.warnedAt, overdueAt: announcement.overdueAt,
                nextFireAt: announcement.nextFireAt))
            let policy = try await archive.edition(
                policyID: clock.policyID, version: clock.policyVersion, connection: connection, logger: logger).policy
            let kinds: [DeadlineNotice.Kind] = (announcement.warn ? [.warning] : []) + (announcement.overdue ? [.overdue] : [])
            for kind in kinds {
                let notice = DeadlineNotice(
                    kind: kind, clockID: clock.id, obligation: clock.obligation, round: clock.round, unitID: clock.unitID,
                    dueAt: clock.dueAt, article: policy.rule(for: clock.obligation)?.article ?? "-", provisional: clock.provisional)
                events.append(try caseMessage(CaseEvent(
                    eventID: UUID(), caseID: clock.caseID, caseNumber: clock.caseNumber, occurredAt: now,
                    policy: .init(id: clock.policyID, version: clock.policyVersion), body: .deadline(notice))))
                logger.info("announced a deadline", metadata: [
                    "case_id": "\(clock.caseID.uuidString.lowercased())", "clock_id": "\(clock.id)",
                    "obligation": "\(clock.obligation.rawValue)", "kind": "\(kind.rawValue)",
                ])
            }
        }
        try await ClockStore.announce(announced, publishing: events, on: connection, logger: logger)
        return clocks.count
    }
}
