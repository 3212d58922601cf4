import Foundation
import HotlineDomain
import HotlinePostgres
import Logging

/// A work order the batch decided, with what sealing it needs: the unit's key valid at the
/// batch's instant (nil: none) and the appeal with the caller's data still sealed at rest.
public struct PendingWorkOrder: Sendable, Equatable {
    public var draft: WorkOrderDraft
    public var key: PartySealingKey?
    public var appeal: StoredAppeal
    /// The trace of the event that dispatched the case.
    public var trace: TraceHeaders

    public init(draft: WorkOrderDraft, key: PartySealingKey?, appeal: StoredAppeal, trace: TraceHeaders = .ofSweep) {
        self.draft = draft
        self.key = key
        self.appeal = appeal
        self.trace = trace
    }
}

/// A case whose appeal the load step did not read, though the batch dispatched it.
struct WorkOrderAppealMissing: Error, CustomStringConvertible {
    var caseID: UUID
    var description: String {
        "case \(caseID.uuidString.lowercased()) was dispatched but its appeal was not loaded for its work orders"
    }
}

/// Turns the batch's work orders into the events to publish, at the worker's edge: the
/// caller's contact is opened from its data-key seal here and nowhere else, and only for a
/// caller who did not ask for confidentiality; the content is sealed to the unit's key. An
/// order whose unit has no sealing key goes out without content (`withheld`), never in
/// clear, and is kept for the centre to reissue.
public struct WorkOrderIssuer: Sendable {
    let vault: PersonalDataVault
    let logger: Logger

    public init(vault: PersonalDataVault, logger: Logger) {
        self.vault = vault
        self.logger = logger
    }

    public func issue(_ orders: [PendingWorkOrder], at now: Date) throws -> (messages: [OutboxMessage], withheld: [WithheldWorkOrder]) {
        var messages: [OutboxMessage] = []
        var withheld: [WithheldWorkOrder] = []
        var callers: [UUID: WorkOrderContent.Contact?] = [:]
        for pending in orders {
            var order = pending.draft.order
            if let key = pending.key {
                var content = pending.draft.content
                if pending.draft.includesCaller {
                    if callers[order.caseID] == nil {
                        let caller = try vault.caller(of: pending.appeal.sealed)
                        callers[order.caseID] = Self.contact(caller)
                    }
                    content.caller = callers[order.caseID] ?? nil
                }
                order.sealed = try WorkOrderSealer.seal(content, of: order, to: key)
            } else {
                order.withheld = .noSealingKey
                withheld.append(WithheldWorkOrder(
                    eventID: order.eventID, caseID: order.caseID, unitID: order.unitID, round: order.round,
                    reason: SealingWithheld.noSealingKey.rawValue, orderJSON: String(decoding: try EventJSON.encode(order), as: UTF8.self),
                    withheldAt: now))
                logger.warning("work order withheld: the unit has no sealing key", metadata: [
                    "case_id": "\(order.caseID.uuidString.lowercased())", "unit_id": "\(order.unitID)",
                    "event_id": "\(order.eventID.uuidString.lowercased())", "reason_code": "no_sealing_key",
                ])
            }
            messages.append(try Self.message(order, trace: pending.trace))
        }
        return (messages, withheld)
    }

    /// The contact a unit reads: name, phone and address; nil when the caller gave none.
    static func contact(_ caller: Caller) -> WorkOrderContent.Contact? {
        guard caller.name != nil || caller.phone != nil || caller.address != nil else { return nil }
        return WorkOrderContent.Contact(name: caller.name, phone: caller.phone, address: caller.address)
    }

    /// The order as an event on `hotline.work-orders.v1`, keyed by its unit.
    static func message(_ order: WorkOrder, trace: TraceHeaders = .ofSweep) throws -> OutboxMessage {
        OutboxMessage(
            topic: TopicName.workOrders, key: Array(order.unitID.utf8), payload: try EventJSON.encode(order),
            headers: EventHeaders.make(eventID: order.eventID.uuidString.lowercased(), type: WorkOrder.type, trace: trace))
    }
}

extension PersonalDataVault {
    /// A stored appeal with its subject and content opened for the work order (empty once shredded).
    func opened(_ stored: StoredAppeal) throws -> StoredAppeal {
        var opened = stored
        if let appeal = try appeal(of: stored.sealed) {
            opened.appeal.subject = appeal.subject
            opened.appeal.content = appeal.content
        }
        return opened
    }
}
