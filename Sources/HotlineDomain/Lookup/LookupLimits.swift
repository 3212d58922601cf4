import Foundation

/// How many wrong tries the progress lookup allows before it refuses for a while, per
/// case number tried and per client (README "Progress lookup"). A case number that does
/// not exist is counted exactly like one that does, so the lockout tells nothing about
/// which numbers exist.
public struct LookupLimits: Sendable, Equatable {
    /// Wrong tries on one case number within `window` that lock it for `lockout`.
    public var caseAttempts: Int
    /// Wrong or malformed tries from one client within `window` that lock it for `lockout`.
    public var clientAttempts: Int
    public var window: TimeInterval
    public var lockout: TimeInterval

    public init(caseAttempts: Int, clientAttempts: Int, window: TimeInterval, lockout: TimeInterval) {
        self.caseAttempts = caseAttempts
        self.clientAttempts = clientAttempts
        self.window = window
        self.lockout = lockout
    }

    /// 5 per case number and 20 per client in 15 minutes, then 15 minutes locked: a citizen
    /// who mistypes has several more tries; a guesser gets at most 480 a day on one case.
    public static let standard = LookupLimits(caseAttempts: 5, clientAttempts: 20, window: 900, lockout: 900)
}

/// The wrong tries counted against one subject (a case number, or a client) and until
/// when it is locked; what `lookup_limits` keeps per row.
public struct AttemptCounter: Sendable, Equatable {
    public var windowStart: Date
    public var failures: Int
    public var lockedUntil: Date?

    public init(windowStart: Date, failures: Int, lockedUntil: Date?) {
        self.windowStart = windowStart
        self.failures = failures
        self.lockedUntil = lockedUntil
    }

    /// A subject never tried before.
    public static func fresh(at now: Date) -> AttemptCounter { AttemptCounter(windowStart: now, failures: 0, lockedUntil: nil) }
}

/// What one lookup attempt came to.
public enum LookupOutcome: String, Sendable, Equatable {
    /// The code matched: the progress is answered.
    case answered
    /// Unknown case number or wrong code: one answer for both.
    case noMatch = "no_match"
    /// Refused unread: the case number or the client is locked out.
    case locked
    /// Not a case number and a code at all.
    case malformed
}

/// The throttle's rules, pure: whether an attempt may be checked, and the counters after it.
public enum LookupThrottle {
    /// Seconds until the later of the two locks lifts, or nil when neither holds at `now`.
    /// Rounded up, so a client told to wait that long finds the lock lifted.
    public static func retryAfter(caseCounter: AttemptCounter?, client: AttemptCounter, now: Date) -> Int? {
        let until = [caseCounter?.lockedUntil, client.lockedUntil].compactMap { $0 }.filter { $0 > now }.max()
        return until.map { Int(($0.timeIntervalSince(now)).rounded(.up)) }
    }

    /// The counters after an attempt with this outcome. A wrong or malformed try counts
    /// against the client, a wrong one also against the case number tried, each in its
    /// window (a window past its length, or a lock that has lifted, starts again), and a
    /// counter that reaches its limit locks. A right code clears the case number's counter,
    /// never the client's: a guesser's own case does not buy more guesses. A refusal while
    /// locked changes nothing, so the lock lifts when the refusal said.
    public static func counters(
        caseCounter: AttemptCounter?, client: AttemptCounter, after outcome: LookupOutcome, limits: LookupLimits, now: Date
    ) -> (caseCounter: AttemptCounter?, client: AttemptCounter) {
        switch outcome {
        case .locked:
            (caseCounter, client)
        case .answered:
            (caseCounter.map { _ in .fresh(at: now) }, client)
        case .noMatch, .malformed:
            (caseCounter.map { failed($0, limit: limits.caseAttempts, limits: limits, now: now) },
             failed(client, limit: limits.clientAttempts, limits: limits, now: now))
        }
    }

    private static func failed(_ counter: AttemptCounter, limit: Int, limits: LookupLimits, now: Date) -> AttemptCounter {
        let lifted = counter.lockedUntil.map { $0 <= now } ?? false
        var next = lifted || now.timeIntervalSince(counter.windowStart) >= limits.window ? AttemptCounter.fresh(at: now) : counter
        next.failures += 1
        if next.failures >= limit { next.lockedUntil = now.addingTimeInterval(limits.lockout) }
        return next
    }
}
