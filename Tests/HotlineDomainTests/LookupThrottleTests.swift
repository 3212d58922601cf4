import Foundation
import HotlineDomain
import Testing

/// The progress lookup's attempt limits, given counters and a clock.
@Suite struct LookupThrottleTests {
    let limits = LookupLimits(caseAttempts: 3, clientAttempts: 5, window: 600, lockout: 300)
    let start = Date(timeIntervalSince1970: 1_792_000_000)

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    /// Wrong tries on one case number lock it at the limit for the lockout, and it lifts then.
    @Test func wrongTriesLockTheCaseNumberAtTheLimitAndTheLockLifts() {
        var caseCounter: AttemptCounter? = .fresh(at: start)
        var client = AttemptCounter.fresh(at: start)
        for second in 0..<3 {
            #expect(LookupThrottle.retryAfter(caseCounter: caseCounter, client: client, now: at(Double(second))) == nil)
            (caseCounter, client) = LookupThrottle.counters(caseCounter: caseCounter, client: client, after: .noMatch, limits: limits, now: at(Double(second)))
        }
        #expect(caseCounter?.lockedUntil == at(302))
        #expect(LookupThrottle.retryAfter(caseCounter: caseCounter, client: client, now: at(10)) == 292)
        #expect(LookupThrottle.retryAfter(caseCounter: caseCounter, client: client, now: at(301.5)) == 1, "rounded up: told 1 s, the lock has lifted then")
        #expect(LookupThrottle.retryAfter(caseCounter: caseCounter, client: client, now: at(302)) == nil)
        let after = LookupThrottle.counters(caseCounter: caseCounter, client: client, after: .noMatch, limits: limits, now: at(400))
        #expect(after.caseCounter == AttemptCounter(windowStart: at(400), failures: 1, lockedUntil: nil), "a lifted lock starts counting again")
    }

    /// A refusal while locked does not push the lock further.
    @Test func aRefusalWhileLockedChangesNothing() {
        let locked = AttemptCounter(windowStart: start, failures: 3, lockedUntil: at(300))
        let client = AttemptCounter(windowStart: start, failures: 3, lockedUntil: nil)
        let after = LookupThrottle.counters(caseCounter: locked, client: client, after: .locked, limits: limits, now: at(100))
        #expect(after.caseCounter == locked && after.client == client)
    }

    /// The right code clears the case number's count, not the client's: a guesser's own case buys no guesses.
    @Test func theRightCodeClearsTheCaseNumberNotTheClient() {
        let tried = AttemptCounter(windowStart: start, failures: 2, lockedUntil: nil)
        let after = LookupThrottle.counters(caseCounter: tried, client: tried, after: .answered, limits: limits, now: at(5))
        #expect(after.caseCounter == .fresh(at: at(5)))
        #expect(after.client == tried)
    }

    /// Malformed tries count against the client only; the client locks at its own limit.
    @Test func malformedTriesCountAgainstTheClientOnly() {
        var client = AttemptCounter.fresh(at: start)
        for second in 0..<5 {
            let after = LookupThrottle.counters(caseCounter: nil, client: client, after: .malformed, limits: limits, now: at(Double(second)))
            #expect(after.caseCounter == nil)
            client = after.client
        }
        #expect(client.failures == 5 && client.lockedUntil == at(304))
        #expect(LookupThrottle.retryAfter(caseCounter: nil, client: client, now: at(4)) == 300)
    }

    /// Tries further apart than the window never add up to a lock.
    @Test func triesOutsideTheWindowStartItAgain() {
        let old = AttemptCounter(windowStart: start, failures: 2, lockedUntil: nil)
        let after = LookupThrottle.counters(caseCounter: old, client: old, after: .noMatch, limits: limits, now: at(600))
        #expect(after.caseCounter == AttemptCounter(windowStart: at(600), failures: 1, lockedUntil: nil))
    }
}

/// What the citizen sees of their case (巴林左旗 第二十四条): the due date while it is open,
/// the unit's reply only once the centre approved the result.
@Suite struct CaseProgressTests {
    let day = Date(timeIntervalSince1970: 1_792_000_000)

    func facts(_ status: CaseStatus) -> CaseProgress.Facts {
        CaseProgress.Facts(
            caseNumber: "20261019-000001", status: status, category: .complaint, receivedAt: day, acceptedAt: day, leadUnitName: "岳麓区城市管理和综合执法局",
            handlingDue: day.addingTimeInterval(864_000), resolvedAt: status.isOpen ? nil : day.addingTimeInterval(86_400), closedAt: nil,
            latestResultOutcome: .resolved, latestResultReply: "已安排夜间停止施工。", latestRating: nil)
    }

    @Test func anOpenCaseShowsItsDueDateAndNoDraftResult() {
        let progress = CaseProgress(facts(.resultSubmitted))
        #expect(progress.handlingDue == day.addingTimeInterval(864_000))
        #expect(progress.result == nil, "a result under the centre's review is not the answer yet")
    }

    @Test func aResolvedCaseShowsTheApprovedResultAndNoDueDate() throws {
        let progress = CaseProgress(facts(.resolved))
        #expect(progress.handlingDue == nil)
        #expect(progress.result == CaseProgress.Result(outcome: .resolved, reply: "已安排夜间停止施工。"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(progress)) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == [
            "case_number", "status", "category", "received_at", "accepted_at", "unit_name", "handling_due", "resolved_at", "closed_at", "result", "rating",
        ])
    }
}
