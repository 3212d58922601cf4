import Foundation
import HotlineDomain
import HotlinePostgres

/// An action's outcome for `hotline.action-outcomes.v1`, keyed by case id.
enum ActionOutcomes {
    static func message(_ outcome: ActionOutcome) throws -> OutboxMessage {
        OutboxMessage(
            topic: TopicName.actionOutcomes, key: outcome.caseID.map { Array($0.uuidString.lowercased().utf8) },
            payload: try EventJSON.encode(outcome),
            headers: EventHeaders.make(eventID: outcome.eventID.uuidString.lowercased(), type: outcome.type))
    }
}

/// A knowledge event's outcome or flag for `hotline.knowledge-outcomes.v1`, keyed by entry id.
enum KnowledgeOutcomes {
    static func message(_ outcome: KnowledgeOutcome) throws -> OutboxMessage {
        OutboxMessage(
            topic: TopicName.knowledgeOutcomes, key: outcome.entryID.map { Array($0.utf8) }, payload: try EventJSON.encode(outcome),
            headers: EventHeaders.make(eventID: outcome.eventID.uuidString.lowercased(), type: outcome.type))
    }
}
