/// Whether a unit may publish an entry: it must be a unit of the network, and an entry
/// that answers for a duty must answer for one of the unit's own (巴林左旗 第九条（四）
/// 「负责涉及本部门热线知识库信息内容的更新和维护」; 鄂尔多斯 第十四条（三） 「本单位政务知识库」).
/// A unit's duties are the routing rules that lead to it by name, list it as a co-unit,
/// or lead to its level territorially.
public struct KnowledgeOwnership: Sendable {
    public let router: Router

    public init(router: Router) {
        self.router = router
    }

    /// Nil when the unit may publish the entry.
    public func refusal(for entry: KnowledgeEntry) -> KnowledgeRefusal? {
        guard let unit = router.network.unit(entry.unitID) else {
            return KnowledgeRefusal(.unknownUnit, "Unit '\(entry.unitID)' is not in the unit network; publish with the unit id of the routing file.")
        }
        guard let duty = entry.duty else { return nil }
        guard let rule = router.rules.first(where: { $0.id == duty }) else {
            return KnowledgeRefusal(.unknownDuty, "Duty '\(duty)' is no routing rule of the network; name one of the unit's rules or leave duty out.")
        }
        if rule.coUnits.contains(unit.id) { return nil }
        switch rule.lead {
        case let .unit(lead) where lead == unit.id:
            return nil
        case let .territory(level) where level == unit.level:
            return nil
        case let .unit(lead):
            return KnowledgeRefusal(.notEntryOwner, "Duty '\(duty)' belongs to unit '\(lead)', not to '\(unit.id)'; only the unit that holds a duty keeps its entries.")
        case let .territory(level):
            return KnowledgeRefusal(.notEntryOwner, "Duty '\(duty)' belongs to the \(level.rawValue) units of each area, not to '\(unit.id)' (\(unit.level.rawValue)).")
        }
    }
}
