import Foundation

/// The fields of a `hotline.cases.v1` event a worker routes on before reading more.
struct CaseEventEnvelope: Decodable {
    var type: String
    var eventID: String
    var caseID: UUID

    enum CodingKeys: String, CodingKey {
        case type
        case eventID = "event_id"
        case caseID = "case_id"
    }
}
