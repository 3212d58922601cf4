import Foundation
import HotlineDomain
import HotlinePostgres

/// What the callbacks worker loaded for a batch or a sweep, one query per table. Deciding
/// updates it, so a later event sees the tasks an earlier one issued or ended.
struct CallbacksView: Sendable {
    /// The batch's cases as calling back needs them.
    var subjects: [UUID: CallbackSubject] = [:]
    /// The approved result of each resolved case of the batch.
    var approved: [UUID: ApprovedResult] = [:]
    /// The tasks the batch's results name, as locked.
    var tasks: [UUID: CallbackTaskRow] = [:]
    /// The tasks already issued for the batch's cases.
    var slots: Set<CallbackSlot> = []
    /// Cases sent back after a 不满意 (发回重办) before.
    var reopened: Set<UUID> = []
    /// The callback clocks of the batch's cases.
    var clocks = ClockBook()
    var editions: [CaseEvent.PolicyRef: PolicyArchive.Edition] = [:]
}

/// Everything a batch or a sweep of the callbacks worker writes, once per table.
struct CallbacksEffects: BatchEffects {
    var issued: [NewCallbackTask] = []
    /// What the batch changed of each task, in the order first changed.
    var taskChanges: [CallbackTaskChange] = []
    var clocks: [ClockRecord] = []
    var history: [HistoryEntry] = []
    var outbox: [OutboxMessage] = []
    var rejections: [Rejection] = []
    /// Where each task's change stands in `taskChanges` (an expiry sweep changes thousands).
    private var changeIndexes: [UUID: Int] = [:]

    mutating func change(_ id: UUID, _ body: (inout CallbackTaskChange) -> Void) {
        if let index = changeIndexes[id] {
            body(&taskChanges[index])
        } else {
            var change = CallbackTaskChange(id: id)
            body(&change)
            changeIndexes[id] = taskChanges.count
            taskChanges.append(change)
        }
    }
}
