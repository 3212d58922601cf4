import Foundation
import HotlineWorkers
import Testing

/// The topics whose `topic.yaml` requires a `hotline-signature` header (docs/CONTRACTS.md
/// "Signed messages") are exactly those the workers verify (`TopicName.signed`): a topic
/// documented as signed but not verified would let anyone act as anyone on it, and one
/// verified but not documented would dead-letter every adapter that followed its contract.
struct SignedTopicsTests {
    @Test func theTopicFilesDeclareExactlyTheTopicsTheWorkersVerify() throws {
        var declared: Set<String> = []
        for topic in Repository.files(in: "Topics") where FileManager.default.fileExists(atPath: Repository.path("Topics/\(topic)/topic.yaml")) {
            let lines = try Repository.text("Topics/\(topic)/topic.yaml").split(separator: "\n", omittingEmptySubsequences: false)
            guard let header = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("hotline-signature:") }) else { continue }
            let description = lines[header...].dropFirst().prefix { $0.hasPrefix("    ") }.joined(separator: " ")
            if description.trimmingCharacters(in: .whitespaces).hasPrefix("required") { declared.insert(topic) }
        }
        #expect(declared == TopicName.signed)
        #expect(declared.count == 4, "unit actions, centre actions, callback results and knowledge")
    }
}
