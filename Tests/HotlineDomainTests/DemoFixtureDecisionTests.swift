import Foundation
import HotlineDomain
import Testing

/// The demo fixture (Ops/fixtures/demo-intake.jsonl, made by generate_demo_intake.py) keeps
/// its expected outcomes under the text pipeline: every valid line the generator expects to
/// be redirected, not accepted or accepted gets that rule and category from `IntakeDecider`
/// (no open cases; merged lines are checked not to be redirected or refused).
@Suite struct DemoFixtureDecisionTests {
    @Test func theFixturesOutcomesHold() throws {
        let decider = IntakeDecider(policy: try Fixtures.changsha())
        var checked = 0
        var differences: [String] = []
        for line in try Repository.text("Ops/fixtures/demo-intake.jsonl").split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let value = object["value"] as? [String: Any], let expect = object["expect"] as? [String: Any],
                  let outcome = expect["outcome"] as? String, let content = value["content"] as? String,
                  value["answered_from"] == nil, value["knowledge_not_found"] == nil else { continue }
            let category = (value["category"] as? String).flatMap(CategoryCode.init(rawValue:))
            if value["category"] != nil, category == nil { continue }  // dead-lettered as sent
            let event = Fixtures.event(content: content, subject: value["subject"] as? String, category: category)
            let decision = decider.decide(event, openCases: [])
            checked += 1
            let got: String
            switch decision {
            case let .redirect(rule): got = "redirected:\(rule.code)"
            case let .notAccept(rule): got = "not_accepted:\(rule.code)"
            case let .accept(category, _): got = "accepted:\(category.rawValue)"
            default: got = "\(decision)"
            }
            let wanted: String
            switch outcome {
            case "redirected", "not_accepted": wanted = "\(outcome):\(expect["reason_code"] as? String ?? expect["rule"] as? String ?? "?")"
            case "accepted": wanted = "accepted:\(expect["category"] as? String ?? "?")"
            case "merged": if got.hasPrefix("accepted:") { continue }; wanted = "accepted:*"
            default: checked -= 1; continue
            }
            if got != wanted { differences.append("\(wanted) → \(got): \(content)") }
        }
        #expect(checked > 400)
        #expect(differences.isEmpty, "\(differences.count) lines differ:\n\(differences.joined(separator: "\n"))")
    }
}
