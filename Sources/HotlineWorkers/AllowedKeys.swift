import Yams

/// The keys a YAML file may use, so a misspelt rule is refused instead of silently
/// ignored. `.map` lists a mapping's keys; `.list` applies to every element.
indirect enum AllowedKeys: Sendable {
    case map([String: AllowedKeys])
    case list(AllowedKeys)
    /// A mapping whose keys are data (checked elsewhere); each value follows the rule.
    case mapOfAny(AllowedKeys)
    case anyValue

    /// Problems as (key path, message).
    func check(_ node: Node, path: String = "") -> [(String, String)] {
        switch (self, node) {
        case let (.map(allowed), .mapping(mapping)):
            var problems: [(String, String)] = []
            for (key, value) in mapping {
                let name = key.string ?? "\(key)"
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                if let rule = allowed[name] {
                    problems += rule.check(value, path: childPath)
                } else {
                    problems.append((childPath, "unknown key; allowed here: \(allowed.keys.sorted().joined(separator: ", "))"))
                }
            }
            return problems
        case let (.mapOfAny(value), .mapping(mapping)):
            return mapping.flatMap { value.check($0.value, path: "\(path).\($0.key.string ?? "\($0.key)")") }
        case let (.list(element), .sequence(sequence)):
            return sequence.enumerated().flatMap { element.check($0.element, path: "\(path)[\($0.offset)]") }
        default:
            return []
        }
    }
}
