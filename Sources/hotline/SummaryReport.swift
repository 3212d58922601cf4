import HotlinePostgres

/// The human-readable summary tables.
enum SummaryReport {
    static func render(_ summary: PipelineSummary) -> String {
        var lines: [String] = []
        lines.append("Intake messages answered: \(summary.messagesAnswered) (of which re-published duplicates: \(summary.duplicatesAnswered)); dead letters: \(summary.deadLetters)")
        lines.append("Cases: \(summary.cases); current lead assignments: \(summary.currentLeadAssignments); co-unit assignments: \(summary.coAssignments); manual-dispatch queue: \(summary.manualQueue); urges (repeat appeals): \(summary.urges)")
        lines.append("")
        lines.append("Cases by category and status")
        lines += table(summary.casesByCategoryAndStatus.map { [$0.first, $0.second, "\($0.count)"] }, header: ["category", "status", "cases"])
        lines.append("")
        lines.append("Receipts by outcome")
        lines += table(summary.receiptsByOutcome.map { [$0.name, "\($0.count)"] }, header: ["outcome", "receipts"])
        lines.append("")
        lines.append("Not opened as cases, by reason")
        lines += table(summary.notOpenedByReason.map { [$0.first, $0.second, "\($0.count)"] }, header: ["outcome", "reason", "appeals"])
        lines.append("")
        lines.append("Top units by current lead assignments")
        lines += table(summary.leadUnits.prefix(10).map { [$0.first, $0.second, "\($0.count)"] }, header: ["unit", "name", "cases"])
        lines.append("")
        lines.append("Dead letters by reason")
        lines += table(summary.deadLettersByReason.map { [$0.name, "\($0.count)"] }, header: ["reason", "messages"])
        let lifecycle = renderLifecycle(summary)
        return lines.joined(separator: "\n") + (lifecycle.isEmpty ? "" : "\n\n" + lifecycle)
    }

    /// Deadlines per unit and the supervisions raised; empty before any order is dispatched.
    static func renderLifecycle(_ summary: PipelineSummary) -> String {
        var lines: [String] = []
        if !summary.unitDeadlines.isEmpty {
            lines.append("Deadlines per unit (sign and handling clocks; top 12 by overdue)")
            lines += table(
                summary.unitDeadlines.prefix(12).map { [$0.unitID, $0.unitName, "\($0.onTime)", "\($0.overdue)", "\($0.stillOverdue)"] },
                header: ["unit", "name", "on time", "overdue", "still overdue"])
            let onTime = summary.unitDeadlines.reduce(0) { $0 + $1.onTime }
            let overdue = summary.unitDeadlines.reduce(0) { $0 + $1.overdue }
            lines.append("all \(summary.unitDeadlines.count) units: \(onTime) on time, \(overdue) overdue")
        }
        if !summary.supervisionsByTrigger.isEmpty {
            if !lines.isEmpty { lines.append("") }
            lines.append("Supervisions (督办) raised, by trigger")
            lines += table(
                summary.supervisionsByTrigger.map { [$0.trigger, "\($0.opened)", "\($0.closed)", "\($0.open)"] },
                header: ["trigger", "opened", "closed", "open"])
            lines.append("")
            lines.append("Open supervisions by ladder level")
            lines += table(summary.openSupervisionsByLevel.map { [$0.name, "\($0.count)"] }, header: ["level", "open"])
        }
        return lines.joined(separator: "\n")
    }

    /// Columns padded by display width (a CJK character takes two columns).
    static func table(_ rows: [[String]], header: [String]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { width($0[column]) }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - width($0.element)) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        return [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line)
    }

    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.properties.isEmojiPresentation == false && $1.value > 0x2E80 ? 2 : 1) }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
