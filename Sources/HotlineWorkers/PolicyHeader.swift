import HotlineDomain
import Yams

/// What `hotline status` reads of the running policy: its id, version, calendar and
/// validity, decoded without building and checking the rest (the workers and `hotline policy
/// check` do that). Checking every pattern was about half of each status read's CPU, and the
/// demo and the tests read the status every half second while they wait for the workers.
public struct PolicyHeader: Decodable, Sendable {
    public var policy: String
    public var version: String
    public var calendar: String
    public var validity: PolicyValidity

    /// The header of `<directory>/<id>.yaml`.
    public static func load(id: String, directory: String) throws -> PolicyHeader {
        let file = "\(directory)/\(id).yaml"
        let text = try PolicyLoader.text(of: file)
        do {
            return try YAMLDecoder().decode(PolicyHeader.self, from: text)
        } catch {
            throw PolicyFileError(file: file, problems: [PolicyProblem(key: YAMLErrorText.path(of: error), problem: YAMLErrorText.message(of: error))])
        }
    }
}
