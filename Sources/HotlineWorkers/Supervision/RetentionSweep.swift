import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's retention sweep (README "Retention"; 《个人信息保护法》第十九条
/// “个人信息的保存期限应当为实现处理目的所必要的最短时间”, 第四十七条): each transaction takes the
/// oldest rows of each kind dated before its cutoff, up to the batch size, keeps those `RetentionDecision` says are
/// past the running policy's period, removes them and appends the batch to `retention_runs`.
/// The removal and its record commit together or not at all; a sweep stopped half way leaves
/// the earlier batches removed and logged and the rest untouched. One instance sweeps at a
/// time; the others find the lock taken and wait for their next interval.
struct RetentionSweep {
    let rules: RetentionRules
    let policyID: String
    let policyVersion: String
    let logger: Logger

    /// Returns how many rows (or texts) it removed.
    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        guard try await RetentionStore.tryLock(on: connection, logger: logger) else { return 0 }
        var removed = 0
        for kind in RetentionKind.allCases where removed < limit {
            let budget = limit - removed
            let cutoff = RetentionDecision.cutoff(for: kind, rules: rules, now: now)
            switch kind {
            case .lookupAttempts:
                let candidates = try await RetentionStore.oldestLookupAttempts(
                    before: cutoff, limit: budget, on: connection, logger: logger)
                guard let removal = RetentionDecision.due(candidates, kind: kind, rules: rules, now: now) else { continue }
                try await RetentionStore.deleteLookupAttempts(removal.keys, on: connection, logger: logger)
                removed += try await record(removal, now: now, connection: connection)
            case .unacceptedAppealTexts:
                let candidates = try await RetentionStore.oldestUnacceptedTexts(
                    before: cutoff, limit: budget, on: connection, logger: logger)
                guard let removal = RetentionDecision.due(candidates, kind: kind, rules: rules, now: now) else { continue }
                try await RetentionStore.clearUnacceptedTexts(removal.keys, on: connection, logger: logger)
                removed += try await record(removal, now: now, connection: connection)
            case .parkedMessages:
                let candidates = try await RetentionStore.oldestParkedMessages(
                    before: cutoff, limit: budget, on: connection, logger: logger)
                guard let removal = RetentionDecision.due(candidates, kind: kind, rules: rules, now: now) else { continue }
                try await RetentionStore.deleteParkedMessages(removal.keys, on: connection, logger: logger)
                removed += try await record(removal, now: now, connection: connection)
            case .caseContents:
                let candidates = try await RetentionStore.oldestArchivedCases(
                    before: cutoff, limit: budget, on: connection, logger: logger)
                guard let removal = RetentionDecision.due(candidates, kind: kind, rules: rules, now: now) else { continue }
                try await RetentionStore.shredCases(
                    removal.keys, now: now, cutoff: removal.cutoff, retentionDays: removal.retentionDays, policyID: policyID,
                    policyVersion: policyVersion, on: connection, logger: logger)
                removed += try await record(removal, now: now, connection: connection)
            }
        }
        return removed
    }

    private func record<Key>(_ removal: RetentionRemoval<Key>, now: Date, connection: PostgresConnection) async throws -> Int {
        let run = RetentionRun(
            runAt: now, kind: removal.kind, removed: removal.keys.count, oldest: removal.oldest, newest: removal.newest,
            cutoff: removal.cutoff, retentionDays: removal.retentionDays, policyID: policyID, policyVersion: policyVersion)
        try await RetentionStore.record(run, on: connection, logger: logger)
        WorkerMetrics.retentionRemoved(removal.kind, count: run.removed)
        logger.info("removed past retention", metadata: [
            "kind": "\(run.kind.rawValue)", "removed": "\(run.removed)", "retention_days": "\(run.retentionDays)",
            "oldest": "\(RFC3339.format(run.oldest))", "newest": "\(RFC3339.format(run.newest))",
        ])
        return run.removed
    }
}
