/// The knowledge base (知识库) as a policy's optional `knowledge:` section says it is
/// kept: units keep their own entries current (巴林左旗 第十九、二十条; 鄂尔多斯 第十四条（三）),
/// and either the centre reviews a version before operators see it (长沙 第八条（二）
/// 「做好信息库的信息审核、发布工作」) or the unit's own review is enough (鄂尔多斯 第十四条（三）
/// 「采编、更新、审核和完善本单位政务知识库」). A policy without the section shows a version
/// once the centre approves it.
public struct KnowledgeRules: Sendable, Decodable, Equatable {
    /// Who approves a published version before it is shown.
    public enum Approver: String, Sendable, Decodable {
        case centre, unit
    }

    /// The article that makes units keep their entries current; quoted when a review is overdue.
    public var article: String
    public var note: String?
    public var approver: Approver
    /// The article that makes a late upload count against the unit (巴林左旗 第十五条（八）), if any.
    public var lateUploadArticle: String?

    public init(article: String, note: String? = nil, approver: Approver, lateUploadArticle: String? = nil) {
        self.article = article
        self.note = note
        self.approver = approver
        self.lateUploadArticle = lateUploadArticle
    }

    enum CodingKeys: String, CodingKey {
        case article, note, approver
        case lateUploadArticle = "late_upload_article"
    }

    /// Where a policy says nothing: the centre approves (the safer reading of 长沙 第八条（二）).
    public static let unstated = KnowledgeRules(article: "-", approver: .centre)
}

extension Policy {
    /// The knowledge rules in force: the policy's section, or `KnowledgeRules.unstated`.
    public var knowledgeRules: KnowledgeRules { knowledge ?? .unstated }

    func knowledgeProblems() -> [PolicyProblem] {
        guard let knowledge else { return [] }
        var problems: [PolicyProblem] = []
        if knowledge.article.isEmpty { problems.append(.init(key: "knowledge.article", problem: "must quote the article")) }
        if knowledge.lateUploadArticle?.isEmpty == true {
            problems.append(.init(key: "knowledge.late_upload_article", problem: "must quote the article, or be left out"))
        }
        return problems
    }
}
