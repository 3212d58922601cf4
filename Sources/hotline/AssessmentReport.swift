import Foundation
import HotlineDomain

/// The assessment and the hot spots as a table for people, CSV for spreadsheets, JSON
/// for programs (the `report.period_closed` body), or the bulletin's HTML (which pdf prints).
struct AssessmentReport {
    let report: PeriodReport
    let policy: Policy

    static let columns = [
        "rank", "unit", "name", "score", "response_rate", "acceptance_rate", "on_time_rate", "reply_rate", "resolution_rate",
        "satisfaction_rate", "unsupervised_rate", "callback_rate",
        "orders", "returned", "extended", "sign_due", "signed_on_time", "handling_due", "on_time", "overdue", "still_overdue",
        "satisfied", "basically_satisfied", "dissatisfied", "supervisions", "highest_level",
        "appeals_upheld", "knowledge_added", "knowledge_updated", "knowledge_overdue", "knowledge_late",
    ]

    static let hotSpotColumns = ["hot_spot_rank", "area_code", "category", "count", "previous_count", "change", "change_percent", "new"]

    static func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }

    /// `+50.0%`, `-40.0%`, or `new` when the previous period had none.
    static func change(_ spot: HotSpot) -> String {
        spot.changePercent.map { String(format: "%+.1f%%", $0) } ?? "new"
    }
    static func decimal(_ rate: Double?) -> String { rate.map { String(format: "%.4f", $0) } ?? "" }

    func row(_ unit: UnitAssessment, rate: (Double?) -> String) -> [String] {
        let f = unit.figures
        return [
            unit.rank.map(String.init) ?? "-", f.unitID, f.unitName, rate(unit.score), rate(unit.responseRate), rate(unit.acceptanceRate),
            rate(unit.onTimeRate), rate(unit.replyRate), rate(unit.resolutionRate), rate(unit.satisfactionRate), rate(unit.unsupervisedRate),
            rate(unit.callbackRate),
        ] + [
            f.ordersReceived, f.returned, f.extended, f.signDue, f.signedOnTime, f.handlingDue, f.finishedOnTime, f.overdue, f.stillOverdue,
            f.satisfied, f.basicallySatisfied, f.dissatisfied, f.supervisions, f.highestLevel, f.appealsUpheld,
            f.knowledgeAdded, f.knowledgeUpdated, f.knowledgeOverdue, f.knowledgeLate,
        ].map(String.init)
    }

    func render(_ format: ReportCommand.Format) throws -> String {
        let period = report.period
        switch format {
        case .table:
            var lines = [
                "Assessment of \(period) under \(policy.policy) \(policy.version) (\(policy.assessment.article)); "
                    + "score = \(policy.assessment.formula), 基本满意 at \(policy.assessment.basicallySatisfiedWeight); "
                    + "units with fewer than \(policy.assessment.minimumOrders) orders are not ranked",
            ]
            let short = [
                "rank", "unit", "name", "score", "响应率", "受理率", "按时办结率", "回复率", "解决率", "满意率", "无督办率", "回访率",
                "orders", "returned", "extended", "overdue", "督办", "level", "知识库+", "知识库~", "待复核", "迟报",
            ]
            let at = Dictionary(uniqueKeysWithValues: Self.columns.enumerated().map { ($1, $0) })
            let shown = ["rank", "unit", "name", "score", "response_rate", "acceptance_rate", "on_time_rate", "reply_rate", "resolution_rate",
                         "satisfaction_rate", "unsupervised_rate", "callback_rate", "orders", "returned", "extended", "overdue", "supervisions",
                         "highest_level", "knowledge_added", "knowledge_updated", "knowledge_overdue", "knowledge_late"].map { at[$0]! }
            lines += SummaryReport.table(report.units.map { unit in
                let all = row(unit, rate: Self.percent)
                return shown.map { all[$0] }
            }, header: short)
            let centre = report.centre
            lines.append("即时办结率 (centre): \(Self.percent(centre.directAnswerRate)) (\(centre.directAnswers) of \(centre.accepted) cases accepted answered at once from the knowledge base); knowledge upkeep (知识库+ added, 知识库~ updated, 待复核 overdue for review, 迟报 uploaded late) is shown, not scored")
            if let top = report.top, let bottom = report.bottom {
                lines.append("top: \(top.unitName) \(Self.percent(top.score)); bottom: \(bottom.unitName) \(Self.percent(bottom.score))")
            }
            if !report.hotSpots.isEmpty {
                lines += ["", "Hot spots: cases accepted in \(period.label) per area × category, against \(period.previous.label)"]
                lines += SummaryReport.table(report.hotSpots.map { spot in
                    [String(spot.rank), spot.areaCode ?? "(no area)", spot.category, String(spot.count), String(spot.previousCount),
                     String(format: "%+ld", spot.change), Self.change(spot)]
                }, header: ["rank", "area", "category", "cases", "previous", "change", "change %"])
            }
            return lines.joined(separator: "\n")
        case .csv:
            let quote = { (field: String) in field.contains(where: { ",\"\n".contains($0) }) ? "\"\(field.replacingOccurrences(of: "\"", with: "\"\""))\"" : field }
            var rows = [Self.columns] + report.units.map { row($0, rate: Self.decimal) }
            if !report.hotSpots.isEmpty {
                rows += [[], Self.hotSpotColumns] + report.hotSpots.map { spot in
                    [String(spot.rank), spot.areaCode ?? "", spot.category, String(spot.count), String(spot.previousCount), String(spot.change),
                     spot.changePercent.map { String(format: "%.1f", $0) } ?? "", spot.isNew ? "true" : "false"]
                }
            }
            rows += [[], ["accepted", "direct_answers", "direct_answer_rate"],
                     [String(report.centre.accepted), String(report.centre.directAnswers), Self.decimal(report.centre.directAnswerRate)]]
            return rows.map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self)
        case .html, .pdf:
            return BulletinHTML(report: report, policy: policy).document
        }
    }
}
