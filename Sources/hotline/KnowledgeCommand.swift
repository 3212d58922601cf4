import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// The centre operators' knowledge base (长沙 第八条（二） 「为在线即时解答和查询提供支撑」;
/// 鄂尔多斯 第十八条（二） 「通过查询政务知识库，直接答复来电人」): search the approved entries
/// for a caller's question, and show one entry's versions.
struct KnowledgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb", abstract: "Search and show knowledge-base entries.", subcommands: [Search.self, Show.self, Upkeep.self])

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The best approved entries for a question in plain Chinese, ranked, with the terms each shares with it, and whether the first is a confident answer.")

        @Argument(help: "The caller's question, e.g. 小区明天停水吗.")
        var question: String

        @Option(help: "How many entries to print (1 to 50).")
        var limit = 5

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        @Option(help: "Policy id whose synonyms the search reads (default: HOTLINE_POLICY, else changsha-2020).")
        var policy = ProcessInfo.processInfo.environment["HOTLINE_POLICY"] ?? "changsha-2020"

        @Option(help: "Directory of the policy files.")
        var policyDir = ProcessInfo.processInfo.environment["HOTLINE_POLICY_DIR"] ?? "Ops/policies"

        func validate() throws {
            guard (1...50).contains(limit) else { throw ValidationError("--limit must be 1 to 50") }
            guard !KnowledgeTerms.of(question).isEmpty else {
                throw ValidationError("the question has no words to search for (only question words, punctuation or symbols); say what it is about, e.g. 停水")
            }
        }

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.kb")
            let loaded = try PolicyLoader.load(id: policy, directory: policyDir)
            let url = try CommandSupport.databaseURL()
            let entries = try await withPostgres(url.configuration, logger: logger) { client in
                try await KnowledgeStore.shown(client: client, logger: logger)
            }
            let result = KnowledgeSearch(entries: entries, synonyms: loaded.synonyms, places: loaded.knowledgeRules.places).search(question, limit: limit)
            switch format {
            case .json:
                let rows: [[String: JSONValue]] = result.hits.enumerated().map { index, hit in
                    [
                        "rank": .integer(Int64(index + 1)), "entry_id": .string(hit.entry.entryID), "version": .integer(Int64(hit.entry.version)),
                        "unit_id": .string(hit.entry.unitID), "kind": .string(hit.entry.kind), "title": .string(hit.entry.title),
                        "body": .string(hit.entry.body), "review_by": .string(hit.entry.reviewBy.description),
                        "score": .number((hit.score * 1000).rounded() / 1000), "coverage": .number((hit.coverage * 1000).rounded() / 1000),
                        "matched_terms": .array(hit.matchedTerms.map(JSONValue.string)),
                        "confident": .bool(index == 0 && result.confident),
                        "differs": .array(index == 0 ? result.differs.map { .string($0.rawValue) } : []),
                        "other_places": .array(index == 0 ? result.otherPlaces.map(JSONValue.string) : []),
                    ]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(JSONValue.array(rows.map(JSONValue.object))), as: UTF8.self))
            case .text:
                if !result.confident {
                    let why = !result.differs.isEmpty
                        ? "the first entry names another \(result.differs.map(\.rawValue).joined(separator: " and ")) than the question"
                        : !result.otherPlaces.isEmpty
                        ? "the question names \(result.otherPlaces.joined(separator: "、")), the first entry other places"
                        : "no approved entry scores \(Int(KnowledgeSearch.confidentScore)) for the question"
                    print("no confident answer: \(why); reply within the policy's limit (knowledge_not_found) or dispatch the appeal, do not answer from these")
                }
                for (index, hit) in result.hits.enumerated() {
                    print("\(index + 1). \(hit.entry.title)  [\(hit.entry.entryID) v\(hit.entry.version), \(hit.entry.unitID), \(hit.entry.kind)]")
                    print("   score \(String(format: "%.1f", hit.score)); matched: \(hit.matchedTerms.prefix(8).joined(separator: " ")) (covers \(Int((hit.coverage * 100).rounded()))% of the question)")
                    print("   \(hit.entry.body)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every version of one entry with its state, newest first.")

        @Argument(help: "The entry id, e.g. water-cut-furong-1023.")
        var entryID: String

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.kb")
            let url = try CommandSupport.databaseURL()
            let versions = try await withPostgres(url.configuration, logger: logger) { client in
                try await KnowledgeStore.history(of: entryID, client: client, logger: logger)
            }
            guard !versions.isEmpty else { throw CommandSupport.fail("no entry \(entryID); search with hotline kb search") }
            for record in versions {
                let decided = record.decidedBy.map { " by \($0)" } ?? ""
                print("v\(record.version) \(record.state)\(decided)\(record.late ? " (late upload)" : "")  unit \(record.unitID), \(record.kind)\(record.duty.map { ", duty \($0)" } ?? "")")
                print("   published \(RFC3339.formatSeconds(record.publishedAt)), review by \(record.reviewBy)")
                print("   \(record.title)")
                print("   \(record.body)")
                if let reason = record.decisionReason { print("   decision: \(reason)") }
            }
        }
    }

    /// Each unit's knowledge upkeep over a period, an assessment figure (巴林左旗 第十八条
    /// 「热线知识库建设更新等指标」; 鄂尔多斯 第二十九条 「政务知识库建设」): versions added and
    /// updated, late uploads (巴林左旗 第十五条（八）), entries overdue for review on the period's last day.
    struct Upkeep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each unit's entries added, updated, uploaded late and overdue for review in a period.")

        @Option(help: "The period: 2026, 2026-H2, 2026-Q4, 2026-10, 2026-W43, 2026-10-D2.")
        var period: String

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.kb")
            let assessed: AssessmentPeriod
            do {
                assessed = try AssessmentPeriod.parse(period)
            } catch {
                throw CommandSupport.fail("\(error)")
            }
            let url = try CommandSupport.databaseURL()
            let upkeep = try await withPostgres(url.configuration, logger: logger) { client in
                try await client.withConnection { connection in
                    try await KnowledgeStore.upkeep(from: assessed.since, until: assessed.until, lastDay: assessed.lastDay, on: connection, logger: logger)
                }
            }
            switch format {
            case .json:
                let rows: [JSONValue] = upkeep.map { unit in
                    .object([
                        "unit_id": .string(unit.unitID), "added": .integer(Int64(unit.added)), "updated": .integer(Int64(unit.updated)),
                        "late": .integer(Int64(unit.late)), "overdue": .integer(Int64(unit.overdue)),
                    ])
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(JSONValue.object(["period": .string(assessed.label), "units": .array(rows)])), as: UTF8.self))
            case .text:
                print("Knowledge upkeep in \(assessed)")
                print(SummaryReport.table(upkeep.map { [$0.unitID, String($0.added), String($0.updated), String($0.late), String($0.overdue)] },
                                          header: ["unit", "added", "updated", "late", "overdue"]).joined(separator: "\n"))
            }
        }
    }

    enum OutputFormat: String, ExpressibleByArgument {
        case text, json
    }
}
