import Foundation

/// Settings read from a process's environment: blank counts as unset, and a number out of
/// its range is refused naming the setting, for every process that reads its own.
struct EnvironmentSettings {
    let environment: [String: String]

    func value(_ name: String) -> String? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(setting: name, problem: "must be an integer in \(range.lowerBound)...\(range.upperBound), found '\(text)'")
        }
        return number
    }
}
