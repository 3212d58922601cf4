import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The archive sweep of the callbacks worker (归档, 鄂尔多斯 第二十三条): a closed case goes
/// to the read-only `case_archive` with its whole history once no callback, rating
/// appeal or appeal window can still change it, and `case.archived` is published.
struct CaseArchiver: Sendable {
    let logger: Logger

    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let archived = try await ArchiveStore.archiveDue(now: now, limit: limit, on: connection, logger: logger)
        for item in archived {
            outbox.append(try caseMessage(CaseEvent(
                eventID: UUID(), caseID: item.id, caseNumber: item.caseNumber, occurredAt: now, policy: item.policy,
                body: .lifecycle(LifecycleNotice(step: .archived, round: item.round, unitID: item.leadUnitID, status: .archived)))))
            logger.debug("case archived", metadata: ["case_id": "\(item.id.uuidString.lowercased())"])
        }
        return archived.count
    }
}
