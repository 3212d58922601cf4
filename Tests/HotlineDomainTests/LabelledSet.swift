import Foundation
import HotlineDomain

/// The labelled sets of Ops/fixtures/labelled/ (README there): appeals with the outcome a
/// person gave them under 长沙, and knowledge questions with the entry that answers them.
/// Each set has a tuning part and a held-out part; rules are tuned on the first only.
enum LabelledSet {
    struct Appeal: Decodable {
        /// The part of the policy's examples the appeal belongs to; nil in a blind part.
        var part: String?
        var id: String
        var channel: String
        var subject: String?
        var content: String
        var outcome: String
        var rule: String?
        var category: String?
        var article: String

        /// The rule code for a redirect or a matter not accepted, "accepted" otherwise.
        var expectedScope: String { rule ?? "accepted" }
    }

    struct Question: Decodable {
        var question: String
        var expected: String
    }

    struct Entry: Decodable {
        var entry_id: String
        var unit_id: String
        var kind: String
        var title: String
        var body: String
        var keywords: [String]
    }

    /// A blind part, Ops/fixtures/labelled/intake-<part>.jsonl: never learned from.
    static func appeals(_ part: String) throws -> [Appeal] {
        try decode("Ops/fixtures/labelled/intake-\(part).jsonl")
    }

    /// The parts 长沙's policy learns from (its `examples`, Ops/policies/examples/changsha-2020.jsonl).
    static func examples(_ part: String) throws -> [Appeal] {
        try decode("Ops/policies/examples/changsha-2020.jsonl").filter { $0.part == part }
    }

    private static func decode(_ file: String) throws -> [Appeal] {
        try Repository.text(file).split(separator: "\n").map { try JSONDecoder().decode(Appeal.self, from: Data($0.utf8)) }
    }

    static func questions(_ file: String) throws -> [Question] {
        try JSONDecoder().decode([Question].self, from: Data(Repository.text(file).utf8))
    }

    static func knowledgeEntries() throws -> [KnowledgeCandidate] {
        let entries = try JSONDecoder().decode([Entry].self, from: Data(Repository.text("Ops/fixtures/knowledge/entries.json").utf8))
        return entries.map {
            KnowledgeCandidate(
                entryID: $0.entry_id, version: 1, unitID: $0.unit_id, kind: $0.kind, title: $0.title, body: $0.body,
                keywords: $0.keywords, reviewBy: CalendarDate("2027-01-01")!)
        }
    }

    /// Precision and recall of one label over (expected, predicted) pairs; nil when undefined.
    static func precisionRecall(_ label: String, _ pairs: [(expected: String, predicted: String)]) -> (precision: Double?, recall: Double?, support: Int) {
        let truePositive = pairs.count { $0.expected == label && $0.predicted == label }
        let predicted = pairs.count { $0.predicted == label }
        let actual = pairs.count { $0.expected == label }
        return (predicted == 0 ? nil : Double(truePositive) / Double(predicted), actual == 0 ? nil : Double(truePositive) / Double(actual), actual)
    }

    static func format(_ value: Double?) -> String {
        value.map { String(format: "%.3f", $0) } ?? "  -  "
    }
}
