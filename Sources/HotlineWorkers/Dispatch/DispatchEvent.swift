import Foundation
import HotlineDomain
import HotlineKafka

/// What the dispatch worker reads: accepted cases to route and rated rounds to close on
/// `hotline.cases.v1`, the units' and the centre's actions, and knowledge-base entries.
public enum DispatchEvent: Sendable {
    /// `case.accepted`: route the case to its units (or the manual-dispatch queue).
    case accepted(caseID: UUID)
    /// `case.rated`: a round rated 满意 or 基本满意 closes the case. The rating is read from
    /// the callback task the callbacks worker rated, never from the event's body.
    case rated(caseID: UUID, round: Int)
    /// A unit's or the centre's action on a case.
    case action(CaseAction)
    case knowledge(KnowledgeEvent)

    /// The case the event is about; nil for a knowledge entry.
    var caseID: UUID? {
        switch self {
        case let .accepted(caseID), let .rated(caseID, _): caseID
        case let .action(action): action.caseID
        case .knowledge: nil
        }
    }

    /// The lifecycle event types the dispatch worker reads; it passes over the others
    /// from their `hotline-event-type` header without parsing them.
    static let caseEventTypes: Set<String> = ["case.accepted", "case.rated"]
}

/// The fields of `case.accepted` and `case.rated` the dispatch worker reads.
struct DispatchCaseEvent: Decodable {
    var type: String
    var eventID: String
    var caseID: UUID
    var round: Int?

    enum CodingKeys: String, CodingKey {
        case type, round
        case eventID = "event_id"
        case caseID = "case_id"
    }
}
