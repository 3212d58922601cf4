import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// Supervision events for `hotline.escalations.v1`, keyed by case id (or unit id).
enum Escalations {
    /// The event for a supervision's opening, climb or closure; a unit's carries its figures.
    static func message(
        _ kind: EscalationEvent.Kind, _ row: SupervisionRow, ladder: [EscalationLevel], rank: Int, deadline: Date?,
        provisional: Bool = false, closeReason: String?, now: Date
    ) throws -> OutboxMessage {
        let level = ladder[min(max(rank, 1), ladder.count) - 1]
        var event = EscalationEvent(
            eventID: UUID(), kind: kind, supervisionID: row.publicID, caseID: row.caseID, caseNumber: row.caseNumber,
            unitID: row.unitID.isEmpty ? "centre" : row.unitID, unitName: row.unitName.isEmpty ? "热线中心" : row.unitName,
            rank: rank, levelCode: level.code, levelName: level.label, trigger: row.trigger,
            basis: PolicyBasis(policy: row.policyID, policyVersion: row.policyVersion, article: kind == .opened ? row.article : level.article),
            deadline: deadline, closeReason: closeReason, rates: row.rates, knowledge: row.knowledge, occurredAt: now)
        event.deadlineProvisional = provisional
        return OutboxMessage(
            topic: TopicName.escalations, key: Array(event.key.utf8), payload: try EventJSON.encode(event),
            headers: EventHeaders.make(eventID: event.eventID.uuidString.lowercased(), type: kind.rawValue))
    }
}
