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
        that day; hour limits are elapsed time. A date outside the shipped calendar years is an error.
        """)

    @Option(help: "Policy id, e.g. changsha-2020.")
    var policy: String

    @Option(help: "sign | return-window | handling | feedback | callback | rating-appeal")
    var obligation: String

    @Option(help: "Category code, e.g. consultation.")
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
        var categoryCode: CategoryCode?
        if let category {
            guard let code = CategoryCode(rawValue: category) else {
                throw CommandSupport.fail("unknown category '\(category)'; use one of \(CategoryCode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            categoryCode = code
        }
        do {
            let loaded = try PolicyLoader.load(id: policy, directory: policyDir)
            if let categoryCode, !loaded.categories.contains(where: { $0.code == categoryCode }) {
                throw CommandSupport.fail("policy \(policy) has no category '\(categoryCode.rawValue)'; it names \(loaded.categories.map(\.code.rawValue).joined(separator: ", "))")
            }
            if let source, !Policy.caseSources.contains(source) {
                throw CommandSupport.fail("unknown source '\(source)'; use one of \(Policy.caseSources.sorted().joined(separator: ", "))")
            }
            guard let rule = loaded.rule(for: obligation) else {
                throw CommandSupport.fail("policy \(policy) sets no '\(obligation.rawValue)' limit")
            }
            let calendar = try CalendarLoader.load(name: loaded.calendar, directory: calendarDir)
            let limit = rule.limit(category: categoryCode, urgent: urgent, source: source)
            print(RFC3339.formatSeconds(try calendar.due(from: start, limit: limit)))
        } catch let error as CalendarError {
            throw CommandSupport.fail("\(error)")
        } catch let error as PolicyFileError {
            throw CommandSupport.fail("\(error)")
        }
    }
}
