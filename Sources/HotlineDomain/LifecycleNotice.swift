import Foundation

/// A lifecycle step published on `hotline.cases.v1` (e.g. `case.signed`,
/// `case.extended`): self-contained for monitoring consumers, no personal data.
public struct LifecycleNotice: Sendable, Equatable {
    public enum Step: String, Sendable, CaseIterable {
        case signed = "case.signed"
        case returnRequested = "case.return_requested"
        case returned = "case.returned"
        case returnDenied = "case.return_denied"
        case extensionRequested = "case.extension_requested"
        case extended = "case.extended"
        case extensionDenied = "case.extension_denied"
        case interimReplied = "case.interim_replied"
        case resultSubmitted = "case.result_submitted"
        case resultRejected = "case.result_rejected"
        case resolved = "case.resolved"
        case coUnitContributed = "case.co_unit_contributed"
        case leaderAssigned = "case.leader_assigned"
        case mediaExposed = "case.media_exposed"
        case centreUrged = "case.centre_urged"
        /// 发回重办: a new round after a 不满意 rating.
        case reopened = "case.reopened"
        /// Done: rated, or ended by the centre.
        case closed = "case.closed"
        /// 归档: closed and beyond any callback or rating appeal, kept read-only.
        case archived = "case.archived"
    }

    public var step: Step
    public var round: Int
    /// The unit the step concerns (the lead, or the co-unit that contributed).
    public var unitID: String?
    public var status: CaseStatus
    /// The handling deadline after the step, when one runs.
    public var handlingDue: Date?
    /// The handling deadline falls in a year counted provisionally (no State Council notice
    /// yet): it may still move when the notice is added (`deadline.replanned`).
    public var handlingDueProvisional = false
    public var article: String?
    /// Extensions only: the caller must be told the new date (鄂尔多斯 第十九条八).
    public var callerToBeTold: Bool?
    public var outcome: ResultReport.Outcome?
    /// Interim replies only: the date the unit committed to (承诺办结时限).
    public var committedDate: CalendarDate?
    /// `case.closed` of a direct answer (即时办结) only: the entry version the caller was answered from.
    public var answeredFrom: KnowledgeAnswer?

    public init(
        step: Step, round: Int, unitID: String?, status: CaseStatus, handlingDue: Date? = nil,
        article: String? = nil, callerToBeTold: Bool? = nil, outcome: ResultReport.Outcome? = nil,
        answeredFrom: KnowledgeAnswer? = nil
    ) {
        self.step = step
        self.round = round
        self.unitID = unitID
        self.status = status
        self.handlingDue = handlingDue
        self.article = article
        self.callerToBeTold = callerToBeTold
        self.outcome = outcome
        self.answeredFrom = answeredFrom
    }
}
