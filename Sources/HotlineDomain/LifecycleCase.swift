import Foundation

/// What the lifecycle rules read of a case to decide on an action.
public struct LifecycleCase: Sendable, Equatable {
    public var id: UUID
    public var caseNumber: String
    public var policy: CaseEvent.PolicyRef
    public var status: CaseStatus
    public var category: CategoryCode
    public var urgent: Bool
    /// How the case reached the unit (`Policy.caseSources`), nil for an ordinary appeal.
    public var source: String?
    public var round: Int
    public var leadUnitID: String?
    public var coUnitIDs: [String]
    public var dispatchedAt: Date?
    public var signedAt: Date?
    /// The running handling deadline of this round, once it has started.
    public var handlingDue: Date?
    public var extensionsThisRound: Int
    /// Interim replies with a committed date in this round (`lifecycle.interim_reply.max_count`).
    public var interimRepliesThisRound: Int = 0
    /// The date a pending extension request asks for.
    public var requestedDue: Date?
    public var leaderAssigned: Bool
    public var mediaExposed: Bool
    /// The citizen's final rating of this round (回访), once given.
    public var rating: CallbackRating?
    /// Closed as an excessive demand: repeat calls about it are not accepted (兰溪 四.5).
    public var repeatBlocked: Bool = false

    public init(
        id: UUID, caseNumber: String, policy: CaseEvent.PolicyRef, status: CaseStatus, category: CategoryCode,
        urgent: Bool, source: String? = nil, round: Int, leadUnitID: String?, coUnitIDs: [String] = [],
        dispatchedAt: Date?, signedAt: Date? = nil, handlingDue: Date? = nil, extensionsThisRound: Int = 0,
        requestedDue: Date? = nil, leaderAssigned: Bool = false, mediaExposed: Bool = false, rating: CallbackRating? = nil
    ) {
        self.id = id
        self.caseNumber = caseNumber
        self.policy = policy
        self.status = status
        self.category = category
        self.urgent = urgent
        self.source = source
        self.round = round
        self.leadUnitID = leadUnitID
        self.coUnitIDs = coUnitIDs
        self.dispatchedAt = dispatchedAt
        self.signedAt = signedAt
        self.handlingDue = handlingDue
        self.extensionsThisRound = extensionsThisRound
        self.requestedDue = requestedDue
        self.leaderAssigned = leaderAssigned
        self.mediaExposed = mediaExposed
        self.rating = rating
    }
}
