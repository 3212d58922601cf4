/// Ranks a period's area × category counts (docs/ASSESSMENT.md, "Hot spots"): most
/// cases first; equal counts in area code order (the no-area bucket last), then
/// category, so the same counts always give the same list.
public struct HotSpotRanking: Sendable {
    /// How many hot spots a report lists unless told otherwise.
    public static let defaultCount = 10

    public let count: Int

    public init(count: Int = Self.defaultCount) {
        self.count = count
    }

    public func rank(_ current: [HotSpotCount], previous: [HotSpotCount]) -> [HotSpot] {
        let before = Dictionary(
            previous.map { (Key(areaCode: $0.areaCode, category: $0.category), $0.count) }, uniquingKeysWith: +)
        let ordered = current.filter { $0.count > 0 }.sorted {
            if $0.count != $1.count { return $0.count > $1.count }
            switch ($0.areaCode, $1.areaCode) {
            case let (left?, right?) where left != right: return left < right
            case (.some, nil): return true
            case (nil, .some): return false
            default: return $0.category < $1.category
            }
        }
        var spots: [HotSpot] = []
        for (index, spot) in ordered.prefix(max(count, 0)).enumerated() {
            let rank = spots.last.map { $0.count == spot.count ? $0.rank : index + 1 } ?? 1
            spots.append(HotSpot(
                rank: rank, areaCode: spot.areaCode, category: spot.category, count: spot.count,
                previousCount: before[Key(areaCode: spot.areaCode, category: spot.category)] ?? 0))
        }
        return spots
    }

    private struct Key: Hashable {
        var areaCode: String?
        var category: String
    }
}
