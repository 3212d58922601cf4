import Foundation
import HotlineDomain
import HotlinePostgres

/// Everything a batch of the dispatch worker writes, gathered while deciding and written
/// once per table at the end of the batch's transaction.
public struct DispatchEffects: BatchEffects {
    /// The cases the batch changed, as they stand after it.
    public var cases: [LifecycleWrite] = []
    /// Cases whose current assignments end (a new round, a return approved).
    public var endedAssignments: [UUID] = []
    public var assignments: [NewAssignment] = []
    public var queue: [UUID: ManualQueueChange] = [:]
    /// The clocks the batch changed, as they stand after it.
    public var clocks: [ClockRecord] = []
    public var history: [HistoryEntry] = []
    public var precedents: [RoutingPrecedent] = []
    public var knowledgePublished: [(entry: KnowledgeEntry, publication: KnowledgePublication)] = []
    public var knowledgeReviewed: [KnowledgeReview] = []
    public var appealsFiled: [FiledRatingAppeal] = []
    public var appealsDecided: [RatingAppealDecision] = []
    public var outbox: [OutboxMessage] = []
    public var rejections: [Rejection] = []

    public init() {}

    /// Keeps a case's state after a change, with when it was first resolved and closed.
    mutating func save(_ lifecycle: LifecycleCase, at now: Date) {
        if let index = cases.firstIndex(where: { $0.lifecycle.id == lifecycle.id }) {
            cases[index].lifecycle = lifecycle
        } else {
            cases.append(LifecycleWrite(lifecycle: lifecycle))
        }
        let index = cases.firstIndex { $0.lifecycle.id == lifecycle.id }!
        if lifecycle.status == .resolved, cases[index].resolvedAt == nil { cases[index].resolvedAt = now }
        if lifecycle.status == .closed, cases[index].closedAt == nil { cases[index].closedAt = now }
    }

    /// A new round of units for a case: the current ones end, the batch's own earlier
    /// round of the case included.
    mutating func assign(_ caseID: UUID, round: Int, lead: HandlingUnit, coUnits: [HandlingUnit], ruleID: String, at now: Date) {
        endAssignments(of: caseID)
        for (unit, role) in [(lead, "lead")] + coUnits.map({ ($0, "co") }) {
            assignments.append(NewAssignment(caseID: caseID, round: round, unit: unit, role: role, ruleID: ruleID, at: now, current: true))
        }
        queue[caseID] = .resolved(at: now)
    }

    mutating func endAssignments(of caseID: UUID) {
        if !endedAssignments.contains(caseID) { endedAssignments.append(caseID) }
        for index in assignments.indices where assignments[index].caseID == caseID { assignments[index].current = false }
    }
}
