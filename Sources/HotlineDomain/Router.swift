/// Where an accepted case goes.
public enum DispatchDecision: Sendable, Equatable {
    case dispatch(lead: HandlingUnit, coUnits: [HandlingUnit], ruleID: String)
    /// No rule matched: the case waits in the visible manual-dispatch queue.
    case manual(reason: String)
}

/// Routes accepted cases over the unit network: the first matching rule by
/// descending priority, then file order, whose lead unit can be resolved wins.
public struct Router: Sendable {
    public let network: UnitNetwork
    public let rules: [RoutingRule]

    /// Fails with the list of problems (unknown units, duplicate ids) when the
    /// routing file is inconsistent.
    public init(network: UnitNetwork, rules: [RoutingRule]) throws(RoutingFileError) {
        var problems = network.problems()
        var ids: Set<String> = []
        for rule in rules {
            if !ids.insert(rule.id).inserted { problems.append(.init(key: "rules.\(rule.id)", problem: "rule id is used twice")) }
            if case let .unit(id) = rule.lead, network.unit(id) == nil {
                problems.append(.init(key: "rules.\(rule.id).lead.unit", problem: "unknown unit '\(id)'"))
            }
            for id in rule.coUnits where network.unit(id) == nil {
                problems.append(.init(key: "rules.\(rule.id).co_units", problem: "unknown unit '\(id)'"))
            }
        }
        guard problems.isEmpty else { throw RoutingFileError(problems: problems) }
        self.network = network
        self.rules = rules.enumerated()
            .sorted { $0.element.priority != $1.element.priority ? $0.element.priority > $1.element.priority : $0.offset < $1.offset }
            .map(\.element)
    }

    public func route(category: CategoryCode, areaCode: String?, text: String) -> DispatchDecision {
        let bytes = Array(text.utf8)
        for rule in rules where rule.matches(category: category, areaCode: areaCode, text: bytes) {
            let lead: HandlingUnit?
            switch rule.lead {
            case let .unit(id): lead = network.unit(id)
            case let .territory(level): lead = areaCode.flatMap { network.territorial(level: level, areaCode: $0) }
            }
            guard let lead else { continue }
            let coUnits = rule.coUnits.compactMap(network.unit).filter { $0.id != lead.id }
            return .dispatch(lead: lead, coUnits: coUnits, ruleID: rule.id)
        }
        return .manual(reason: "没有匹配的派单规则，等待派单员人工派单。No routing rule matched; a dispatcher assigns it by hand.")
    }
}

public struct RoutingFileError: Error, Sendable, CustomStringConvertible {
    public var problems: [PolicyProblem]
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
