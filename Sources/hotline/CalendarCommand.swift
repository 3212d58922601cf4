import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// `hotline calendar show|working-days|replan`: a year's days for a person to check against
/// the State Council's notice, the working days from a date for a program that plans by them
/// (the demo's units), and the recount of the clocks counted provisionally once a notice is added.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Show a year of the working-day calendar, list working days; recount provisional clocks.",
        subcommands: [Show.self, WorkingDays.self, Replan.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a year's days off and worked weekend days (调休), with the basis of each.",
            discussion: """
            A year with a calendar file is official (its State Council notice); the years after the \
            last file, up to HOTLINE_CALENDAR_PROVISIONAL_YEARS (default 1), are provisional: the \
            statutory holidays of 全国年节及纪念日放假办法 (国务院令第795号) 第二条 and their substitute \
            days (第六条), no adjusted working day guessed. Exit 2 for a malformed file or a year not covered.
            """)

        @Argument(help: "The year, e.g. 2027.")
        var year: Int

        @Option(help: "Calendar name (a policy's `calendar`).")
        var name = "cn"

        @Option(help: "Folder of calendars.")
        var calendarDir = ProcessInfo.processInfo.environment["HOTLINE_CALENDAR_DIR"] ?? "Ops/calendars"

        func run() async throws {
            try CommandSupport.reportingFileErrors {
                let calendar = try CalendarLoader.load(name: name, directory: calendarDir, provisionalYears: try CalendarLoader.provisionalYears())
                print("\(year) \(try calendar.basis(ofYear: year))")
                let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                for entry in try calendar.entries(ofYear: year) {
                    let kind = entry.isWorkingDay ? "worked " : (entry.date.isWeekend ? "weekend" : "day off")
                    print("\(entry.date) \(weekdays[entry.date.weekdayFromMonday])  \(kind)  \(entry.name)  [\(entry.basis)]")
                }
            }
        }
    }

    struct WorkingDays: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "working-days",
            abstract: "Print the first COUNT working days on or after a date, one YYYY-MM-DD per line.",
            discussion: """
            Counted as the workers count deadlines: weekends and the notice's days off are not \
            working days, its adjusted weekend days (调休) are. Days in a provisional year (after the \
            last calendar file, up to HOTLINE_CALENDAR_PROVISIONAL_YEARS, default 1) are printed all \
            the same, and a line on standard error names the year; a year past that is an error (exit 2).
            """)

        @Argument(help: "The first day to consider, e.g. 2026-10-19.")
        var from: String

        @Option(help: "How many working days.")
        var count: Int

        @Option(help: "Calendar name (a policy's `calendar`).")
        var name = "cn"

        @Option(help: "Folder of calendars.")
        var calendarDir = ProcessInfo.processInfo.environment["HOTLINE_CALENDAR_DIR"] ?? "Ops/calendars"

        func run() async throws {
            guard let start = CalendarDate(from) else { throw CommandSupport.fail("FROM must be a date YYYY-MM-DD, found '\(from)'") }
            guard count >= 1 else { throw CommandSupport.fail("--count must be 1 or more, found \(count)") }
            try CommandSupport.reportingFileErrors {
                let calendar = try CalendarLoader.load(name: name, directory: calendarDir, provisionalYears: try CalendarLoader.provisionalYears())
                let days = try calendar.workingDays(from: start, count: count)
                print(days.map(\.description).joined(separator: "\n"))
                let provisional = Set(days.map(\.year)).intersection(calendar.provisionalYears).sorted()
                if let year = provisional.first {
                    FileHandle.standardError.write(Data(
                        "provisional: days of \(provisional.map(String.init).joined(separator: ", ")) are counted from the statutory holidays alone (no State Council notice yet, no 调休 guessed); they may change when Ops/calendars/\(name)-\(year).yaml is added\n".utf8))
                }
            }
        }
    }

    struct Replan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recount every open clock counted on provisional days against the calendar files as they are now.",
            discussion: """
            Run after adding a year's notice (Ops/calendars/cn-YEAR.yaml; RUNBOOK "Calendar"). Each \
            moved clock gets a deadline.replanned event on hotline.cases.v1 and a history row; a warning \
            or overdue already announced stands. Replanning twice changes nothing the second time. \
            Uses the workers' environment (DATABASE_URL, HOTLINE_POLICY, HOTLINE_CLOCK, …).
            """)

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.calendar")
            let configuration: HotlineConfiguration
            let archive: PolicyArchive
            do {
                configuration = try HotlineConfiguration.fromEnvironment()
                archive = try PolicyArchive(configuration: configuration)
            } catch {
                throw CommandSupport.fail("\(error)")
            }
            let summary = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { client in
                let now = try await makeClock(configuration.clock, client: client, logger: logger).now()
                return try await CalendarReplan(archive: archive, logger: logger).run(client: client, now: now, batchSize: configuration.batchSize)
            }
            print(summary)
            if summary.failed > 0 { throw ExitCode(1) }
        }
    }
}
