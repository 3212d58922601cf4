import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// What a reissue did: orders issued again under their unit's key, orders whose unit no
/// longer holds that round (superseded, nothing sent), and those still without a key.
public struct ReissueOutcome: Sendable, Equatable {
    public var reissued = 0
    public var superseded = 0
    /// Units whose orders stay withheld: still no valid sealing key.
    public var stillWithoutKey: [String: Int] = [:]
}

/// Issues again the orders withheld for want of a sealing key (`hotline units reissue`),
/// once the centre enrolled the units' keys: each is published as a new order (a new
/// event id, `reissue_of` naming the first) with its content sealed to the key valid now,
/// through the outbox in one transaction with the record that it was settled. An order
/// whose unit no longer holds that round is settled as superseded and not sent.
public struct WorkOrderReissue: Sendable {
    let client: PostgresClient
    let issuer: WorkOrderIssuer
    let logger: Logger

    public init(client: PostgresClient, vault: PersonalDataVault, logger: Logger) {
        self.client = client
        self.issuer = WorkOrderIssuer(vault: vault, logger: logger)
        self.logger = logger
    }

    public func run(unitID: String?, keys: [String: PartySealingKey], now: Date, limit: Int) async throws -> ReissueOutcome {
        try await client.withTransaction(logger: logger) { connection in
            var outcome = ReissueOutcome()
            let open = try await WorkOrderStore.lockOpenWithheld(unitID: unitID, limit: limit, on: connection, logger: logger)
            let standing = try await WorkOrderStore.stillAssigned(open, on: connection, logger: logger)
            let appeals = try await WorkOrderStore.appeals(of: Array(Set(open.map(\.caseID))), on: connection, logger: logger)
                .mapValues(issuer.vault.opened)
            let reports = try await WorkOrderStore.roundReports(of: Array(Set(open.map(\.caseID))), on: connection, logger: logger)
            var pending: [PendingWorkOrder] = []
            var settled: [(eventID: UUID, reissuedAs: UUID?)] = []
            for withheld in open {
                guard standing.contains(withheld.eventID) else {
                    settled.append((withheld.eventID, nil))
                    outcome.superseded += 1
                    continue
                }
                guard let key = keys[withheld.unitID], let appeal = appeals[withheld.caseID] else {
                    outcome.stillWithoutKey[withheld.unitID, default: 0] += 1
                    continue
                }
                var order = try JSONDecoder().decode(WorkOrder.self, from: Data(withheld.orderJSON.utf8))
                order.eventID = UUID()
                order.reissueOf = withheld.eventID
                order.withheld = nil
                order.occurredAt = now
                let content = WorkOrderPlanner.content(
                    kind: order.kind, round: order.round, appeal: appeal.appeal,
                    earlierRounds: try issuer.vault.opened(reports[withheld.caseID] ?? [], of: appeal.sealed))
                pending.append(PendingWorkOrder(
                    draft: WorkOrderDraft(order: order, content: content, includesCaller: appeal.appeal.contactGoesToUnit), key: key, appeal: appeal))
                settled.append((withheld.eventID, order.eventID))
                outcome.reissued += 1
            }
            let issued = try issuer.issue(pending, at: now)
            try await OutboxStore.enqueue(issued.messages, on: connection, logger: logger)
            try await WorkOrderStore.settle(settled, at: now, on: connection, logger: logger)
            return outcome
        }
    }
}
