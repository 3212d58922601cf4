/// How many cases were accepted in a period for one area and category; `areaCode`
/// nil is the appeals that named no area, counted as their own bucket.
public struct HotSpotCount: Sendable, Equatable, Hashable {
    public var areaCode: String?
    public var category: String
    public var count: Int

    public init(areaCode: String?, category: String, count: Int) {
        self.areaCode = areaCode
        self.category = category
        self.count = count
    }
}
