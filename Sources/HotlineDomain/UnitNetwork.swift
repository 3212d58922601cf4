/// The handling units (承办单位) in their 4-level network: city → districts and
/// bureaus → townships/streets → villages/communities (鄂尔多斯 第十三条; 长沙 第十一条).
/// Loaded with the routing rules from `Ops/routing/<network>.yaml`.
public struct UnitNetwork: Sendable, Equatable {
    public let units: [HandlingUnit]
    private let byID: [String: HandlingUnit]

    public init(units: [HandlingUnit]) {
        self.units = units
        self.byID = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func unit(_ id: String) -> HandlingUnit? { byID[id] }

    /// The unit of `level` territorially responsible for `areaCode`: the one whose
    /// area prefix is the longest prefix of the code (长沙 第十六条 按责转交; 巴林左旗 第十二条
    /// "根据职责、属地或行业管理规定").
    public func territorial(level: UnitLevel, areaCode: String) -> HandlingUnit? {
        var best: (unit: HandlingUnit, length: Int)?
        for unit in units where unit.level == level {
            for prefix in unit.areas where areaCode.hasPrefix(prefix) && prefix.count > (best?.length ?? 0) {
                best = (unit, prefix.count)
            }
        }
        return best?.unit
    }

    func problems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        var seen: Set<String> = []
        for unit in units {
            if !seen.insert(unit.id).inserted { problems.append(.init(key: "units.\(unit.id)", problem: "unit id is used twice")) }
            if let parent = unit.parent, byID[parent] == nil {
                problems.append(.init(key: "units.\(unit.id).parent", problem: "unknown unit '\(parent)'"))
            }
            if unit.name.isEmpty { problems.append(.init(key: "units.\(unit.id).name", problem: "must not be empty")) }
        }
        return problems
    }
}

public enum UnitLevel: String, Sendable, Codable, Equatable {
    case city, district, bureau, township, community
}

public struct HandlingUnit: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var level: UnitLevel
    public var parent: String?
    /// Administrative division code prefixes the unit answers for territorially.
    public var areas: [String]

    public init(id: String, name: String, level: UnitLevel, parent: String?, areas: [String]) {
        self.id = id
        self.name = name
        self.level = level
        self.parent = parent
        self.areas = areas
    }

    enum CodingKeys: String, CodingKey { case id, name, level, parent, areas }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        level = try container.decode(UnitLevel.self, forKey: .level)
        parent = try container.decodeIfPresent(String.self, forKey: .parent)
        areas = try container.decodeIfPresent([String].self, forKey: .areas) ?? []
    }
}
