import Foundation
import Testing

/// DESIGN.md: "A worker's decision logic is a pure function of (event, current state,
/// policy, clock)… Kafka and PostgreSQL code lives in adapter modules, never inside the rules."
@Suite struct DomainPurityTests {
    static let files = Repository.files(in: "Sources/HotlineDomain", suffix: ".swift")

    static let forbidden = [
        "Date()": "reads the wall clock; time comes in as a value",
        "Date.now": "reads the wall clock; time comes in as a value",
        "import PostgresNIO": "PostgreSQL belongs in HotlinePostgres",
        "import HotlinePostgres": "PostgreSQL belongs in HotlinePostgres",
        "import CRdKafka": "Kafka belongs in HotlineKafka",
        "import HotlineKafka": "Kafka belongs in HotlineKafka",
        "import HotlineWorkers": "the domain must not depend on the workers",
        "import NIO": "no networking in the rules",
        "import Yams": "files are read by the loaders in HotlineWorkers",
        "FileManager": "no file system access in the rules",
        "ProcessInfo": "no environment access in the rules",
        "URLSession": "no networking in the rules",
    ]

    @Test func theDomainHasSources() {
        #expect(Self.files.count >= 10)
        #expect(Self.files.contains("IntakeDecider.swift"))
    }

    @Test(arguments: files)
    func hasNoIO(file: String) throws {
        let text = try Repository.text("Sources/HotlineDomain/\(file)")
        for (needle, why) in Self.forbidden.sorted(by: { $0.key < $1.key }) {
            #expect(!text.contains(needle), "\(file) contains \(needle): \(why)")
        }
    }

    @Test func theManifestGivesTheDomainNoDependencies() throws {
        let manifest = try Repository.text("Package.swift")
        #expect(manifest.contains(#".target(name: "HotlineDomain")"#))
    }
}
