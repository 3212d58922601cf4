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
    /// Closed (办理完毕), not as an excessive demand: a repeat of it is judged by
    /// `repeat.closed_case`, never merged.
    public var closed: Bool
    /// The appeal's caller is the case's caller (the same phone). Only then is the appeal
    /// taken as a repeat of it: a stranger naming someone's case number opens a case of
    /// their own, and learns nothing of the other.
    public var sameCaller: Bool

    public init(
        caseID: UUID, caseNumber: String, category: CategoryCode, areaCode: String?, text: String, repeatBlocked: Bool = false,
        closed: Bool = false, sameCaller: Bool = true
    ) {
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.category = category
        self.areaCode = areaCode
        self.text = text
        self.repeatBlocked = repeatBlocked
        self.closed = closed
        self.sameCaller = sameCaller
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
    /// Answered at once from a knowledge-base entry (即时办结): a case created closed,
    /// never dispatched, carrying the entry version.
    case answerDirectly(category: CategoryCode, source: CategorySource, KnowledgeAnswer)
    /// Nothing found in the knowledge base: the centre owes the caller a reply within
    /// `limits.reply` (长沙 第十六条（一）); no unit is sent the case.
    case awaitReply(category: CategoryCode, source: CategorySource)
    /// The event cannot be taken as sent (an `answered_from` version that was not shown);
    /// dead-lettered, nothing recorded.
    case refuse(IntakeRejection)
}

/// The intake rules, a pure function of (event, the caller's open cases, policy).
///
/// Order: emergencies and other redirects first (鄂尔多斯 第十八条（一）: "涉及'110''119'
/// '120'等电话热线紧急救助的事项，立即以三方通话的形式或电话通知有关单位办理"), then matters
/// out of scope (长沙 第十三条; 巴林左旗 第六条; 鄂尔多斯 第十七条), by keyword and, where none
/// matched, by the policy's labelled appeals when they are clear (`ExampleAppeals`), then repeats of an
/// open case (鄂尔多斯 第十八条（四）: "对已经受理，尚在办理期限内的重复来电，受理员应当做好
/// 解释工作，并视情况催办"); a repeat of a case closed as an excessive demand is not
/// accepted (兰溪 四.5 "不再受理重复来电"), and the rest is accepted. An appeal the operator
/// answered from the knowledge base (`answered_from`) is closed at once when the version
/// was shown at the time, even if it resembles an open case: the caller has the answer.
/// One the operator found nothing for (`knowledge_not_found`) waits for the centre's own
/// reply where the policy sets `limits.reply` (长沙 第十六条（一）「未查找到相关信息的,可在取得
/// 诉求人同意后,通过三方通话、短信回复或回拨电话等方式在1个工作日内进行答复」); elsewhere the
/// regulations send what the operator cannot answer to a unit (巴林左旗 第十一条「不能直接答复
/// 处理的…转至相关承办单位办理」; 鄂尔多斯 第十八条（二）「一时不能解答的，转交有关单位」), so it is
/// accepted and dispatched as usual.
public struct IntakeDecider: Sendable {
    public let policy: Policy
    private let scope: ScopeMatcher
    private let classifier: CategoryClassifier
    private let newReason: [TextPattern]

    public init(policy: Policy) {
        self.policy = policy
        self.scope = ScopeMatcher(policy: policy)
        self.classifier = CategoryClassifier(policy: policy)
        self.newReason = (policy.repeat.closedCase?.newReason ?? []).map(TextPattern.compiled)
    }

    /// `answered` is the `answered_from` version as found in the knowledge base (nil: not there).
    public func decide(_ event: IntakeEvent, openCases: [OpenCaseCandidate], answered: KnowledgeAnswer.Found? = nil) -> IntakeDecision {
        let text = policy.colloquial.canonical(NormalizedText(event.text))
        if let found = scope.redirect(text) { return .redirect(found.rule) }
        if let found = scope.notAccepted(text) { return .notAccept(found.rule) }
        let learned = policy.model?.ranking(text)
        if let learned, let decision = learnedScope(learned) { return decision }
        let (category, source) = classifier.classify(given: event.category, text: text, learned: learned)
        if let answer = event.answeredFrom {
            if let refusal = answer.refusal(found: answered, receivedAt: event.receivedAt) { return .refuse(refusal) }
            return .answerDirectly(category: category, source: source, answer)
        }
        let own = openCases.filter(\.sameCaller)
        if let named = event.refersToCase, let open = own.first(where: { $0.caseNumber == named && !$0.closed }) {
            if let refused = refusedRepeat(of: open) { return refused }
            if !open.repeatBlocked { return .merge(into: open, category: open.category) }
        }
        if let best = mostSimilar(text, among: own.filter { !$0.closed }, category: category, areaCode: event.areaCode) {
            if let refused = refusedRepeat(of: best) { return refused }
            if !best.repeatBlocked { return .merge(into: best, category: category) }
        }
        if let rule = policy.repeat.closedCase, mostSimilar(text, among: own.filter(\.closed), category: category, areaCode: event.areaCode) != nil,
           !newReason.contains(where: { $0.matches(text) })
        {
            return .notAccept(rule.scopeRule)
        }
        if event.knowledgeNotFound, policy.rule(for: .reply) != nil { return .awaitReply(category: category, source: source) }
        return .accept(category: category, source: source)
    }

    /// The candidate of the appeal's category and area whose text is most like it, at least
    /// as like as `repeat.similarity`; ties go to the older case.
    private func mostSimilar(_ text: NormalizedText, among candidates: [OpenCaseCandidate], category: CategoryCode, areaCode: String?) -> OpenCaseCandidate? {
        var best: (candidate: OpenCaseCandidate, score: Double)?
        for candidate in candidates where candidate.category == category && candidate.areaCode == areaCode {
            let score = TextSimilarity.overlap(text, policy.colloquial.canonical(NormalizedText(candidate.text)))
            guard score >= policy.repeat.similarity else { continue }
            if let current = best, current.score > score || (current.score == score && current.candidate.caseNumber < candidate.caseNumber) {
                continue
            }
            best = (candidate, score)
        }
        return best?.candidate
    }

    /// Where no keyword matched: the redirect or refusal the policy's labelled appeals point
    /// to, when the outcome its rule belongs to (a redirect, 第十三条（二）; a refusal, the rest of
    /// 第十三条) is likelier by `examples.margin` than every label of another outcome
    /// (`ExampleAppeals`). Within the outcome the likeliest rule is told: sending a caller away
    /// who should have been heard is the error the margin guards; which emergency line a fire
    /// on a bridge belongs to is the likeliest line's to take. The caller is told the rule's
    /// reason and article, as for a keyword.
    private func learnedScope(_ ranking: [AppealModel.Score]) -> IntakeDecision? {
        guard let margin = policy.examples?.margin, let top = ranking.first else { return nil }
        let redirects = Set(policy.scope.redirect.map(\.code))
        let refusals = Set(policy.scope.notAccepted.map(\.code))
        let outcome = redirects.contains(top.label) ? redirects : refusals.contains(top.label) ? refusals : []
        guard !outcome.isEmpty else { return nil }
        let rival = ranking.first { !outcome.contains($0.label) }
        guard rival.map({ top.logScore - $0.logScore >= margin }) ?? true else { return nil }
        if let rule = policy.scope.redirect.first(where: { $0.code == top.label }) { return .redirect(rule) }
        if let rule = policy.scope.notAccepted.first(where: { $0.code == top.label }) { return .notAccept(rule) }
        return nil
    }

    /// A repeat of a case closed as an excessive demand is not accepted, where the policy says so.
    private func refusedRepeat(of candidate: OpenCaseCandidate) -> IntakeDecision? {
        guard candidate.repeatBlocked, let rule = policy.callbacks.excessiveDemand else { return nil }
        return .notAccept(ScopeRule(code: "closed_excessive_demand", article: rule.article, reason: rule.reason))
    }
}
