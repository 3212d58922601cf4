import Foundation

/// What the retention sweep removes (README "Retention"): personal data kept beside the
/// case record with no end of its own. Each kind is dated by the instant its purpose ends
/// from, and removed once its policy period (`RetentionRules`) has passed since then.
public enum RetentionKind: String, Sendable, CaseIterable, Equatable {
    /// A progress lookup attempt (client address, case number tried), dated by the attempt;
    /// the row goes.
    case lookupAttempts = "lookup_attempts"
    /// The text of an appeal redirected or not accepted, dated by when intake recorded it; the
    /// text goes, the outcome, reason code, category and receipt stay for the figures.
    case unacceptedAppealTexts = "unaccepted_appeal_texts"
    /// An outbox message the broker refused, dated by when it was parked; the row goes.
    case parkedMessages = "parked_messages"
    /// An archived case's caller, subject, content and callback comments, dated by when it was
    /// archived: its data key is destroyed (crypto-shredding) and its comments cleared; the
    /// case's codes, dates, history and assessment figures stay. A case from before migration
    /// 0030 has no key of its own and waits for `hotline keys reencrypt` to give it one.
    case caseContents = "case_contents"
}

/// A row the sweep may remove: its key and the date its period counts from.
public struct RetentionCandidate<Key: Sendable & Equatable>: Sendable, Equatable {
    public var key: Key
    public var date: Date

    public init(key: Key, date: Date) {
        self.key = key
        self.date = date
    }
}

/// What one sweep transaction removes of one kind, and what the retention log records of it:
/// how many, the oldest and newest date removed, and the cutoff they were older than.
public struct RetentionRemoval<Key: Sendable & Equatable>: Sendable, Equatable {
    public var kind: RetentionKind
    public var keys: [Key]
    public var oldest: Date
    public var newest: Date
    public var cutoff: Date
    public var retentionDays: Int
}

/// The retention sweep's rule, pure: which rows are past their period at `now`.
public enum RetentionDecision {
    /// A row dated before this instant is past retention at `now`. A row dated exactly the
    /// period before `now` is still kept: the period is how long it is kept, in full.
    public static func cutoff(for kind: RetentionKind, rules: RetentionRules, now: Date) -> Date {
        now.addingTimeInterval(-Double(rules.days(of: kind)) * 86_400)
    }

    /// The candidates past retention at `now`, or nil when none is.
    public static func due<Key>(
        _ candidates: [RetentionCandidate<Key>], kind: RetentionKind, rules: RetentionRules, now: Date
    ) -> RetentionRemoval<Key>? {
        let cutoff = cutoff(for: kind, rules: rules, now: now)
        let past = candidates.filter { $0.date < cutoff }
        guard let oldest = past.map(\.date).min(), let newest = past.map(\.date).max() else { return nil }
        return RetentionRemoval(
            kind: kind, keys: past.map(\.key), oldest: oldest, newest: newest, cutoff: cutoff, retentionDays: rules.days(of: kind))
    }

    /// When the first of these rows (the oldest date of each kind still held) passes its
    /// period, so the sweep can sleep until then; nil when none is held.
    public static func nextDue(oldest: [RetentionKind: Date], rules: RetentionRules) -> Date? {
        oldest.map { kind, date in date.addingTimeInterval(Double(rules.days(of: kind)) * 86_400) }.min()
    }
}
