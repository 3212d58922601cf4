import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's daily review of units: on each working day the first sweep
/// claims the day and, over each trigger's window of working days before it,
/// - `low_rates` (巴林左旗 第十五条（七）「对超期诉求工单较多，以及响应率、解决率、满意率偏低的单位」):
///   counts every unit's sign and handling clocks due;
/// - `knowledge_late` (第十五条（八）「未按照规定模板、格式和时限要求，及时上传、更新知识库内容的单位」):
///   counts every unit's knowledge versions uploaded after their predecessor's review-by
///   date (the upkeep query of `hotline kb upkeep`);
/// opens a supervision on the ladder for a unit past a threshold, keeps the figures of one
/// still past it, and closes one whose figures recovered. A policy with neither trigger
/// reviews nothing.
struct UnitRateReviewer {
    let archive: PolicyArchive
    let logger: Logger
    /// The day a run found reviewed already, or no review due (not a working day, or a
    /// policy without either trigger); the sweep's look, no statement.
    let quietDay = QuietDay()

    /// Returns 1 when it reviewed today, 0 when there was nothing to review.
    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let edition = archive.running
        let supervisor = Supervisor(policy: edition.policy, calendar: edition.calendar)
        let rules = [supervisor.rule(for: .lowRates), supervisor.rule(for: .knowledgeLate)].compactMap { $0 }
        guard let first = rules.first,
              let day = try UnitRateReview(rule: first, calendar: edition.calendar).reviewDay(at: now),
              try await UnitSupervisionStore.claimReview(
                  of: day, policyID: edition.policy.policy, policyVersion: edition.policy.version, at: now,
                  on: connection, logger: logger)
        else {
            quietDay.record(CalendarDate(containing: now))
            return 0
        }
        var reviewed: Set<String> = []
        var below: Set<String> = []
        for rule in rules {
            let review = UnitRateReview(rule: rule, calendar: edition.calendar)
            let window = try review.window(before: day)
            let opened = try await UnitSupervisionStore.open(trigger: rule.trigger.rawValue, on: connection, logger: logger)
            let verdicts = rule.trigger == .knowledgeLate
                ? try await knowledgeVerdicts(review, window: window, opened: opened, connection: connection)
                : try await rateVerdicts(review, window: window, opened: opened, now: now, connection: connection)
            let openByUnit = Dictionary(opened.map { ($0.unitID, $0) }, uniquingKeysWith: { first, _ in first })
            for verdict in verdicts {
                reviewed.insert(verdict.unitID)
                if verdict.past { below.insert(verdict.unitID) }
                try await apply(verdict, open: openByUnit[verdict.unitID], rule: rule, edition: edition, now: now, connection: connection, outbox: &outbox)
            }
            logger.info("units reviewed", metadata: [
                "trigger": "\(rule.trigger.rawValue)", "review_day": "\(day)", "window_from": "\(window.firstDay)",
                "window_to": "\(window.lastDay)", "units": "\(verdicts.count)", "below": "\(verdicts.filter(\.past).count)",
            ])
        }
        try await UnitSupervisionStore.finishReview(of: day, unitsReviewed: reviewed.count, unitsBelow: below.count, on: connection, logger: logger)
        return 1
    }

    /// One unit's figures for one trigger: past the policy's threshold or not.
    struct Verdict {
        var unitID: String
        var unitName: String
        var past: Bool
        var rates: UnitRateFigures?
        var knowledge: KnowledgeLateFigures?
        /// Why a supervision of this trigger closes once the unit is back within the threshold.
        var recoveredReason: String

        func store(into row: inout SupervisionRow) {
            row.rates = rates
            row.knowledge = knowledge
        }
    }

    private func rateVerdicts(
        _ review: UnitRateReview, window: ReviewWindow, opened: [SupervisionRow], now: Date, connection: PostgresConnection
    ) async throws -> [Verdict] {
        let measured = try await UnitSupervisionStore.rates(dueSince: window.since, until: window.until, now: now, on: connection, logger: logger)
        var ratesByUnit = Dictionary(measured.map { ($0.unitID, $0) }, uniquingKeysWith: { first, _ in first })
        for row in opened where ratesByUnit[row.unitID] == nil {
            ratesByUnit[row.unitID] = UnitRates(unitID: row.unitID, unitName: row.unitName, ordersDue: 0, signedInTime: 0, overdueOrders: 0)
        }
        return ratesByUnit.values.sorted { $0.unitID < $1.unitID }.map { rates in
            let figures = review.figures(rates, window: window)
            return Verdict(
                unitID: rates.unitID, unitName: rates.unitName, past: !figures.below.isEmpty, rates: figures, recoveredReason: "rates_recovered")
        }
    }

    private func knowledgeVerdicts(
        _ review: UnitRateReview, window: ReviewWindow, opened: [SupervisionRow], connection: PostgresConnection
    ) async throws -> [Verdict] {
        let upkeep = try await KnowledgeStore.upkeep(
            from: window.since, until: window.until, lastDay: window.lastDay, on: connection, logger: logger)
        var lateByUnit = Dictionary(upkeep.map { ($0.unitID, $0.late) }, uniquingKeysWith: { first, _ in first })
        for row in opened where lateByUnit[row.unitID] == nil { lateByUnit[row.unitID] = 0 }
        let openNames = Dictionary(opened.map { ($0.unitID, $0.unitName) }, uniquingKeysWith: { first, _ in first })
        var verdicts: [Verdict] = []
        for (unit, late) in lateByUnit.sorted(by: { $0.key < $1.key }) {
            let figures = review.knowledgeFigures(lateUploads: late, window: window)
            guard figures.isLate || openNames[unit] != nil else { continue }
            var name = openNames[unit]
            if name == nil { name = try await UnitSupervisionStore.unitName(unit, on: connection, logger: logger) }
            verdicts.append(Verdict(unitID: unit, unitName: name ?? unit, past: figures.isLate, knowledge: figures, recoveredReason: "uploads_on_time"))
        }
        return verdicts
    }

    /// Opens, updates or closes a unit's supervision of the rule's trigger.
    private func apply(
        _ verdict: Verdict, open row: SupervisionRow?, rule: SupervisionTriggerRule, edition: PolicyArchive.Edition, now: Date,
        connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws {
        let figures: any Encodable = verdict.rates.map { $0 as any Encodable } ?? verdict.knowledge
        switch (verdict.past, row) {
        case (true, nil):
            try await open(verdict, figures: figures, rule: rule, edition: edition, now: now, connection: connection, outbox: &outbox)
        case let (true, row?):
            try await UnitSupervisionStore.update(id: row.id, figures: figures, on: connection, logger: logger)
        case let (false, row?):
            try await UnitSupervisionStore.close(id: row.id, reason: verdict.recoveredReason, figures: figures, at: now, on: connection, logger: logger)
            var closed = row
            verdict.store(into: &closed)
            let ladder = try await archive.edition(policyID: row.policyID, version: row.policyVersion, connection: connection, logger: logger)
                .policy.supervision.ladder
            outbox.append(try Escalations.message(
                .closed, closed, ladder: ladder, rank: row.level, deadline: nil, closeReason: verdict.recoveredReason, now: now))
            logger.info("unit supervision closed", metadata: ["unit_id": "\(row.unitID)", "trigger": "\(row.trigger)"])
        case (false, nil):
            break
        }
    }

    private func open(
        _ verdict: Verdict, figures: any Encodable, rule: SupervisionTriggerRule, edition: PolicyArchive.Edition, now: Date,
        connection: PostgresConnection, outbox: inout [OutboxMessage]
    ) async throws {
        let supervisor = Supervisor(policy: edition.policy, calendar: edition.calendar)
        let rung = try supervisor.opening(rule, at: now)
        guard let publicID = try await UnitSupervisionStore.open(
            unitID: verdict.unitID, trigger: rule.trigger.rawValue, article: rule.article, policyID: edition.policy.policy,
            policyVersion: edition.policy.version, level: rung.rank, levelCode: rung.level.code, levelDueAt: rung.dueAt,
            figures: figures, at: now, on: connection, logger: logger)
        else { return }
        var row = SupervisionRow(
            id: 0, publicID: publicID, caseID: nil, caseNumber: nil, policyID: edition.policy.policy,
            policyVersion: edition.policy.version, trigger: rule.trigger.rawValue, article: rule.article, unitID: verdict.unitID,
            unitName: verdict.unitName, level: rung.rank, levelDueAt: rung.dueAt)
        verdict.store(into: &row)
        outbox.append(try Escalations.message(
            .opened, row, ladder: edition.policy.supervision.ladder, rank: rung.rank, deadline: rung.dueAt, provisional: rung.provisional, closeReason: nil, now: now))
        logger.info("unit supervision opened", metadata: [
            "unit_id": "\(verdict.unitID)", "trigger": "\(rule.trigger.rawValue)", "level": "\(rung.level.code)",
        ])
    }
}
