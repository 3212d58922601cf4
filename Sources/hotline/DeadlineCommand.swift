import ArgumentParser
import Foundation
import HotlineDomain
import HotlineWorkers

/// Prints when an obligation falls due under a policy and the working-day calendar.
struct DeadlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadline",
        abstract: "Print the due instant of an obligation, e.g. 2026-10-13T23:59:59+08:00.",
        discussion: """
        Counting rule: the day of the starting event is not counted; N working days end at \
        23:59:59 Asia/Shanghai of the Nth working day after it; same day ends at 23:59:59 of \
        that day; hour limits are elapsed time. A year after the last calendar file (up to \
        HOTLINE_CALENDAR_PROVISIONAL_YEARS, default 1) is counted provisionally from the statutory \
        holidays: the instant is still the first line, and a line on standard error says it is \
        provisional and why. A year past that is an error naming it.
        """)

    @Option(help: "Policy id, e.g. changsha-2020.")
    var policy: String

    @Option(help: ArgumentHelp(Obligation.allCases.map(\.rawValue).joined(separator: " | ")))
    var obligation: String

    @Option(help: "Category: the policy's code (complaint) or its label (投诉).")
    var category: String?

    @Option(help: "When the obligation starts, RFC 3339 with offset.")
    var from: String

    @Flag(help: "The case is urgent.")
    var urgent = false

    @Option(help: "How the case reached the unit: leader | assigned | provincial | media.")
    var source: String?

    @Option(help: "Folder of policies.")
    var policyDir = ProcessInfo.processInfo.environment["HOTLINE_POLICY_DIR"] ?? "Ops/policies"

    @Option(help: "Folder of calendars.")
    var calendarDir = ProcessInfo.processInfo.environment["HOTLINE_CALENDAR_DIR"] ?? "Ops/calendars"

    func run() async throws {
        guard let start = RFC3339.parse(from) else {
            throw CommandSupport.fail("--from must be an RFC 3339 date-time with offset, e.g. 2026-10-09T10:00:00+08:00")
        }
        guard let obligation = Obligation(rawValue: obligation) else {
            throw CommandSupport.fail("unknown obligation '\(self.obligation)'; use one of \(Obligation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try CommandSupport.reportingFileErrors {
            let loaded = try PolicyLoader.load(id: policy, directory: policyDir)
            var categoryCode: CategoryCode?
            if let category {
                guard let rule = loaded.categories.first(where: { $0.code.rawValue == category || $0.label == category }) else {
                    throw CommandSupport.fail(
                        "policy \(policy) has no category '\(category)'; it names \(loaded.categories.map { "\($0.code.rawValue) (\($0.label))" }.joined(separator: ", "))")
                }
                categoryCode = rule.code
            }
            if let source, !Policy.caseSources.contains(source) {
                throw CommandSupport.fail("unknown source '\(source)'; use one of \(Policy.caseSources.sorted().joined(separator: ", "))")
            }
            guard let rule = loaded.rule(for: obligation) else {
                throw CommandSupport.fail("policy \(policy) sets no '\(obligation.rawValue)' limit")
            }
            let calendar = try CalendarLoader.load(name: loaded.calendar, directory: calendarDir, provisionalYears: try CalendarLoader.provisionalYears())
            let limit = rule.limit(category: categoryCode, urgent: urgent, source: source)
            let due = try calendar.due(from: try loaded.countingStart(of: obligation, urgent: urgent, at: start, calendar: calendar), limit: limit)
            print(RFC3339.formatSeconds(due))
            let basis = calendar.basis(from: start, to: due, limit: limit)
            if basis.isProvisional {
                let years = basis.provisionalYears.map(String.init).joined(separator: ", ")
                FileHandle.standardError.write(Data(
                    "provisional: counted on days of \(years), which has no State Council notice yet (\(basis)); it may move when Ops/calendars/\(loaded.calendar)-\(basis.provisionalYears[0]).yaml is added (hotline calendar replan)\n".utf8))
            }
        }
    }
}
