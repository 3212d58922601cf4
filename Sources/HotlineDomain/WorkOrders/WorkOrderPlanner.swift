import Foundation

/// A work order before it is sealed: the order in clear, the content to seal to its unit,
/// and whether the caller's contact (sealed at rest with the data key) goes into it.
public struct WorkOrderDraft: Sendable, Equatable {
    public var order: WorkOrder
    public var content: WorkOrderContent
    /// False for a confidential caller (长沙 第十五条; 兰溪 四.3): the contact is never opened for the unit.
    public var includesCaller: Bool

    public init(order: WorkOrder, content: WorkOrderContent, includesCaller: Bool) {
        self.order = order
        self.content = content
        self.includesCaller = includesCaller
    }
}

/// Draws the work orders of a round: one per receiving unit, the lead first, each with what
/// a 承办单位 needs to act (巴林左旗 第十二条; 长沙 第十六条（二）): the case's number, category,
/// urgency, source and place, the round with its lead and co-units, when to sign and to
/// finish, and on a reopen the earlier rounds' results. Pure: ids come from `newID`.
public enum WorkOrderPlanner {
    public static func drafts(
        kind: WorkOrder.Kind, round after: LifecycleCase, lead: HandlingUnit, coUnits: [HandlingUnit], clocks: [ClockChange],
        appeal: WorkOrderAppeal, earlierRounds: [RoundReport], now: Date, newID: () -> UUID
    ) -> [WorkOrderDraft] {
        var signDue: Date?
        var handlingDue: Date?
        for case let .start(plan) in clocks {
            if plan.obligation == .sign { signDue = plan.dueAt }
            if plan.obligation == .handling { handlingDue = plan.dueAt }
        }
        let earlier = earlierRoundsShown(kind: kind, round: after.round, earlierRounds)
        let content = self.content(kind: kind, round: after.round, appeal: appeal, earlierRounds: earlierRounds)
        let leadRef = WorkOrder.UnitRef(id: lead.id, name: lead.name)
        let coRefs = coUnits.map { WorkOrder.UnitRef(id: $0.id, name: $0.name) }
        return ([(lead, WorkOrder.Role.lead)] + coUnits.map { ($0, .co) }).map { unit, role in
            WorkOrderDraft(
                order: WorkOrder(
                    eventID: newID(), kind: kind, unitID: unit.id, role: role, caseID: after.id, caseNumber: after.caseNumber,
                    round: after.round, category: after.category, urgent: after.urgent, source: after.source, areaCode: appeal.areaCode,
                    lead: leadRef, coUnits: coRefs, signDue: signDue, handlingDue: handlingDue ?? after.handlingDue,
                    callerConfidential: appeal.confidential,
                    earlierRounds: earlier.map {
                        WorkOrder.EarlierRound(round: $0.round, unitID: $0.unitID, outcome: $0.outcome, handledAt: $0.handledAt, rating: $0.rating)
                    },
                    policy: after.policy, occurredAt: now),
                content: content, includesCaller: appeal.contactGoesToUnit)
        }
    }

    /// What an order of `kind` for `round` seals, before the caller's contact is opened: the
    /// appeal's words and, on a reopen, what the earlier rounds' units wrote.
    public static func content(kind: WorkOrder.Kind, round: Int, appeal: WorkOrderAppeal, earlierRounds: [RoundReport]) -> WorkOrderContent {
        WorkOrderContent(
            subject: appeal.subject, content: appeal.content, caller: nil,
            earlierResults: earlierRoundsShown(kind: kind, round: round, earlierRounds).map {
                WorkOrderContent.EarlierResult(round: $0.round, handledBy: $0.handledBy, actionTaken: $0.actionTaken)
            })
    }

    /// A reopen shows every round before it, oldest first; other orders none.
    static func earlierRoundsShown(kind: WorkOrder.Kind, round: Int, _ reports: [RoundReport]) -> [RoundReport] {
        kind == .reopen ? reports.filter { $0.round < round }.sorted { $0.round < $1.round } : []
    }
}

extension WorkOrder.Kind {
    /// The kind of order a dispatching change issues: the first routing, a reopen (发回重办),
    /// or any other new round the centre decided (re-dispatch, a return approved to a new unit).
    public static func of(_ change: CaseLifecycle.Change) -> WorkOrder.Kind {
        switch change.history {
        case "dispatched": .dispatch
        case "reopen": .reopen
        default: .redispatch
        }
    }
}

extension CaseAction {
    /// Whether the action can start a new round and so issue work orders: a re-dispatch, a
    /// return approved (with a new unit), a reopen.
    public var mayStartRound: Bool {
        switch kind {
        case .redispatch, .approveReturn, .reopen: true
        default: false
        }
    }
}
