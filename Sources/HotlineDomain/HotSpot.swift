/// One area × category among a period's most frequent appeals (长沙 第三十四条（二）
/// 「集中投诉举报的热点、难点事项」; 宜宾 第十一条 「通报本旬“信件”所反映的热点问题」),
/// with its change against the previous period of the same kind.
public struct HotSpot: Sendable, Equatable, Encodable {
    /// 1 for the most cases; equal counts share a rank (1, 1, 3).
    public var rank: Int
    /// nil for the appeals that named no area.
    public var areaCode: String?
    public var category: String
    public var count: Int
    public var previousCount: Int

    /// Cases more (or fewer, negative) than in the previous period.
    public var change: Int { count - previousCount }

    /// The change in percent of the previous count; nil when the previous count is 0 (a new hot spot).
    public var changePercent: Double? { previousCount == 0 ? nil : Double(change) * 100 / Double(previousCount) }

    /// Nothing of this area and category in the previous period.
    public var isNew: Bool { previousCount == 0 }

    public init(rank: Int, areaCode: String?, category: String, count: Int, previousCount: Int) {
        self.rank = rank
        self.areaCode = areaCode
        self.category = category
        self.count = count
        self.previousCount = previousCount
    }

    enum CodingKeys: String, CodingKey {
        case rank, category, count, change, new
        case areaCode = "area_code"
        case previousCount = "previous_count"
        case changePercent = "change_percent"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rank, forKey: .rank)
        try container.encode(areaCode, forKey: .areaCode)
        try container.encode(category, forKey: .category)
        try container.encode(count, forKey: .count)
        try container.encode(previousCount, forKey: .previousCount)
        try container.encode(change, forKey: .change)
        try container.encode(changePercent, forKey: .changePercent)
        try container.encode(isNew, forKey: .new)
    }
}
