import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The callbacks worker's expiry sweep: an automatic callback left unanswered through its
/// window is rated as the policy says (长沙 第二十六条 「视为基本满意」) or followed by a manual
/// one. The claimed tasks' cases are loaded once, every expiry decided over that view by the
/// rules the consumer uses (`CallbackDesk`), and each table written once.
///
/// A task whose follow-up the working-day calendar cannot count (it does not cover the
/// year) is set aside for an hour and the sweep goes on: failing would roll back every
/// other expiry of the sweep and fail again a second later, forever (DESIGN.md: a
/// deterministic failure never stalls a partition). A set-aside task counts as handled: it
/// was claimed and dealt with, and the next claims skip it.
struct CallbackExpiry: Sendable {
    let archive: PolicyArchive
    let desk: CallbackDesk
    let logger: Logger

    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let rows = try await CallbackStore.claimExpired(now: now, limit: limit, on: connection, logger: logger)
        guard !rows.isEmpty else { return 0 }
        var view = CallbacksView()
        view.tasks = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let caseIDs = Array(Set(rows.map(\.caseID)))
        try await CallbackDesk.load(caseIDs: caseIDs, into: &view, archive: archive, connection: connection, logger: logger)
        view.reopened = try await CallbackStore.reopened(caseIDs, on: connection, logger: logger)
        var effects = CallbacksEffects()
        var setAside: [UUID] = []
        for row in rows {
            var log = logger
            log[metadataKey: "case_id"] = "\(row.caseID.uuidString.lowercased())"
            log[metadataKey: "task_id"] = "\(row.id.uuidString.lowercased())"
            let planner = try desk.planner(CaseEvent.PolicyRef(id: row.policyID, version: row.policyVersion), in: view)
            let decision: CallbackDecision
            do throws(CalendarError) {
                decision = try planner.expire(row.task, now: now)
            } catch {
                setAside.append(row.id)
                WorkerMetrics.calendarSetAside(worker: "callbacks", kind: "sweep")
                log.error("callback expiry set aside: the working-day calendar cannot count the follow-up", metadata: [
                    "retry_at": "\(RFC3339.formatSeconds(now.addingTimeInterval(FailureKind.calendarRetryDelay)))", "error": "\(error)",
                ])
                continue
            }
            try desk.settle(row, decision, result: nil, planner: planner, now: now, view: &view, effects: &effects, logger: log)
        }
        effects.clocks = view.clocks.changedRecords
        try await CallbackStore.setAsideForCalendar(setAside, until: now.addingTimeInterval(FailureKind.calendarRetryDelay), on: connection, logger: logger)
        try await CallbackDesk.flush(effects, connection: connection, logger: logger)
        outbox += effects.outbox
        return rows.count
    }
}
