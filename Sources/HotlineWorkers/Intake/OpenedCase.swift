import Foundation
import HotlineDomain

/// A case intake just opened, for the receipt and the events it publishes.
struct OpenedCase {
    var id: UUID
    var number: String
    var category: CategoryCode
    var event: IntakeEvent
    var policy: CaseEvent.PolicyRef
    var at: Date

    func event(_ body: CaseEvent.Body) -> CaseEvent {
        CaseEvent(eventID: UUID(), caseID: id, caseNumber: number, occurredAt: at, policy: policy, body: body)
    }

    func accepted(answeredFrom: KnowledgeAnswer? = nil, replyDue: Date? = nil, replyDueProvisional: Bool = false) -> CaseEvent {
        event(.accepted(
            category: category, channel: event.channel, areaCode: event.areaCode, urgent: event.urgent,
            confidential: event.caller.confidential, receivedAt: event.receivedAt, answeredFrom: answeredFrom, replyDue: replyDue,
            replyDueProvisional: replyDueProvisional))
    }

    /// The receipt of the new case.
    func receipt(replyingTo appeal: IntakeEvent) -> IntakeReceipt {
        IntakeReceipt(eventID: UUID(), replyingTo: appeal, outcome: .accepted, caseID: id, caseNumber: number, category: category, issuedAt: at)
    }
}
