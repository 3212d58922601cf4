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
    /// The article that lets an operator answer at once from an entry (即时办结); quoted on the
    /// direct answer's `case.closed`.
    public var directAnswerArticle: String?
    /// The article that calls every case back, direct answers included (长沙 第二十五条
    /// 「对事项实行全面回访」); nil where only cases a unit handled are called back.
    public var directAnswerCallbackArticle: String?
    /// The jurisdiction's districts and counties as callers name them (芙蓉区, 长沙县): an entry
    /// that names some of them answers no question that names only others, so knowledge search
    /// is not confident in it (「天心区政务服务中心几点下班」 is not answered by 芙蓉区's).
    public var places: [String]

    public init(
        article: String, note: String? = nil, approver: Approver, lateUploadArticle: String? = nil,
        directAnswerArticle: String? = nil, directAnswerCallbackArticle: String? = nil, places: [String] = []
    ) {
        self.article = article
        self.note = note
        self.approver = approver
        self.lateUploadArticle = lateUploadArticle
        self.directAnswerArticle = directAnswerArticle
        self.directAnswerCallbackArticle = directAnswerCallbackArticle
        self.places = places
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        article = try container.decode(String.self, forKey: .article)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        approver = try container.decode(Approver.self, forKey: .approver)
        lateUploadArticle = try container.decodeIfPresent(String.self, forKey: .lateUploadArticle)
        directAnswerArticle = try container.decodeIfPresent(String.self, forKey: .directAnswerArticle)
        directAnswerCallbackArticle = try container.decodeIfPresent(String.self, forKey: .directAnswerCallbackArticle)
        places = try container.decodeIfPresent([String].self, forKey: .places) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case article, note, approver
        case lateUploadArticle = "late_upload_article"
        case directAnswerArticle = "direct_answer_article"
        case directAnswerCallbackArticle = "direct_answer_callback_article"
        case places
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
        let optionalArticles = [
            ("late_upload_article", knowledge.lateUploadArticle), ("direct_answer_article", knowledge.directAnswerArticle),
            ("direct_answer_callback_article", knowledge.directAnswerCallbackArticle),
        ]
        for (key, article) in optionalArticles where article?.isEmpty == true {
            problems.append(.init(key: "knowledge.\(key)", problem: "must quote the article, or be left out"))
        }
        for (index, place) in knowledge.places.enumerated() where NormalizedText(place).scalars.count < 2 {
            problems.append(.init(key: "knowledge.places[\(index)]", problem: "must name a place in at least two characters, found '\(place)'"))
        }
        return problems
    }
}
