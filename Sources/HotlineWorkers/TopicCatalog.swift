import Foundation
import Yams

/// The topics defined in `Topics/<name>/topic.yaml`.
public struct TopicDefinition: Sendable, Decodable, Equatable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int?
    /// The production topic settings (`retention.ms` …), as strings.
    public var config: [String: String]?

    enum CodingKeys: String, CodingKey {
        case name, partitions, config
        case replicationFactor = "replication_factor"
    }

    /// `retention.ms` in days; nil when not set.
    public var retentionDays: Double? {
        config?["retention.ms"].flatMap(Double.init).map { $0 / 86_400_000 }
    }
}

public enum TopicCatalog {
    /// Every topic definition under `directory`, sorted by name.
    public static func load(directory: String) throws -> [TopicDefinition] {
        let folders = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        var topics: [TopicDefinition] = []
        for folder in folders {
            let file = "\(directory)/\(folder)/topic.yaml"
            guard FileManager.default.fileExists(atPath: file) else { continue }
            let definition: TopicDefinition
            do {
                definition = try YAMLDecoder().decode(TopicDefinition.self, from: try String(contentsOfFile: file, encoding: .utf8))
            } catch {
                throw PolicyFileError(file: file, problems: [.init(key: YAMLErrorText.path(of: error), problem: YAMLErrorText.message(of: error))])
            }
            guard definition.name == folder, definition.partitions > 0 else {
                throw PolicyFileError(file: file, problems: [.init(key: "name", problem: "must equal the folder name '\(folder)' and have partitions > 0")])
            }
            topics.append(definition)
        }
        return topics
    }
}
