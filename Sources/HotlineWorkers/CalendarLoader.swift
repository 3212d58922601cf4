import Foundation
import HotlineDomain
import Yams

/// Reads every `Ops/calendars/<name>-<year>.yaml` into one working-day calendar, with
/// the years after the last of them counted provisionally. A malformed file, or one
/// that drops a statutory holiday without saying so, is refused naming the file.
public enum CalendarLoader {
    /// One year: the State Council publishes next year's notice in November or December.
    public static let defaultProvisionalYears = 1

    public static func load(name: String, directory: String, provisionalYears: Int = defaultProvisionalYears) throws -> WorkingDayCalendar {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("\(name)-") && $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else {
            throw PolicyFileError(file: "\(directory)/\(name)-<year>.yaml", problems: [.init(key: "-", problem: "no calendar files; check HOTLINE_CALENDAR_DIR")])
        }
        var years: [CalendarYear] = []
        for file in files {
            let path = "\(directory)/\(file)"
            let year = try Self.year(file: path)
            guard file == "\(name)-\(year.year).yaml" else {
                throw PolicyFileError(file: path, problems: [.init(key: "year", problem: "says \(year.year); the file must be named \(name)-\(year.year).yaml")])
            }
            // Each year alone first, so a problem is reported against its own file.
            do {
                _ = try WorkingDayCalendar([year], provisionalHorizon: 0)
            } catch {
                throw PolicyFileError(file: path, problems: [.init(key: "\(year.year)", problem: error.description)])
            }
            years.append(year)
        }
        do {
            return try WorkingDayCalendar(years, provisionalHorizon: provisionalYears)
        } catch {
            throw PolicyFileError(file: directory, problems: [.init(key: "\(name)", problem: error.description)])
        }
    }

    /// One calendar file, decoded; a malformed one is refused naming the file and the key.
    public static func year(file path: String) throws -> CalendarYear {
        do {
            return try YAMLDecoder().decode(CalendarYear.self, from: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw PolicyFileError(file: path, problems: [.init(key: YAMLErrorText.path(of: error), problem: YAMLErrorText.message(of: error))])
        }
    }

    /// HOTLINE_CALENDAR_PROVISIONAL_YEARS for the commands that read the calendar without a worker's configuration.
    public static func provisionalYears(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        guard let text = environment["HOTLINE_CALENDAR_PROVISIONAL_YEARS"], !text.isEmpty else { return defaultProvisionalYears }
        guard let years = Int(text), (0...3).contains(years) else {
            throw ConfigurationError(setting: "HOTLINE_CALENDAR_PROVISIONAL_YEARS", problem: "must be an integer in 0...3, found '\(text)'")
        }
        return years
    }
}
