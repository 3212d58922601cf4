import Foundation
import HotlineDomain
import HotlinePostgres
import Testing

/// What the lookup's audit keeps of the case number a client tried (`lookup_attempts`).
@Suite struct LookupAttemptRecordTests {
    /// PostgreSQL's text holds no NUL: schemathesis sent a number with one and the lookup
    /// answered 503; the audit now keeps the rest of it, at most 32 characters.
    @Test func aNulIsDroppedAndTheNumberCutAt32() {
        let record = LookupAttemptRecord(
            at: Date(), client: "127.0.0.1", caseNumberTried: "2026\u{0}1009-" + String(repeating: "9", count: 40), outcome: .malformed,
            retryAfterSeconds: nil)
        #expect(record.caseNumberTried == "20261009-" + String(repeating: "9", count: 23))
    }
}
