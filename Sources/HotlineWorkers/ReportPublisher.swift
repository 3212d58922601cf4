import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's sweep that publishes `report.period_closed` when a period
/// a policy reports on is over (长沙 第三十七条; 巴林左旗 第二十六条; 鄂尔多斯 第二十九条;
/// 兰溪 六.1; 宜宾 第十一条): for each policy cases were accepted under and each kind in
/// its `reports.periods`, the most recent period whose last day is over by the worker's
/// clock, unless it ended before that policy's first case. The period is claimed in
/// `period_reports` in the outbox's transaction, so it is published once by any number
/// of instances; a period missed while no supervision worker ran is not published
/// later (`hotline report` still prints it).
struct ReportPublisher {
    let archive: PolicyArchive
    let logger: Logger
    /// The day a run found every period already published (no period closes before the
    /// next day begins, and a policy that gets its first case meanwhile has no closed period
    /// after it); the sweep's look, no statement.
    let quietDay = QuietDay()

    /// Returns how many reports it published.
    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let today = CalendarDate(containing: now)
        var published = 0
        for reported in try await PeriodReportStore.policiesWithCases(on: connection, logger: logger) where published < limit {
            let policy = try await policy(reported, connection: connection)
            for kind in ReportPeriod.allCases where policy.reports.periods.contains(kind) && published < limit {
                let period = AssessmentPeriod.containing(today, kind: kind).previous
                guard period.until >= reported.firstAcceptedAt else { continue }
                let eventID = UUID()
                guard try await PeriodReportStore.claim(
                    period, policyID: policy.policy, policyVersion: policy.version, eventID: eventID, at: now,
                    on: connection, logger: logger)
                else { continue }
                let report = try await PeriodReportBuilder.build(
                    period, policy: policy, hotSpots: HotSpotRanking.defaultCount, now: now, connection: connection, logger: logger)
                let event = PeriodClosedEvent(eventID: eventID, report: report, occurredAt: now)
                outbox.append(OutboxMessage(
                    topic: TopicName.reports, key: Array(event.key.utf8), payload: try EventJSON.encode(event),
                    headers: EventHeaders.make(eventID: eventID.uuidString.lowercased(), type: "report.period_closed")))
                published += 1
                logger.info("period report published", metadata: [
                    "event_id": "\(eventID.uuidString.lowercased())", "policy": "\(policy.policy)", "policy_version": "\(policy.version)",
                    "period": "\(period.label)", "units": "\(report.units.count)", "hot_spots": "\(report.hotSpots.count)",
                ])
            }
        }
        if published == 0 { quietDay.record(today) }
        return published
    }

    /// The running version for the running policy (what `hotline report` reads from
    /// the policy folder); for another policy, the version of its latest case.
    private func policy(_ reported: ReportedPolicy, connection: PostgresConnection) async throws -> Policy {
        if reported.policyID == archive.running.policy.policy { return archive.running.policy }
        return try await archive.edition(policyID: reported.policyID, version: reported.latestVersion, connection: connection, logger: logger).policy
    }
}
