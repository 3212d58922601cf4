import ArgumentParser
import Foundation
import HotlineDomain
import HotlineWorkers

/// `hotline config check`: the checks a worker makes at start-up (environment, keys,
/// policy, calendar, routing), without starting one; prints the effective configuration
/// with secrets masked. Exit 2 with the setting and the problem when one fails.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration the workers would start with.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the environment, keys, policy, calendar and routing; print the effective settings, secrets masked.")

        func run() async throws {
            _ = try CommandSupport.makeLogger("hotline.config")
            let configuration: HotlineConfiguration
            let archive: PolicyArchive
            let routingUnits: Int
            do {
                configuration = try HotlineConfiguration.fromEnvironment()
                archive = try PolicyArchive(configuration: configuration)
                // The machine's clock: a simulated clock lives in PostgreSQL, which this check does not need.
                try archive.requireCalendarCoverage(at: Date())
                routingUnits = try RoutingLoader.load(file: configuration.routingFile).network.units.count
            } catch {
                throw CommandSupport.fail("\(error)")
            }
            let environment = ProcessInfo.processInfo.environment
            let settings = configuration.effectiveSettings() + [
                ("HOTLINE_LOG_FORMAT", environment["HOTLINE_LOG_FORMAT"] ?? LogFormat.text.rawValue),
                ("HOTLINE_LOG_LEVEL", environment["HOTLINE_LOG_LEVEL"] ?? "info (workers), error (tools)"),
            ]
            let width = settings.map(\.0.count).max() ?? 0
            for (name, value) in settings {
                print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
            }
            let policy = archive.running.policy
            let calendar = archive.running.calendar
            let provisional = calendar.provisionalYears.isEmpty ? "" : ", \(calendar.provisionalYears.map(String.init).joined(separator: ", ")) provisional"
            print("policy \(policy.policy) \(policy.version) (\(policy.title)) loads; calendar \(policy.calendar) loads (official through \(calendar.lastOfficialDay.map { "\($0)" } ?? "-")\(provisional); covers \(CalendarCoverage(policy: policy))); routing: \(routingUnits) units")
        }
    }
}
