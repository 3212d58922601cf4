import Foundation
import HotlineDomain
import Yams

/// Reads every `Ops/calendars/<name>-<year>.yaml` into one working-day calendar.
public enum CalendarLoader {
    public static func load(name: String, directory: String) throws -> WorkingDayCalendar {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("\(name)-") && $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else {
            throw PolicyFileError(file: "\(directory)/\(name)-<year>.yaml", problems: [.init(key: "-", problem: "no calendar files; check HOTLINE_CALENDAR_DIR")])
        }
        var years: [CalendarYear] = []
        for file in files {
            let path = "\(directory)/\(file)"
            do {
                years.append(try YAMLDecoder().decode(CalendarYear.self, from: try String(contentsOfFile: path, encoding: .utf8)))
            } catch {
                throw PolicyFileError(file: path, problems: [.init(key: YAMLErrorText.path(of: error), problem: YAMLErrorText.message(of: error))])
            }
        }
        do {
            return try WorkingDayCalendar(years)
        } catch {
            throw PolicyFileError(file: directory, problems: [.init(key: "\(name)", problem: error.description)])
        }
    }
}
