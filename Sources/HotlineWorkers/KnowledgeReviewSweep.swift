import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's sweep of stale knowledge: an entry whose current version is
/// past its review-by date is flagged to its unit once per version
/// (`knowledge.review_overdue` on `hotline.knowledge-outcomes.v1`, which the units'
/// knowledge systems read for their entries' answers), quoting the article that makes
/// the unit keep it current (巴林左旗 第二十条 「确保内容的全面性、准确性和有效性」;
/// 鄂尔多斯 第十四条（三）). A new version clears the flag's cause; the assessment counts
/// what is still overdue. It runs beside the unit review because both watch units, not cases.
struct KnowledgeReviewSweep {
    let archive: PolicyArchive
    let logger: Logger

    func sweep(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let overdue = try await KnowledgeStore.claimOverdue(today: CalendarDate(containing: now), limit: limit, on: connection, logger: logger)
        let article = archive.running.policy.knowledgeRules.article
        for entry in overdue {
            try await KnowledgeStore.markFlagged(entry, at: now, on: connection, logger: logger)
            outbox.append(try KnowledgeOutcomes.message(KnowledgeOutcome(
                eventID: UUID(), knowledgeEventID: nil, knowledgeEventType: nil, entryID: entry.entryID, version: entry.version,
                unitID: entry.unitID, occurredAt: now, body: .reviewOverdue(reviewBy: entry.reviewBy, article: article))))
            logger.info("knowledge entry flagged for review", metadata: [
                "entry_id": "\(entry.entryID)", "entry_version": "\(entry.version)", "unit_id": "\(entry.unitID)",
            ])
        }
        return overdue.count
    }

    /// The sweep's look: a version is overdue the day after its review-by date, at the start
    /// of that day; nil (an interval's wait) when none awaits review.
    static func nextDue(earliestReviewBy: CalendarDate?) -> Date? {
        earliestReviewBy?.adding(days: 1).startOfDay
    }
}
