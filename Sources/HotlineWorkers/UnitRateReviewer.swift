import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's daily review of units (巴林左旗 第十五条（七）「对超期诉求
/// 工单较多，以及响应率、解决率、满意率偏低的单位」): on each working day the first
/// sweep claims the day, counts every unit's sign and handling clocks due over the
/// running policy's window, opens a `low_rates` supervision on the ladder for a unit
/// below a threshold, keeps the figures of one still below, and closes one whose
/// figures recovered. A policy without a `low_rates` trigger reviews nothing.
struct UnitRateReviewer {
    let archive: PolicyArchive
    let logger: Logger

    /// Returns 1 when it reviewed today, 0 when there was nothing to review.
    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let edition = archive.running
        guard let rule = Supervisor(policy: edition.policy, calendar: edition.calendar).rule(for: .lowRates) else { return 0 }
        let review = UnitRateReview(rule: rule, calendar: edition.calendar)
        guard let day = try review.reviewDay(at: now),
              try await UnitSupervisionStore.claimReview(
                  of: day, policyID: edition.policy.policy, policyVersion: edition.policy.version, at: now,
                  on: connection, logger: logger)
        else { return 0 }
        let window = try review.window(before: day)
        let measured = try await UnitSupervisionStore.rates(dueSince: window.since, until: window.until, now: now, on: connection, logger: logger)
        let opened = try await UnitSupervisionStore.open(trigger: SupervisionTrigger.lowRates.rawValue, on: connection, logger: logger)
        let openByUnit = Dictionary(opened.map { ($0.unitID, $0) }, uniquingKeysWith: { first, _ in first })
        var ratesByUnit = Dictionary(measured.map { ($0.unitID, $0) }, uniquingKeysWith: { first, _ in first })
        for row in opened where ratesByUnit[row.unitID] == nil {
            ratesByUnit[row.unitID] = UnitRates(unitID: row.unitID, unitName: row.unitName, ordersDue: 0, signedInTime: 0, overdueOrders: 0)
        }
        var below = 0
        for rates in ratesByUnit.values.sorted(by: { $0.unitID < $1.unitID }) {
            let figures = review.figures(rates, window: window)
            if !figures.below.isEmpty { below += 1 }
            switch (figures.below.isEmpty, openByUnit[rates.unitID]) {
            case (false, nil):
                try await open(rates, figures: figures, rule: rule, edition: edition, now: now, connection: connection, outbox: &outbox)
            case let (false, row?):
                try await UnitSupervisionStore.update(id: row.id, rates: figures, on: connection, logger: logger)
            case let (true, row?):
                try await UnitSupervisionStore.close(id: row.id, reason: "rates_recovered", rates: figures, at: now, on: connection, logger: logger)
                var closed = row
                closed.rates = figures
                let ladder = try await archive.edition(policyID: row.policyID, version: row.policyVersion, connection: connection, logger: logger)
                    .policy.supervision.ladder
                outbox.append(try SupervisionHandler.escalation(
                    .closed, closed, ladder: ladder, rank: row.level, deadline: nil, closeReason: "rates_recovered", now: now))
                logger.info("unit supervision closed", metadata: ["unit_id": "\(row.unitID)", "trigger": "\(row.trigger)"])
            case (true, nil):
                break
            }
        }
        try await UnitSupervisionStore.finishReview(of: day, unitsReviewed: ratesByUnit.count, unitsBelow: below, on: connection, logger: logger)
        logger.info("units reviewed", metadata: [
            "review_day": "\(day)", "window_from": "\(window.firstDay)", "window_to": "\(window.lastDay)",
            "units": "\(ratesByUnit.count)", "below": "\(below)",
        ])
        return 1
    }

    private func open(
        _ rates: UnitRates, figures: UnitRateFigures, rule: SupervisionTriggerRule, edition: PolicyArchive.Edition, now: Date,
        connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws {
        let supervisor = Supervisor(policy: edition.policy, calendar: edition.calendar)
        let rung = try supervisor.opening(rule, at: now)
        guard let publicID = try await UnitSupervisionStore.open(
            unitID: rates.unitID, trigger: rule.trigger.rawValue, article: rule.article, policyID: edition.policy.policy,
            policyVersion: edition.policy.version, level: rung.rank, levelCode: rung.level.code, levelDueAt: rung.dueAt,
            rates: figures, at: now, on: connection, logger: logger)
        else { return }
        let row = SupervisionRow(
            id: 0, publicID: publicID, caseID: nil, caseNumber: nil, policyID: edition.policy.policy,
            policyVersion: edition.policy.version, trigger: rule.trigger.rawValue, article: rule.article, unitID: rates.unitID,
            unitName: rates.unitName, level: rung.rank, levelDueAt: rung.dueAt, rates: figures)
        outbox.append(try SupervisionHandler.escalation(
            .opened, row, ladder: edition.policy.supervision.ladder, rank: rung.rank, deadline: rung.dueAt, closeReason: nil, now: now))
        logger.info("unit supervision opened", metadata: [
            "unit_id": "\(rates.unitID)", "trigger": "\(rule.trigger.rawValue)", "level": "\(rung.level.code)",
            "below": "\(figures.below.map(\.rawValue).joined(separator: ","))",
        ])
    }
}
