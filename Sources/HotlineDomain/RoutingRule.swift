/// One dispatch rule: category × area × keywords → lead unit plus co-units.
public struct RoutingRule: Sendable, Decodable, Equatable {
    public var id: String
    public var priority: Int
    public var categories: [CategoryCode]
    public var areaPrefixes: [String]
    public let keywords: [String]
    public var lead: LeadSelector
    /// Co-handling units (长沙 第十六条（二）"涉及2个及以上责任单位职责的事项，明确1个责任单位
    /// 牵头办理，其他单位会同办理"; 巴林左旗 第十二条 "由热线办公室明确牵头办理单位").
    public var coUnits: [String]
    public var article: String?
    /// The keywords' UTF-8 bytes, found once: routing searches every rule's keywords in
    /// every case's text.
    private var keywordBytes: [[UInt8]] = []

    enum CodingKeys: String, CodingKey {
        case id, priority, categories, keywords, lead, article
        case areaPrefixes = "area_prefixes"
        case coUnits = "co_units"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        priority = try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        categories = try container.decodeIfPresent([CategoryCode].self, forKey: .categories) ?? []
        areaPrefixes = try container.decodeIfPresent([String].self, forKey: .areaPrefixes) ?? []
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords) ?? []
        lead = try container.decode(LeadSelector.self, forKey: .lead)
        coUnits = try container.decodeIfPresent([String].self, forKey: .coUnits) ?? []
        article = try container.decodeIfPresent(String.self, forKey: .article)
        keywordBytes = keywords.map { Array($0.utf8) }
    }

    /// True when the case's category, area and text all satisfy the rule's conditions: a
    /// keyword matches where its characters appear, in order, in the text.
    public func matches(category: CategoryCode, areaCode: String?, text: String) -> Bool {
        matches(category: category, areaCode: areaCode, text: Array(text.utf8))
    }

    /// `matches` over the text's UTF-8 bytes, found once for every rule the router tries:
    /// a byte search finds exactly the keywords a character search finds (UTF-8 never
    /// matches across a character boundary), without Foundation's locale-aware search, which
    /// took half the dispatch worker's time.
    func matches(category: CategoryCode, areaCode: String?, text: [UInt8]) -> Bool {
        if !categories.isEmpty && !categories.contains(category) { return false }
        if !areaPrefixes.isEmpty {
            guard let areaCode, areaPrefixes.contains(where: { areaCode.hasPrefix($0) }) else { return false }
        }
        if !keywordBytes.isEmpty && !keywordBytes.contains(where: { Self.bytes(text, contain: $0) }) { return false }
        return true
    }

    /// True when `keyword`'s bytes appear, in order, in `text`.
    static func bytes(_ text: [UInt8], contain keyword: [UInt8]) -> Bool {
        guard let first = keyword.first, keyword.count <= text.count else { return keyword.isEmpty }
        var start = 0
        let last = text.count - keyword.count
        while start <= last {
            if text[start] == first, text[start..<(start + keyword.count)].elementsEqual(keyword) { return true }
            start += 1
        }
        return false
    }
}

/// How a rule names its lead unit: a fixed unit (by duty or industry), or the unit
/// of a level that is territorially responsible for the case's area (属地).
public enum LeadSelector: Sendable, Decodable, Equatable {
    case unit(String)
    case territory(UnitLevel)

    enum CodingKeys: String, CodingKey { case unit, territory }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let unit = try container.decodeIfPresent(String.self, forKey: .unit) {
            self = .unit(unit)
        } else if let level = try container.decodeIfPresent(UnitLevel.self, forKey: .territory) {
            self = .territory(level)
        } else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "lead needs either 'unit' or 'territory'"))
        }
    }
}
