import Foundation
import HotlineDomain

/// The assessment as a table for people, CSV for spreadsheets or JSON for programs.
struct AssessmentReport {
    let period: AssessmentPeriod
    let policy: Policy
    let units: [UnitAssessment]

    static let columns = [
        "rank", "unit", "name", "score", "response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "callback_rate",
        "orders", "returned", "extended", "sign_due", "signed_on_time", "handling_due", "on_time", "overdue", "still_overdue",
        "satisfied", "basically_satisfied", "dissatisfied", "supervisions", "highest_level",
        "appeals_upheld",
    ]

    static func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
    static func decimal(_ rate: Double?) -> String { rate.map { String(format: "%.4f", $0) } ?? "" }

    func row(_ unit: UnitAssessment, rate: (Double?) -> String) -> [String] {
        let f = unit.figures
        return [
            unit.rank.map(String.init) ?? "-", f.unitID, f.unitName, rate(unit.score), rate(unit.responseRate), rate(unit.onTimeRate),
            rate(unit.resolutionRate), rate(unit.satisfactionRate), rate(unit.callbackRate),
        ] + [
            f.ordersReceived, f.returned, f.extended, f.signDue, f.signedOnTime, f.handlingDue, f.finishedOnTime, f.overdue, f.stillOverdue,
            f.satisfied, f.basicallySatisfied, f.dissatisfied, f.supervisions, f.highestLevel, f.appealsUpheld,
        ].map(String.init)
    }

    func render(_ format: ReportCommand.Format) throws -> String {
        switch format {
        case .table:
            let weights = policy.assessment.weights
            var lines = [
                "Assessment of \(period) under \(policy.policy) \(policy.version) (\(policy.assessment.article)); "
                    + "score = \(weights.responseRate) × 响应率 + \(weights.resolutionRate) × 解决率 + \(weights.satisfactionRate) × 满意率, "
                    + "基本满意 at \(policy.assessment.basicallySatisfiedWeight)",
            ]
            let short = ["rank", "unit", "name", "score", "响应率", "按时办结率", "解决率", "满意率", "回访率", "orders", "returned", "extended", "overdue", "督办", "level"]
            lines += SummaryReport.table(units.map { unit in
                let all = row(unit, rate: Self.percent)
                return Array(all[0..<12]) + [all[16], all[21], all[22]]
            }, header: short)
            let scored = units.filter { $0.score != nil }
            if let best = scored.first, let worst = scored.last, scored.count > 1 {
                lines.append("top: \(best.figures.unitName) \(Self.percent(best.score)); bottom: \(worst.figures.unitName) \(Self.percent(worst.score))")
            }
            return lines.joined(separator: "\n")
        case .csv:
            let quote = { (field: String) in field.contains(where: { ",\"\n".contains($0) }) ? "\"\(field.replacingOccurrences(of: "\"", with: "\"\""))\"" : field }
            return ([Self.columns] + units.map { row($0, rate: Self.decimal) }).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n")
        case .json:
            struct Body: Encodable {
                var period: String
                var firstDay: String
                var lastDay: String
                var policy: String
                var policyVersion: String
                var units: [UnitAssessment]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let body = Body(
                period: period.label, firstDay: period.firstDay.description, lastDay: period.lastDay.description,
                policy: policy.policy, policyVersion: policy.version, units: units)
            return String(decoding: try encoder.encode(body), as: UTF8.self)
        }
    }
}
