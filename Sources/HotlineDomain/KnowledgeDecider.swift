import Foundation

/// Where a version of an entry stands.
public enum KnowledgeState: String, Sendable, Codable {
    case pending, approved, rejected
}

/// A version already in the knowledge base, as the decider judges a new event against it.
public struct PublishedKnowledgeVersion: Sendable, Equatable {
    public var version: Int
    public var unitID: String
    public var state: KnowledgeState
    public var reviewBy: CalendarDate

    public init(version: Int, unitID: String, state: KnowledgeState, reviewBy: CalendarDate) {
        self.version = version
        self.unitID = unitID
        self.state = state
        self.reviewBy = reviewBy
    }
}

/// What a publication does: the state the new version starts in and whether it came late.
public struct KnowledgePublication: Sendable, Equatable {
    public var state: KnowledgeState
    /// Published after the previous version's review-by date: the unit let the entry go
    /// stale first (巴林左旗 第十五条（八） 「未按照…时限要求，及时上传、更新知识库内容」).
    public var late: Bool

    public init(state: KnowledgeState, late: Bool) {
        self.state = state
        self.late = late
    }
}

/// The knowledge-base rules, a pure function of (event, the entry's versions, network, policy).
public struct KnowledgeDecider: Sendable {
    public let ownership: KnowledgeOwnership
    public let rules: KnowledgeRules

    public init(ownership: KnowledgeOwnership, rules: KnowledgeRules) {
        self.ownership = ownership
        self.rules = rules
    }

    /// `existing`: the entry's versions, any order. Versions are numbered 1, 2, 3… by the
    /// owning unit, so a redelivered or reordered publication can never overwrite another.
    public func publish(_ entry: KnowledgeEntry, existing: [PublishedKnowledgeVersion]) -> Result<KnowledgePublication, KnowledgeRefusal> {
        if let refusal = ownership.refusal(for: entry) { return .failure(refusal) }
        let latest = existing.max { $0.version < $1.version }
        if let latest, latest.unitID != entry.unitID {
            return .failure(KnowledgeRefusal(.notEntryOwner, "Entry '\(entry.entryID)' belongs to unit '\(latest.unitID)'; publish under a new entry id."))
        }
        let next = (latest?.version ?? 0) + 1
        guard entry.version == next else {
            return .failure(KnowledgeRefusal(.versionConflict, "Entry '\(entry.entryID)' is at version \(next - 1); publish version \(next), versions are never rewritten."))
        }
        let previous = existing.filter { $0.state != .rejected }.max { $0.version < $1.version }
        let late = previous.map { $0.reviewBy < CalendarDate(containing: entry.publishedAt) } ?? false
        return .success(KnowledgePublication(state: rules.approver == .unit ? .approved : .pending, late: late))
    }

    /// Nil when the centre may decide the version.
    public func refusal(for review: KnowledgeReview, existing: [PublishedKnowledgeVersion]) -> KnowledgeRefusal? {
        guard let version = existing.first(where: { $0.version == review.version }) else {
            let known = existing.map(\.version).sorted().map(String.init).joined(separator: ", ")
            return KnowledgeRefusal(.unknownEntryVersion, "Entry '\(review.entryID)' has no version \(review.version)\(known.isEmpty ? "" : " (published: \(known))"); review a version a unit published.")
        }
        guard version.state == .pending else {
            return KnowledgeRefusal(.alreadyDecided, "Version \(review.version) of '\(review.entryID)' is already \(version.state.rawValue); a version is decided once.")
        }
        return nil
    }
}
