import Foundation
import HotlineDomain
import Yams

/// Reads and checks the unit network and routing rules, `Ops/routing/<network>.yaml`.
public enum RoutingLoader {
    struct File: Decodable {
        var format: Int
        var network: String
        var title: String?
        var units: [HandlingUnit]
        var rules: [RoutingRule]
    }

    static let allowedKeys = AllowedKeys.map([
        "format": .anyValue, "network": .anyValue, "title": .anyValue,
        "units": .list(.map(["id": .anyValue, "name": .anyValue, "level": .anyValue, "parent": .anyValue, "areas": .anyValue])),
        "rules": .list(.map([
            "id": .anyValue, "priority": .anyValue, "categories": .anyValue, "area_prefixes": .anyValue,
            "keywords": .anyValue, "lead": .map(["unit": .anyValue, "territory": .anyValue]), "co_units": .anyValue,
            "article": .anyValue,
        ])),
    ])

    public static func load(file: String) throws -> Router {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw PolicyFileError(file: file, problems: [.init(key: "-", problem: "cannot be read; check HOTLINE_ROUTING_FILE")])
        }
        do {
            if let node = try Yams.compose(yaml: text) {
                let unknown = allowedKeys.check(node)
                if !unknown.isEmpty {
                    throw PolicyFileError(file: file, problems: unknown.map { PolicyProblem(key: $0.0, problem: $0.1) })
                }
            }
            let decoded = try YAMLDecoder().decode(File.self, from: text)
            guard decoded.format == 1 else {
                throw PolicyFileError(file: file, problems: [.init(key: "format", problem: "must be 1")])
            }
            return try Router(network: UnitNetwork(units: decoded.units), rules: decoded.rules)
        } catch let error as PolicyFileError {
            throw error
        } catch let error as RoutingFileError {
            throw PolicyFileError(file: file, problems: error.problems)
        } catch {
            throw PolicyFileError(file: file, problems: [PolicyProblem(key: YAMLErrorText.path(of: error), problem: YAMLErrorText.message(of: error))])
        }
    }
}
