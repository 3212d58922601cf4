import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// Prints a period's assessment of the handling units and their ranking
/// (docs/ASSESSMENT.md), counted from the history in DATABASE_URL.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "The units' assessment and ranking for a period (2026-10, 2026-Q4, 2026-W43, 2026-10-D2, 2026-H2, 2026).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json, html, pdf
    }

    @Option(help: "Policy id; its `reports.periods` say which periods it reports on, `assessment` how units are scored.")
    var policy: String

    @Option(help: "The period: 2026 (annual), 2026-H2, 2026-Q4, 2026-10, 2026-W43 (ISO week), 2026-10-D2 (旬: D1, D2, D3).")
    var period: String

    @Option(help: "Only this unit (it is still ranked among all).")
    var unit: String?

    @Option(help: "table, csv, json, html (the bulletin: one self-contained page with the ranking and charts) or pdf (the bulletin printed by chromium; needs --output).")
    var format: Format = .table

    @Option(help: "Write to this file instead of standard output (required for pdf).")
    var output: String?

    @Option(help: "How many hot spots (area × category) to list; 0 leaves them out.")
    var hotSpots = HotSpotRanking.defaultCount

    @Option(help: "Folder of policies.")
    var policyDir = ProcessInfo.processInfo.environment["HOTLINE_POLICY_DIR"] ?? "Ops/policies"

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.report")
        let loaded = try PolicyLoader.load(id: policy, directory: policyDir)
        let assessed: AssessmentPeriod
        do {
            assessed = try AssessmentPeriod.parse(period)
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        guard loaded.reports.periods.contains(assessed.kind) else {
            throw CommandSupport.fail(
                "policy \(policy) reports \(loaded.reports.periods.map(\.rawValue).joined(separator: ", ")) (\(loaded.reports.article)), not \(assessed.kind.rawValue)")
        }
        guard format != .pdf || output != nil else { throw CommandSupport.fail("--format pdf writes a file: give --output FILE") }
        guard hotSpots >= 0 else { throw CommandSupport.fail("--hot-spots must be 0 or more, found \(hotSpots)") }
        let url = try CommandSupport.databaseURL(session: .reader)
        let mode: HotlineConfiguration.ClockMode
        do {
            mode = try .fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        var report = try await withPostgres(url.configuration, logger: logger) { [hotSpots] client in
            let now = try await makeClock(mode, client: client, logger: logger).now()
            return try await client.withConnection { connection in
                try await PeriodReportBuilder.build(assessed, policy: loaded, hotSpots: hotSpots, now: now, connection: connection, logger: logger)
            }
        }
        if let unit {
            report.units = report.units.filter { $0.figures.unitID == unit }
            guard !report.units.isEmpty else { throw CommandSupport.fail("unit \(unit) has no recorded work in \(assessed)") }
        }
        let rendered = try AssessmentReport(report: report, policy: loaded).render(format)
        switch (format, output) {
        case (.pdf, let output?):
            do {
                try BulletinPDF.write(rendered, to: URL(fileURLWithPath: output))
            } catch let failure as BulletinPDF.Failure {
                throw CommandSupport.fail("\(failure)")
            }
        case (_, let output?):
            try Data((rendered + "\n").utf8).write(to: URL(fileURLWithPath: output))
        case (_, nil):
            print(rendered)
        }
    }
}
