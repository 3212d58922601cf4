import Foundation
import HotlineDomain
@testable import HotlineWorkers
import Testing

/// The knowledge review sweep (巴林左旗 第二十条 「确保内容的全面性、准确性和有效性」) looks for the
/// earliest review-by date awaiting review before it opens a transaction, and wakes when that
/// version becomes overdue: the first instant of the next day, China time, when its claim
/// (`review_by < today`) first takes it.
@Suite struct KnowledgeReviewLookTests {
    @Test func aVersionIsDueAtTheStartOfTheDayAfterItsReviewBy() throws {
        let reviewBy = try #require(CalendarDate("2026-12-01"))
        let due = try #require(KnowledgeReviewSweep.nextDue(earliestReviewBy: reviewBy))
        #expect(due == RFC3339.parse("2026-12-02T00:00:00+08:00"))
        #expect(CalendarDate(containing: due) > reviewBy, "the claim takes it at that instant")
        #expect(CalendarDate(containing: due.addingTimeInterval(-1)) == reviewBy, "and not a second before")
        #expect(KnowledgeReviewSweep.nextDue(earliestReviewBy: nil) == nil, "nothing awaits review: an interval's wait")
    }
}
