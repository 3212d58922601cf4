import Foundation

/// One message of `hotline.knowledge.v1`, keyed by entry id: a unit publishes a new
/// or changed entry, the centre approves or rejects that version. Publication and
/// review share the topic and the key so a review is always read after the version it
/// reviews.
public enum KnowledgeEvent: Sendable, Equatable {
    case published(KnowledgeEntry)
    case reviewed(KnowledgeReview)

    public var eventID: String {
        switch self {
        case let .published(entry): entry.eventID
        case let .reviewed(review): review.eventID
        }
    }

    public var entryID: String {
        switch self {
        case let .published(entry): entry.entryID
        case let .reviewed(review): review.entryID
        }
    }

    public var version: Int {
        switch self {
        case let .published(entry): entry.version
        case let .reviewed(review): review.version
        }
    }

    /// The wire type, e.g. `knowledge.entry_published`.
    public var type: String {
        switch self {
        case .published: KnowledgeEventDecoder.publishedType
        case let .reviewed(review): review.approved ? KnowledgeEventDecoder.approvedType : KnowledgeEventDecoder.rejectedType
        }
    }
}

/// The centre's decision on one version of an entry (长沙 第八条（二） 信息审核、发布).
public struct KnowledgeReview: Sendable, Equatable {
    public var eventID: String
    public var entryID: String
    public var version: Int
    public var staffID: String
    public var approved: Bool
    public var reason: String?
    public var occurredAt: Date

    public init(eventID: String, entryID: String, version: Int, staffID: String, approved: Bool, reason: String?, occurredAt: Date) {
        self.eventID = eventID
        self.entryID = entryID
        self.version = version
        self.staffID = staffID
        self.approved = approved
        self.reason = reason
        self.occurredAt = occurredAt
    }
}
