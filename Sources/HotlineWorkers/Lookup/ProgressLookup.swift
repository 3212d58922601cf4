import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO

/// One attempt at the progress lookup, in one transaction: lock the counters of the case
/// number tried and of the client, refuse if either is locked, else check the code, then
/// write the counters and the audit row. An unknown case number and a wrong code take the
/// same statements and the same hashing (`QueryCodeVerifier.check`), and get the same answer.
public struct ProgressLookup: Sendable {
    let client: PostgresClient
    let clock: any HotlineClock
    let verifier: QueryCodeVerifier
    let limits: LookupLimits
    let logger: Logger

    public init(client: PostgresClient, clock: any HotlineClock, verifier: QueryCodeVerifier, limits: LookupLimits, logger: Logger) {
        self.client = client
        self.clock = clock
        self.verifier = verifier
        self.limits = limits
        self.logger = logger
    }

    public enum Answer: Sendable, Equatable {
        case progress(CaseProgress)
        /// No case with that number, or a wrong code: one answer for both.
        case noMatch
        /// Refused unread until the locks lift, in seconds.
        case locked(retryAfter: Int)
        /// Not a case number and a query code; says which member is wrong.
        case malformed(String)
    }

    /// `caseNumber` and `code` as sent (nil when missing); `client` as `ClientAddress` counts it.
    public func attempt(caseNumber: String?, code: String?, client clientName: String) async throws -> Answer {
        let now = try await clock.now()
        let number = caseNumber.flatMap { CaseNumber.isWellFormed($0) ? $0 : nil }
        let parsed = code.flatMap(QueryCode.init(parsing:))
        let wellFormed: (number: String, code: QueryCode)? = if let number, let parsed { (number, parsed) } else { nil }
        return try await client.withTransaction(logger: logger) { connection in
            let counters = try await LookupStore.lockCounters(
                caseNumber: wellFormed?.number, client: clientName, now: now, on: connection, logger: logger)
            let outcome: LookupOutcome
            let answer: Answer
            var retryAfter: Int?
            if let wait = LookupThrottle.retryAfter(caseCounter: counters.caseCounter, client: counters.client, now: now) {
                (outcome, answer, retryAfter) = (.locked, .locked(retryAfter: wait), wait)
            } else if let wellFormed {
                let stored = try await LookupStore.verifier(caseNumber: wellFormed.number, on: connection, logger: logger)
                if verifier.check(wellFormed.code, against: stored), let stored,
                   var found = try await LookupStore.progressFacts(caseNumber: wellFormed.number, on: connection, logger: logger) {
                    if let sealed = found.sealedReply, let key = verifier.replyKey(wellFormed.code, of: stored) {
                        found.facts.latestResultReply = try LookupReplySealing.open(sealed, with: key, caseID: stored.caseID)
                    }
                    (outcome, answer) = (.answered, .progress(CaseProgress(found.facts)))
                } else {
                    (outcome, answer) = (.noMatch, .noMatch)
                }
            } else {
                let problem = number == nil
                    ? "case_number must be the number on the receipt, e.g. 20261009-000871"
                    : "query_code must be the 12 digits on the receipt, e.g. 4821-0937-5516"
                (outcome, answer) = (.malformed, .malformed(problem))
            }
            let next = LookupThrottle.counters(caseCounter: counters.caseCounter, client: counters.client, after: outcome, limits: limits, now: now)
            try await LookupStore.record(
                LookupAttemptRecord(at: now, client: clientName, caseNumberTried: caseNumber, outcome: outcome, retryAfterSeconds: retryAfter),
                caseCounter: next.caseCounter, client: next.client, on: connection, logger: logger)
            logger.info("progress lookup", metadata: ["outcome": "\(outcome.rawValue)"])
            return answer
        }
    }
}
