import Foundation

/// The knowledge-base entry version an operator answered a caller from at once (即时办结):
/// 长沙 第十六条（一）「可根据信息库内容等当场答复诉求人的,直接在线办结」; 巴林左旗 第十一条
/// 「根据热线知识库能即时答复的，即时答复诉求人」; 鄂尔多斯 第十九条（一）「受理员采用直接答复方式即时办结」;
/// 宜宾 第十一条（二）1 直办. The case keeps the id and version, so what the caller was told
/// can be read back even after the entry changed.
public struct KnowledgeAnswer: Sendable, Hashable, Codable {
    public var entryID: String
    public var version: Int

    public init(entryID: String, version: Int) {
        self.entryID = entryID
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case version
        case entryID = "entry_id"
    }

    /// A version as intake finds it in the knowledge base: its state and when it was decided.
    public struct Found: Sendable, Equatable {
        public var state: KnowledgeState
        public var decidedAt: Date?

        public init(state: KnowledgeState, decidedAt: Date?) {
            self.state = state
            self.decidedAt = decidedAt
        }
    }

    /// Why an operator cannot have answered from this version when the appeal came in: it
    /// does not exist, or it was not approved (shown to operators) by then. Nil when it was.
    public func refusal(found: Found?, receivedAt: Date) -> IntakeRejection? {
        let named = "Entry \(entryID) version \(version)"
        guard let found else {
            return IntakeRejection(
                .unknownEntryVersion, "\(named) does not exist; name a version `hotline kb search` or `hotline kb show` lists.",
                field: "/answered_from")
        }
        guard found.state == .approved, let decidedAt = found.decidedAt, decidedAt <= receivedAt else {
            let state = found.state == .approved ? "approved only after the appeal was received" : found.state.rawValue
            return IntakeRejection(
                .unknownEntryVersion,
                "\(named) was not shown to operators when the appeal was received (it is \(state)); answer from an approved version or send the appeal without answered_from.",
                field: "/answered_from/version")
        }
        return nil
    }
}
