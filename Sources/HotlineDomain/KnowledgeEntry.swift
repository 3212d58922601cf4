import Foundation

/// One version of a knowledge-base entry (知识库) as its unit publishes it on
/// `hotline.knowledge.v1`. Units keep their own entries current (巴林左旗 第十九条; 鄂尔多斯
/// 第十四条（三） 「采编、更新、审核和完善本单位政务知识库」); the centre approves a version
/// before operators are shown it (长沙 第八条（二） 「做好信息库的信息审核、发布工作」).
/// A version is immutable: a change is a new version.
public struct KnowledgeEntry: Sendable, Equatable {
    /// What the entry is, as 巴林左旗 第十九条 lists the contents of the knowledge base.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// 各部门工作职责, 权责清单.
        case duty
        /// 业务政策, 法律法规.
        case policy
        /// 办事指南.
        case procedure
        /// 办公地址.
        case address
        /// 服务电话.
        case phone
        /// 热点问答.
        case faq
        /// 公告: planned water, power, gas cuts, road works, bus changes (鄂尔多斯 第二十六条).
        case notice
    }

    public var eventID: String
    public var entryID: String
    public var version: Int
    public var unitID: String
    public var staffID: String
    public var kind: Kind
    /// The routing rule id of the duty the entry answers for (e.g. `water-supply`); nil
    /// when the entry is about the unit itself (its address, phones, duties).
    public var duty: String?
    public var title: String
    public var body: String
    public var keywords: [String]
    public var publishedAt: Date
    /// The day by which the unit must review the entry again.
    public var reviewBy: CalendarDate

    public init(
        eventID: String, entryID: String, version: Int, unitID: String, staffID: String, kind: Kind, duty: String?,
        title: String, body: String, keywords: [String], publishedAt: Date, reviewBy: CalendarDate
    ) {
        self.eventID = eventID
        self.entryID = entryID
        self.version = version
        self.unitID = unitID
        self.staffID = staffID
        self.kind = kind
        self.duty = duty
        self.title = title
        self.body = body
        self.keywords = keywords
        self.publishedAt = publishedAt
        self.reviewBy = reviewBy
    }
}
