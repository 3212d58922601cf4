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
    /// The latest result's reply of each case, sealed for the citizens' lookup.
    public var lookupReplies: [UUID: LookupReply] = [:]
    public var outbox: [OutboxMessage] = []
    /// The work orders of the batch's new rounds, sealed to their units at flush.
    public var workOrders: [PendingWorkOrder] = []
    public var rejections: [Rejection] = []
    /// Where each case's write and assignments stand in the arrays above: every case of a
    /// batch is saved and assigned, so a scan per case would make a batch quadratic.
    private var caseIndexes: [UUID: Int] = [:]
    private var assignmentIndexes: [UUID: [Int]] = [:]
    private var ended: Set<UUID> = []

    public init() {}

    /// Keeps a case's state after a change, with when it was first resolved and closed.
    mutating func save(_ lifecycle: LifecycleCase, at now: Date) {
        let index = caseIndexes[lifecycle.id] ?? cases.count
        if index == cases.count {
            caseIndexes[lifecycle.id] = index
            cases.append(LifecycleWrite(lifecycle: lifecycle))
        } else {
            cases[index].lifecycle = lifecycle
        }
        if lifecycle.status == .resolved, cases[index].resolvedAt == nil { cases[index].resolvedAt = now }
        if lifecycle.status == .closed, cases[index].closedAt == nil { cases[index].closedAt = now }
    }

    /// A new round of units for a case: the current ones end, the batch's own earlier
    /// round of the case included. A case `leavingQueue` (it was awaiting manual dispatch,
    /// the only status the queue holds a case in) is resolved there; another was never queued.
    mutating func assign(
        _ caseID: UUID, round: Int, lead: HandlingUnit, coUnits: [HandlingUnit], ruleID: String, leavingQueue: Bool, at now: Date
    ) {
        endAssignments(of: caseID)
        for (unit, role) in [(lead, "lead")] + coUnits.map({ ($0, "co") }) {
            assignmentIndexes[caseID, default: []].append(assignments.count)
            assignments.append(NewAssignment(caseID: caseID, round: round, unit: unit, role: role, ruleID: ruleID, at: now, current: true))
        }
        if leavingQueue { queue[caseID] = .resolved(at: now) }
    }

    mutating func endAssignments(of caseID: UUID) {
        if ended.insert(caseID).inserted { endedAssignments.append(caseID) }
        for index in assignmentIndexes[caseID, default: []] { assignments[index].current = false }
    }
}
