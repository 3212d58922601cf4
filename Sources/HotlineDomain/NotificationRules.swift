/// What the citizen is told of their case and by whom (巴林左旗 第二十四条 「诉求人对其提出的
/// 热线事项的办理进度和办理结果享有知情权」): the case number once accepted, the new date of
/// an approved extension where `lifecycle.extensions.caller_told` says so (鄂尔多斯
/// 第十九条（八）), the result, and that a callback will ask for a rating.
public struct NotificationRules: Sendable, Decodable, Equatable {
    /// The article the progress notices (accepted, extended, callback request) rest on.
    public var article: String
    public var note: String?
    /// The article that says who tells the caller the result.
    public var resultArticle: String
    /// Who tells the caller the result: the unit that handled the case (长沙 第二十二条
    /// 「责任单位办理完成后,应主动将办理结果告知诉求人」) or the centre. A confidential
    /// caller is always told by the centre (兰溪 四.3 「来电人要求保密的,办理结果由市长热线
    /// 直接向来电人反馈」).
    public var resultSender: NotificationSender

    enum CodingKeys: String, CodingKey {
        case article, note
        case resultArticle = "result_article"
        case resultSender = "result_sender"
    }
}

/// Who a notification is sent in the name of.
public enum NotificationSender: String, Sendable, Codable, Equatable {
    case centre, unit
}

extension Policy {
    func notificationProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if notifications.article.isEmpty { problems.append(.init(key: "notifications.article", problem: "must quote the article")) }
        if notifications.resultArticle.isEmpty {
            problems.append(.init(key: "notifications.result_article", problem: "must quote the article that says who tells the caller the result"))
        }
        return problems
    }
}
