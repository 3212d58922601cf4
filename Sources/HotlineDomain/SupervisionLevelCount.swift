/// How many of a unit's supervisions (督办) opened in a period stand on one rank of the
/// policy's ladder (1 the first): the monthly bulletin shows supervisions by level
/// (长沙 第三十七条 月度通报; the ladder is each policy's `supervision.ladder`).
public struct SupervisionLevelCount: Sendable, Equatable, Codable {
    public var level: Int
    public var count: Int

    public init(level: Int, count: Int) {
        self.level = level
        self.count = count
    }
}
