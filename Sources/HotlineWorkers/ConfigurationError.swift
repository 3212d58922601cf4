/// A setting that is missing or wrong at start-up: names the setting and the fix.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var setting: String
    public var problem: String

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "\(setting): \(problem)" }
}
