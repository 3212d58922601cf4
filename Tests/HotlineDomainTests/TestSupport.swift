import Foundation
import HotlineDomain
import HotlineWorkers

/// Paths inside the repository, found from this file: Tests/HotlineDomainTests/<file> is
/// three levels below the root.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/HotlineDomainTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// Names of the files in a repository folder, sorted; empty when the folder is missing
    /// (every parameterised test over such a list has a companion test that it is not empty).
    static func files(in relative: String, prefix: String = "", suffix: String = "") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path(relative))) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.sorted()
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }
}

enum Fixtures {
    static let changshaPolicyFile = Repository.path("Ops/policies/changsha-2020.yaml")
    static let changshaRoutingFile = Repository.path("Ops/routing/changsha.yaml")

    static func changsha() throws -> Policy {
        try PolicyLoader.load(file: changshaPolicyFile)
    }

    static func changshaRouter() throws -> Router {
        try RoutingLoader.load(file: changshaRoutingFile)
    }

    /// 2026-10-09T10:15:00+08:00.
    static let receivedAt = Date(timeIntervalSince1970: 1_791_512_100)

    static func event(
        content: String, subject: String? = nil, category: CategoryCode? = nil, areaCode: String? = nil,
        refersToCase: String? = nil, externalID: String = "CALL-1", phone: String? = "13874812345"
    ) -> IntakeEvent {
        IntakeEvent(
            eventID: "test-event-\(externalID)", channel: .phone, externalID: externalID, receivedAt: receivedAt,
            caller: Caller(phone: phone), subject: subject, content: content, category: category,
            areaCode: areaCode, urgent: false, refersToCase: refersToCase)
    }

    /// A temporary directory, removed by the caller with `cleanUp`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}
