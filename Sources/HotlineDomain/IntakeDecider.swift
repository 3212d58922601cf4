import Foundation

/// An open case of the same caller, or one closed as an excessive demand (兰溪 四.5),
/// as the intake worker found it in PostgreSQL.
public struct OpenCaseCandidate: Sendable, Equatable {
    public var caseID: UUID
    public var caseNumber: String
    public var category: CategoryCode
    public var areaCode: String?
    public var text: String
    /// Closed as an excessive demand: a repeat call about it is not accepted.
    public var repeatBlocked: Bool

    public init(caseID: UUID, caseNumber: String, category: CategoryCode, areaCode: String?, text: String, repeatBlocked: Bool = false) {
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.category = category
        self.areaCode = areaCode
        self.text = text
        self.repeatBlocked = repeatBlocked
    }
}

/// What intake does with one valid appeal.
public enum IntakeDecision: Sendable, Equatable {
    /// Sent elsewhere (an emergency line, another body); recorded, no case.
    case redirect(ScopeRule)
    /// Out of scope; the caller is told why and on what basis; no case.
    case notAccept(ScopeRule)
    /// About a case still open: linked to it and recorded as an urge (催办).
    case merge(into: OpenCaseCandidate, category: CategoryCode)
    /// A new case.
    case accept(category: CategoryCode, source: CategorySource)
}

/// The intake rules, a pure function of (event, the caller's open cases, policy).
///
/// Order: emergencies and other redirects first (鄂尔多斯 第十八条（一）: "涉及'110''119'
/// '120'等电话热线紧急救助的事项，立即以三方通话的形式或电话通知有关单位办理"), then matters
/// out of scope (长沙 第十三条; 巴林左旗 第六条; 鄂尔多斯 第十七条), then repeats of an
/// open case (鄂尔多斯 第十八条（四）: "对已经受理，尚在办理期限内的重复来电，受理员应当做好
/// 解释工作，并视情况催办"); a repeat of a case closed as an excessive demand is not
/// accepted (兰溪 四.5 "不再受理重复来电"), and the rest is accepted.
public struct IntakeDecider: Sendable {
    public let policy: Policy
    private let classifier: CategoryClassifier

    public init(policy: Policy) {
        self.policy = policy
        self.classifier = CategoryClassifier(policy: policy)
    }

    public func decide(_ event: IntakeEvent, openCases: [OpenCaseCandidate]) -> IntakeDecision {
        let text = event.text
        if let rule = policy.scope.redirect.first(where: { $0.matches(text) }) { return .redirect(rule) }
        if let rule = policy.scope.notAccepted.first(where: { $0.matches(text) }) { return .notAccept(rule) }
        let (category, source) = classifier.classify(given: event.category, text: text)
        if let named = event.refersToCase, let open = openCases.first(where: { $0.caseNumber == named }) {
            if let refused = refusedRepeat(of: open) { return refused }
            if !open.repeatBlocked { return .merge(into: open, category: open.category) }
        }
        var best: (candidate: OpenCaseCandidate, score: Double)?
        for candidate in openCases where candidate.category == category && candidate.areaCode == event.areaCode {
            let score = TextSimilarity.overlap(text, candidate.text)
            guard score >= policy.repeat.similarity else { continue }
            if let current = best, current.score > score || (current.score == score && current.candidate.caseNumber < candidate.caseNumber) {
                continue
            }
            best = (candidate, score)
        }
        if let best, let refused = refusedRepeat(of: best.candidate) { return refused }
        if let best, !best.candidate.repeatBlocked { return .merge(into: best.candidate, category: category) }
        return .accept(category: category, source: source)
    }

    /// A repeat of a case closed as an excessive demand is not accepted, where the policy says so.
    private func refusedRepeat(of candidate: OpenCaseCandidate) -> IntakeDecision? {
        guard candidate.repeatBlocked, let rule = policy.callbacks.excessiveDemand else { return nil }
        return .notAccept(ScopeRule(code: "closed_excessive_demand", article: rule.article, reason: rule.reason))
    }
}
