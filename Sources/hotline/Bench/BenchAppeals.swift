import Foundation
import HotlineKafka
import HotlineWorkers

/// Appeals for a benchmark, as a channel adapter publishes them: the demo fixture's
/// appeals that are accepted and dispatched (its `expect` says so), each copy with
/// its own event id, external id and caller phone, so none is a duplicate or a
/// repeat and every one becomes a dispatched case.
struct BenchAppeals {
    private let templates: [[String: Any]]
    /// Callers' phone numbers start here, at random, so no two runs share a caller
    /// (a caller with an open case would make an appeal an urge, not a new case).
    private let phoneBase = UInt64.random(in: 0..<10_000_000_000)
    let label: String

    init(fixture: String, label: String) throws {
        let text = try String(contentsOfFile: fixture, encoding: .utf8)
        var templates: [[String: Any]] = []
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let value = object["value"] as? [String: Any], let expect = object["expect"] as? [String: Any],
                  expect["outcome"] as? String == "accepted", expect["duplicate"] as? Bool == false,
                  expect["lead_unit"] is String, value["caller"] is [String: Any]
            else { continue }
            templates.append(value)
        }
        guard !templates.isEmpty else { throw CommandSupport.fail("\(fixture): no accepted and dispatched appeal to copy") }
        self.init(templates: templates, label: label)
    }

    private init(templates: [[String: Any]], label: String) {
        self.templates = templates
        self.label = label
    }

    /// The same appeals under another label, with callers of their own.
    func labelled(_ label: String) -> BenchAppeals { BenchAppeals(templates: templates, label: label) }

    /// The event id of appeal `number`; the bench finds its case by it.
    func eventID(_ number: Int) -> String { "\(label)-" + String(format: "%07d", number) }

    func message(_ number: Int, receivedAt: String) throws -> OutgoingMessage {
        var event = templates[number % templates.count]
        let eventID = eventID(number)
        event["event_id"] = eventID
        event["external_id"] = eventID
        event["received_at"] = receivedAt
        var caller = event["caller"] as? [String: Any] ?? [:]
        caller["phone"] = "1" + String(format: "%010llu", (phoneBase + UInt64(number)) % 10_000_000_000)
        event["caller"] = caller
        let channel = event["channel"] as? String ?? "web"
        let value = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
        return OutgoingMessage(topic: TopicName.intake, key: Array("\(channel):\(eventID)".utf8), value: Array(value))
    }
}
