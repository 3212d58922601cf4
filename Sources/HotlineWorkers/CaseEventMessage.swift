import Foundation
import HotlineDomain
import HotlinePostgres

/// A lifecycle event for `hotline.cases.v1`, keyed by case id.
func caseMessage(_ event: CaseEvent, trace: TraceHeaders = .ofSweep) throws -> OutboxMessage {
    OutboxMessage(
        topic: TopicName.cases, key: Array(event.caseID.uuidString.lowercased().utf8), payload: try EventJSON.encode(event),
        headers: EventHeaders.make(eventID: event.eventID.uuidString.lowercased(), type: event.type, trace: trace))
}

/// A flat JSON object for history details.
func jsonText(_ fields: [String: String]) throws -> String {
    String(decoding: try EventJSON.encode(fields), as: UTF8.self)
}
