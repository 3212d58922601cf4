import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// A policy cases were accepted under: when the first was, and the version of the latest.
public struct ReportedPolicy: Sendable, Equatable {
    public var policyID: String
    public var firstAcceptedAt: Date
    public var latestVersion: String
}

/// Named queries over `period_reports`, the periods whose `report.period_closed` was published.
public enum PeriodReportStore {
    /// Every recorded policy that has cases.
    public static func policiesWithCases(on connection: PostgresConnection, logger: Logger) async throws -> [ReportedPolicy] {
        let rows = try await connection.query(
            """
            SELECT p.policy_id, first.accepted_at, latest.policy_version
            FROM (SELECT DISTINCT policy_id FROM policy_versions) p
            CROSS JOIN LATERAL (SELECT accepted_at FROM cases c WHERE c.policy_id = p.policy_id ORDER BY accepted_at LIMIT 1) first
            CROSS JOIN LATERAL (SELECT policy_version FROM cases c WHERE c.policy_id = p.policy_id ORDER BY accepted_at DESC LIMIT 1) latest
            ORDER BY p.policy_id
            """, logger: logger)
        var policies: [ReportedPolicy] = []
        for try await (policyID, first, version) in rows.decode((String, Date, String).self) {
            policies.append(ReportedPolicy(policyID: policyID, firstAcceptedAt: first, latestVersion: version))
        }
        return policies
    }

    /// Claims a policy's period for publication; false when another instance or an
    /// earlier sweep already did (the row is written in the outbox's transaction).
    public static func claim(
        _ period: AssessmentPeriod, policyID: String, policyVersion: String, eventID: UUID, at now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO period_reports (policy_id, period, period_kind, first_day, last_day, policy_version, event_id, published_at)
            VALUES (\(policyID), \(period.label), \(period.kind.rawValue), \(period.firstDay.description)::date,
                    \(period.lastDay.description)::date, \(policyVersion), \(eventID), \(now))
            ON CONFLICT (policy_id, period) DO NOTHING
            RETURNING true
            """, logger: logger)
        for try await _ in rows.decode(Bool.self) { return true }
        return false
    }
}
