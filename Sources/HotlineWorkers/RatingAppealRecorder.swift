import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// Applies a rating appeal action (长沙 第二十七条) in the action worker's transaction:
/// the unit's appeal or the centre's decision is recorded in `rating_appeals` and the
/// case history and announced on `hotline.cases.v1`. The case itself does not move; an
/// upheld appeal only changes the rating the assessment counts.
struct RatingAppealRecorder: Sendable {
    let decider: RatingAppealDecider

    /// Throws the decider's `ActionRefusal` when the appeal action is not allowed; nothing is written then.
    func apply(
        _ appeal: RatingAppealAction, of action: CaseAction, on current: LifecycleCase, now: Date, connection: PostgresConnection,
        outbox: inout [OutboxMessage], logger: Logger
    ) async throws {
        let rated = try await RatingAppealStore.ratedRound(of: current.id, round: appeal.round, on: connection, logger: logger)
        var existing: RatingAppealRecord?
        if let rated { existing = try await RatingAppealStore.lockedAppeal(onTask: rated.taskID, on: connection, logger: logger) }
        let notice = try decider.decide(appeal, by: action.actor, caseNumber: current.caseNumber, rated: rated, existing: existing, now: now)
        guard let rated else { return }
        var detail = ["round": "\(rated.round)", "ground": notice.ground.code]
        switch appeal {
        case let .file(_, statement, evidence, _):
            try await RatingAppealStore.file(
                id: UUID(), caseID: current.id, rated: rated, notice: notice, statement: statement,
                evidenceJSON: String(decoding: try JSONEncoder().encode(evidence), as: UTF8.self), filedBy: action.actor.staffID, at: now,
                on: connection, logger: logger)
            detail["statement"] = statement
            detail["evidence_items"] = "\(evidence.count)"
        case let .uphold(reason, _, _), let .reject(reason, _):
            guard let existing else { return }
            try await RatingAppealStore.decide(
                existing.id, state: notice.step == .upheld ? RatingAppealState.upheld : .rejected, assessedRating: notice.assessedRating, reason: reason,
                decidedBy: action.actor.staffID, at: now, on: connection, logger: logger)
            detail["reason"] = reason
            if let assessed = notice.assessedRating { detail["assessed_rating"] = assessed.rawValue }
        }
        try await CaseHistoryStore.append(
            caseID: current.id, at: now, actor: action.actor.historyName, action: action.type,
            detailJSON: try jsonText(detail.merging(["staff_id": action.actor.staffID]) { $1 }), eventID: action.eventID,
            on: connection, logger: logger)
        outbox.append(try caseMessage(CaseEvent(
            eventID: UUID(), caseID: current.id, caseNumber: current.caseNumber, occurredAt: now,
            policy: current.policy, body: .ratingAppeal(notice))))
    }
}
