import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// Counts and ranks a period's report from the history (docs/ASSESSMENT.md): what
/// `hotline report` prints and `report.period_closed` carries, computed in one place.
public enum PeriodReportBuilder {
    /// `hotSpots` is how many hot spots to list (0: none); `now` is the workers' clock.
    public static func build(
        _ period: AssessmentPeriod, policy: Policy, hotSpots: Int, now: Date, connection: PostgresConnection, logger: Logger
    ) async throws -> PeriodReport {
        let figures = try await AssessmentStore.figures(
            since: period.since, until: period.until, lastDay: period.lastDay, asOf: now, on: connection, logger: logger)
        let centre = try await AssessmentStore.directAnswers(since: period.since, until: period.until, on: connection, logger: logger)
        var spots: [HotSpot] = []
        if hotSpots > 0 {
            let before = period.previous
            let current = try await HotSpotStore.counts(since: period.since, until: period.until, on: connection, logger: logger)
            let previous = try await HotSpotStore.counts(since: before.since, until: before.until, on: connection, logger: logger)
            spots = HotSpotRanking(count: hotSpots).rank(current, previous: previous)
        }
        return PeriodReport(
            period: period, policyID: policy.policy, policyVersion: policy.version,
            units: Assessment(rules: policy.assessment).rank(figures), hotSpots: spots, centre: centre)
    }
}
