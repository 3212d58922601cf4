import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's climbing sweep over the escalation ladder, under the policy
/// version each case was accepted under.
struct SupervisionLadder: Sendable {
    let archive: PolicyArchive
    let logger: Logger

    /// The climbing sweep: a supervision whose rung passed with the case unresolved goes one rung up.
    ///
    /// A supervision whose next rung the working-day calendar cannot count (it does not
    /// cover the year) is set aside for an hour and the sweep goes on: failing would roll
    /// back every other climb of the sweep and fail again a second later, forever (DESIGN.md:
    /// a deterministic failure never stalls a partition). It counts as handled: it was
    /// claimed and dealt with, and the next claims skip it.
    func climb(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let rows = try await SupervisionStore.claimClimbable(now: now, limit: limit, on: connection, logger: logger)
        var climbs: [SupervisionClimb] = []
        var setAside: [Int64] = []
        for row in rows {
            let supervisor = try await supervisor(for: row.policyID, row.policyVersion, connection: connection)
            let next: Supervisor.Rung?
            do throws(CalendarError) {
                next = try supervisor.climb(from: row.level, at: now)
            } catch {
                setAside.append(row.id)
                WorkerMetrics.calendarSetAside(worker: "supervision", kind: "sweep")
                logger.error("supervision set aside: the working-day calendar cannot count its next rung", metadata: [
                    "case_id": "\(row.caseID?.uuidString.lowercased() ?? "")", "supervision_id": "\(row.publicID.uuidString.lowercased())",
                    "unit_id": "\(row.unitID)", "trigger": "\(row.trigger)", "level": "\(row.level)",
                    "retry_at": "\(RFC3339.formatSeconds(now.addingTimeInterval(FailureKind.calendarRetryDelay)))", "error": "\(error)",
                ])
                continue
            }
            climbs.append(SupervisionClimb(
                id: row.id, level: next?.rank ?? row.level, levelCode: (next?.level ?? supervisor.policy.supervision.ladder[row.level - 1]).code,
                levelDueAt: next?.dueAt))
            guard let next else { continue }
            outbox.append(try Escalations.message(.climbed, row, ladder: supervisor.policy.supervision.ladder, rank: next.rank, deadline: next.dueAt, provisional: next.provisional, closeReason: nil, now: now))
            logger.info("supervision climbed", metadata: [
                "case_id": "\(row.caseID?.uuidString.lowercased() ?? "")", "unit_id": "\(row.unitID)", "trigger": "\(row.trigger)",
                "level": "\(next.level.code)",
            ])
        }
        try await SupervisionStore.setAsideForCalendar(ids: setAside, until: now.addingTimeInterval(FailureKind.calendarRetryDelay), on: connection, logger: logger)
        try await SupervisionStore.climbAll(climbs, on: connection, logger: logger)
        return rows.count
    }

    private func supervisor(for policyID: String, _ version: String, connection: PostgresConnection) async throws -> Supervisor {
        let edition = try await archive.edition(policyID: policyID, version: version, connection: connection, logger: logger)
        return Supervisor(policy: edition.policy, calendar: edition.calendar)
    }
}
