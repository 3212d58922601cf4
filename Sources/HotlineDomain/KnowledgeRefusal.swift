/// Why a knowledge event was refused; sent on `hotline.knowledge-outcomes.v1` with
/// the knowledge base left untouched.
public struct KnowledgeRefusal: Sendable, Equatable, Error {
    public enum Code: String, Sendable, CaseIterable {
        /// The message is not a valid knowledge event (see the topic's schema).
        case malformed
        /// The publishing unit is not in the unit network.
        case unknownUnit = "unknown_unit"
        /// The entry's duty is no routing rule of the network.
        case unknownDuty = "unknown_duty"
        /// The entry answers for another unit's duty, or the entry id belongs to another unit.
        case notEntryOwner = "not_entry_owner"
        /// The version is not the next one of the entry (already published, or a gap).
        case versionConflict = "version_conflict"
        /// A review names an entry version that was never published.
        case unknownEntryVersion = "unknown_entry_version"
        /// The version was already approved or rejected.
        case alreadyDecided = "already_decided"
        /// Well signed, but not by a sender who may send it: an entry not published by its
        /// unit, a review not signed by the centre (issue 19, `SenderAuthorisation`).
        case forbidden
    }

    public var code: Code
    public var reason: String

    /// The sentence is cut to the topic's 500 code points.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = String(String.UnicodeScalarView(reason.unicodeScalars.prefix(500)))
    }
}
