import Foundation
import HotlineDomain

/// The intake worker's decision path (`IntakeHandler.decide`) and dispatch's routing over
/// the lines of a fixture, in order, with the earlier lines standing in for the database:
/// a line is decoded by `IntakeEventDecoder`; the same appeal published again gets its
/// first answer again; otherwise `IntakeDecider` decides it against the cases earlier
/// lines opened for the same caller (or the case it names), and `Router` routes a new
/// case. A case a line opens is a candidate for the lines after it while it takes urges.
///
/// The rules are the domain's; what this keeps is the worker's bookkeeping (answered
/// appeals, open cases, per-day case numbers) with the file in place of PostgreSQL. Callers
/// are told apart by their normalised phone number, which the worker's phone index hashes.
struct IntakeJudge {
    private let decoder: IntakeEventDecoder
    private let decider: IntakeDecider
    private let router: Router
    /// Each appeal's judgement by `channel:external_id`, the worker's idempotency key.
    private var answered: [String: IntakeJudgement] = [:]
    /// The cases earlier lines opened that still take urges, oldest first.
    private var openCases: [OpenedCase] = []
    /// The last case number given on each day, as the worker's per-day sequence.
    private var lastNumber: [String: Int] = [:]

    private struct OpenedCase {
        var candidate: OpenCaseCandidate
        var phone: String?
        var openedBy: String
    }

    init(policy: Policy, router: Router, maximumEventBytes: Int) {
        self.decoder = IntakeEventDecoder(maximumBytes: maximumEventBytes)
        self.decider = IntakeDecider(policy: policy)
        self.router = router
    }

    private var policy: Policy { decider.policy }

    mutating func judge(_ line: FixtureFile.Line) -> IntakeJudgement {
        let event: IntakeEvent
        switch decoder.decode(line.value) {
        case let .failure(rejection):
            return .deadLettered(line, rejection)
        case let .success(decoded):
            event = decoded
        }
        let appeal = "\(event.channel.rawValue):\(event.externalID)"
        if var earlier = answered[appeal] {
            earlier.line = line.number
            earlier.key = line.key
            earlier.duplicate = true
            return earlier
        }

        let phone = event.caller.normalizedPhone
        let candidates = openCases.compactMap { opened -> OpenedCase? in
            let sameCaller = phone != nil && opened.phone == phone
            guard sameCaller || (event.refersToCase != nil && opened.candidate.caseNumber == event.refersToCase) else { return nil }
            var candidate = opened
            candidate.candidate.sameCaller = sameCaller
            return candidate
        }
        // No knowledge base is read: a version an operator answered from is taken as shown.
        let shown = event.answeredFrom.map { _ in KnowledgeAnswer.Found(state: .approved, decidedAt: event.receivedAt) }
        let decision = decider.decide(event, openCases: candidates.map(\.candidate), answered: shown)
        guard let outcome = decision.receiptOutcome(under: policy) else {
            guard case let .refuse(rejection) = decision else { preconditionFailure("only a refused event goes without a receipt") }
            return .deadLettered(line, rejection)
        }
        var judgement = IntakeJudgement(line: line.number, key: line.key, outcome: outcome.rawValue)

        switch decision {
        case let .accept(category, source):
            open(event, category: category, source: source, status: .accepted, phone: phone, by: appeal, into: &judgement)
            switch router.route(category: category, areaCode: event.areaCode, text: event.text) {
            case let .dispatch(lead, coUnits, ruleID):
                judgement.routing = .init(leadUnit: lead.id, coUnits: coUnits.map(\.id), rule: ruleID)
            case .manual:
                judgement.routing = .init(leadUnit: nil, coUnits: [], rule: nil)
            }
        case let .answerDirectly(category, source, answer):
            open(event, category: category, source: source, status: .closed, phone: phone, by: appeal, into: &judgement)
            judgement.answeredFrom = answer
        case let .awaitReply(category, source):
            open(event, category: category, source: source, status: .awaitingReply, phone: phone, by: appeal, into: &judgement)
        case let .merge(open, _):
            judgement.category = open.category
            judgement.caseNumber = open.caseNumber
            judgement.mergedInto = openCases.first { $0.candidate.caseID == open.caseID }?.openedBy
            judgement.reasonCode = IntakeDecision.repeatOfOpenCase
            judgement.article = policy.repeat.article
        case let .redirect(rule), let .notAccept(rule):
            judgement.reasonCode = rule.code
            judgement.article = rule.article
            if outcome == .redirected { judgement.redirectTo = rule.to }
        case .refuse:
            break
        }
        answered[appeal] = judgement
        return judgement
    }

    /// A new case with the day's next number; one that takes urges becomes a candidate
    /// for the lines after it.
    private mutating func open(
        _ event: IntakeEvent, category: CategoryCode, source: CategorySource, status: CaseStatus, phone: String?, by appeal: String,
        into judgement: inout IntakeJudgement
    ) {
        let day = CaseNumber.day(of: event.receivedAt)
        let sequence = lastNumber[day, default: 0] + 1
        lastNumber[day] = sequence
        let caseNumber = CaseNumber.make(acceptedAt: event.receivedAt, sequence: sequence)
        judgement.category = category
        judgement.categorySource = source
        judgement.caseNumber = caseNumber
        judgement.caseStatus = status
        if status.takesUrges {
            openCases.append(OpenedCase(
                candidate: OpenCaseCandidate(caseID: UUID(), caseNumber: caseNumber, category: category, areaCode: event.areaCode, text: event.text),
                phone: phone, openedBy: appeal))
        }
    }
}

extension IntakeJudgement {
    /// The line gets a dead letter, with the decoder's (or the decider's) reason.
    fileprivate static func deadLettered(_ line: FixtureFile.Line, _ rejection: IntakeRejection) -> IntakeJudgement {
        IntakeJudgement(
            line: line.number, key: line.key, outcome: deadLetter, reasonCode: rejection.reason.rawValue,
            field: rejection.field, message: rejection.message)
    }
}
