import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// Puts a planned notification for the caller on `hotline.notifications.v1` through the
/// outbox, in the transaction of the event that calls for it, so a redelivered event
/// (skipped by its event id) never sends a second one. The caller's phone and the unit's
/// reply are sealed for the SMS/WeChat adapter (ContactSealer, the notification id as
/// authenticated data); a caller who gave no phone cannot be reached and gets none.
struct CitizenNotifier: Sendable {
    let vault: PersonalDataVault
    let sealer: ContactSealer

    func notify(
        _ plan: NotificationPlan, reply: String? = nil, caseID: UUID, subject: CallbackSubject, now: Date,
        connection: PostgresConnection, outbox: inout [OutboxMessage], logger: Logger
    ) async throws {
        guard let phone = try vault.open(subject.callerSealed, keyID: subject.callerKeyID, caseID: caseID).phone else {
            logger.debug("no notification: the caller gave no phone", metadata: ["kind": "\(plan.kind)"])
            return
        }
        let id = UUID()
        let notification = CitizenNotification(
            id: id, caseID: caseID, caseNumber: subject.caseNumber, plan: plan, contact: try sealer.seal(phone, for: id),
            reply: try reply.map { try sealer.seal($0, for: id) },
            basis: PolicyBasis(policy: subject.policyID, policyVersion: subject.policyVersion, article: plan.article), occurredAt: now)
        outbox.append(OutboxMessage(
            topic: TopicName.notifications, key: Array(caseID.uuidString.lowercased().utf8), payload: try EventJSON.encode(notification),
            headers: EventHeaders.make(eventID: id.uuidString.lowercased(), type: CitizenNotification.type)))
        try await CaseHistoryStore.append(
            caseID: caseID, at: now, actor: "callbacks", action: "notified",
            detailJSON: try jsonText(["notification_id": id.uuidString.lowercased(), "kind": plan.kind]),
            eventID: nil, on: connection, logger: logger)
        logger.info("citizen notification requested", metadata: ["notification_id": "\(id.uuidString.lowercased())", "kind": "\(plan.kind)"])
    }
}
