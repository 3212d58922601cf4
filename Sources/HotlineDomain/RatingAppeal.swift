import Foundation

/// A rating appeal action (满意度申诉, 长沙 第二十七条): the unit files it on
/// `hotline.unit-actions.v1`, the centre upholds or rejects it on `hotline.centre-actions.v1`.
/// `round` names the rated round; without it, the case's latest rated round.
public enum RatingAppealAction: Sendable, Equatable {
    case file(ground: String, statement: String, evidence: [String], round: Int?)
    case uphold(reason: String, assessedRating: AssessedRating, round: Int?)
    case reject(reason: String, round: Int?)

    public var round: Int? {
        switch self {
        case let .file(_, _, _, round), let .uphold(_, _, round), let .reject(_, round): round
        }
    }
}

/// What the assessment counts for a round whose appeal was upheld; the citizen's rating
/// stays in the history (`callback_tasks`) unchanged.
public enum AssessedRating: String, Sendable, Codable, Equatable, CaseIterable {
    case satisfied
    case basicallySatisfied = "basically_satisfied"
    /// The round leaves 满意率 and 解决率 altogether (e.g. 第二十七条（五）恶意投诉).
    case notCounted = "not_counted"
}

/// A round's final rating as the appeal sees it.
public struct RatedRound: Sendable, Equatable {
    public var taskID: UUID
    public var round: Int
    /// The lead unit the rating counts for, the only one that may appeal it.
    public var unitID: String?
    public var rating: CallbackRating
    public var ratedAt: Date

    public init(taskID: UUID, round: Int, unitID: String?, rating: CallbackRating, ratedAt: Date) {
        self.taskID = taskID
        self.round = round
        self.unitID = unitID
        self.rating = rating
        self.ratedAt = ratedAt
    }
}

public enum RatingAppealState: String, Sendable, Codable, Equatable {
    case pending, upheld, rejected
}

/// An appeal already filed against a rated round.
public struct RatingAppealRecord: Sendable, Equatable {
    public var id: UUID
    public var ground: String
    public var state: RatingAppealState

    public init(id: UUID, ground: String, state: RatingAppealState) {
        self.id = id
        self.ground = ground
        self.state = state
    }
}

/// What an accepted appeal action records and announces (`case.rating_appealed`,
/// `case.appeal_upheld`, `case.appeal_rejected` on `hotline.cases.v1`).
public struct RatingAppealNotice: Sendable, Equatable {
    public enum Step: String, Sendable, Equatable {
        case filed = "case.rating_appealed"
        case upheld = "case.appeal_upheld"
        case rejected = "case.appeal_rejected"
    }

    public var step: Step
    public var round: Int
    public var unitID: String
    public var rating: CallbackRating
    public var ground: AppealGround
    /// Filed: the end of the window it was filed in.
    public var appealBy: Date?
    /// Upheld: what the assessment counts instead of `rating`.
    public var assessedRating: AssessedRating?
    public var article: String
}

/// Decides rating appeals under a policy's `rating_appeals` rules. Pure: the worker
/// loads the rated round and any appeal on it, and records what this returns.
public struct RatingAppealDecider: Sendable {
    public let policy: Policy
    public let calendar: WorkingDayCalendar

    public init(policy: Policy, calendar: WorkingDayCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    /// When the window to appeal a rating given at `ratedAt` closes (`limits.rating-appeal`,
    /// counted from the rating); nil where no appeal lies (no grounds, or not a 不满意).
    public func windowCloses(rating: CallbackRating, ratedAt: Date) throws(CalendarError) -> Date? {
        guard policy.ratingAppeals != nil, rating == .dissatisfied, let rule = policy.rule(for: .ratingAppeal) else { return nil }
        return try calendar.due(from: ratedAt, limit: rule.default)
    }

    /// The notice to record, or an `ActionRefusal` that leaves everything as it was.
    public func decide(
        _ action: RatingAppealAction, by actor: ActionActor, caseNumber: String, rated: RatedRound?, existing: RatingAppealRecord?, now: Date
    ) throws -> RatingAppealNotice {
        do {
            return try decideChecked(action, by: actor, caseNumber: caseNumber, rated: rated, existing: existing, now: now)
        } catch let error as CalendarError {
            throw ActionRefusal(.dateNotAllowed, "\(error)")
        }
    }

    private func decideChecked(
        _ action: RatingAppealAction, by actor: ActionActor, caseNumber: String, rated: RatedRound?, existing: RatingAppealRecord?, now: Date
    ) throws -> RatingAppealNotice {
        guard let rules = policy.ratingAppeals else {
            throw ActionRefusal(.notProvided, "The \(policy.policy) policy gives units no appeal against a rating.")
        }
        guard let rated else {
            let which = action.round.map { "round \($0) of case \(caseNumber) has" } ?? "case \(caseNumber) has"
            throw ActionRefusal(.wrongState, "\(which) no rating yet; an appeal contests the citizen's rating after the callback (回访).", article: rules.article)
        }
        guard let unitID = rated.unitID else {
            throw ActionRefusal(.wrongState, "Round \(rated.round) of case \(caseNumber) was rated for no unit; there is nothing to appeal.", article: rules.article)
        }
        switch action {
        case let .file(code, _, _, _):
            guard actor.unitID == unitID else {
                throw ActionRefusal(
                    .notAssignedUnit, "Round \(rated.round) of case \(caseNumber) was not rated for your unit; only the unit rated may appeal the rating.",
                    article: rules.article)
            }
            guard rated.rating == .dissatisfied else {
                throw ActionRefusal(
                    .wrongState, "Only a 不满意 rating is appealed; round \(rated.round) of case \(caseNumber) is rated \(rated.rating.rawValue).",
                    article: rules.article)
            }
            if let existing {
                throw ActionRefusal(
                    .noChange, "Round \(rated.round) of case \(caseNumber) was already appealed (\(existing.ground), \(existing.state.rawValue)); a rating is appealed once.",
                    article: rules.article)
            }
            guard let ground = rules.ground(code) else {
                throw ActionRefusal(
                    .unknownGround, "'\(code)' is not a ground the \(policy.policy) policy lists; use one of \(rules.grounds.map(\.code).joined(separator: ", ")).",
                    article: rules.article)
            }
            let closes = try windowCloses(rating: rated.rating, ratedAt: rated.ratedAt) ?? rated.ratedAt
            guard now <= closes else {
                throw ActionRefusal(
                    .windowClosed, "An appeal must be filed within the limit of limits.rating-appeal from the rating; the window closed at \(RFC3339.formatSeconds(closes)).",
                    article: policy.rule(for: .ratingAppeal)?.article ?? rules.article)
            }
            return RatingAppealNotice(
                step: .filed, round: rated.round, unitID: unitID, rating: rated.rating, ground: ground, appealBy: closes,
                assessedRating: nil, article: ground.article)
        case .uphold, .reject:
            guard let existing else {
                throw ActionRefusal(.wrongState, "Round \(rated.round) of case \(caseNumber) has no appeal to decide.", article: rules.article)
            }
            guard existing.state == .pending else {
                throw ActionRefusal(
                    .noChange, "The appeal on round \(rated.round) of case \(caseNumber) was already \(existing.state.rawValue).", article: rules.article)
            }
            let ground = rules.ground(existing.ground) ?? AppealGround(code: existing.ground, label: existing.ground, article: rules.article)
            var notice = RatingAppealNotice(
                step: .rejected, round: rated.round, unitID: unitID, rating: rated.rating, ground: ground, appealBy: nil,
                assessedRating: nil, article: ground.article)
            if case let .uphold(_, assessed, _) = action {
                notice.step = .upheld
                notice.assessedRating = assessed
            }
            return notice
        }
    }
}
