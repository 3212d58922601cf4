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
        commandName: "kb", abstract: "Search and show knowledge-base entries.", subcommands: [Search.self, Show.self])

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The best approved entries for a question in plain Chinese, ranked, with the owning unit and version.")

        @Argument(help: "The caller's question, e.g. 小区明天停水吗.")
        var question: String

        @Option(help: "How many entries to print (1 to 50).")
        var limit = 5

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        func validate() throws {
            guard (1...50).contains(limit) else { throw ValidationError("--limit must be 1 to 50") }
            guard !KnowledgeTerms.of(question).isEmpty else {
                throw ValidationError("the question has no Chinese characters, letters or digits to search for")
            }
        }

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.kb")
            let url = try CommandSupport.databaseURL()
            let terms = KnowledgeTerms.of(question)
            let hits = try await withPostgres(url.configuration, logger: logger) { client in
                try await KnowledgeStore.search(terms: terms, limit: limit, client: client, logger: logger)
            }
            switch format {
            case .json:
                let rows: [[String: JSONValue]] = hits.enumerated().map { index, hit in
                    [
                        "rank": .integer(Int64(index + 1)), "entry_id": .string(hit.entryID), "version": .integer(Int64(hit.version)),
                        "unit_id": .string(hit.unitID), "kind": .string(hit.kind), "title": .string(hit.title), "body": .string(hit.body),
                        "review_by": .string(hit.reviewBy.description), "score": .number((hit.score * 1000).rounded() / 1000),
                    ]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(JSONValue.array(rows.map(JSONValue.object))), as: UTF8.self))
            case .text:
                if hits.isEmpty { print("no approved entry matches; answer within the policy's limit or dispatch the appeal") }
                for (index, hit) in hits.enumerated() {
                    print("\(index + 1). \(hit.title)  [\(hit.entryID) v\(hit.version), \(hit.unitID), \(hit.kind)]")
                    print("   \(hit.body)")
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

    enum OutputFormat: String, ExpressibleByArgument {
        case text, json
    }
}
