import Foundation

/// What an order is drawn from besides the case's lifecycle: the appeal as accepted, and
/// whether its caller asked for confidentiality.
public struct WorkOrderAppeal: Sendable, Equatable {
    public var subject: String?
    public var content: String
    public var areaCode: String?
    public var confidential: Bool

    public init(subject: String?, content: String, areaCode: String?, confidential: Bool) {
        self.subject = subject
        self.content = content
        self.areaCode = areaCode
        self.confidential = confidential
    }

    /// Whether the caller's contact goes into the unit's order: not when the caller asked
    /// for confidentiality (长沙 第十五条 「诉求人要求隐匿个人信息的…」; 兰溪 四.3 「来电人要求保密的，
    /// 办理结果由市长热线直接向来电人反馈」), so the unit never learns who they are.
    public var contactGoesToUnit: Bool { !confidential }
}

/// An earlier round's result as the case's record holds it: the unit's last submitted
/// result of the round and the citizen's rating of it.
public struct RoundReport: Sendable, Equatable {
    public var round: Int
    public var unitID: String
    public var outcome: ResultReport.Outcome?
    public var handledAt: Date?
    public var handledBy: String?
    public var actionTaken: String?
    public var rating: CallbackRating?

    public init(
        round: Int, unitID: String, outcome: ResultReport.Outcome?, handledAt: Date?, handledBy: String?, actionTaken: String?,
        rating: CallbackRating?
    ) {
        self.round = round
        self.unitID = unitID
        self.outcome = outcome
        self.handledAt = handledAt
        self.handledBy = handledBy
        self.actionTaken = actionTaken
        self.rating = rating
    }
}
