import Crypto
import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// A policy with any problem is refused with the file, the key and the problem
/// (docs/POLICY-FORMAT.md: "Unknown keys are refused").
@Suite struct PolicyLoaderTests {
    /// Writes a changed copy of changsha-2020.yaml as `<name>.yaml` in a fresh directory and loads it.
    /// Loads a changed copy of 长沙's policy, beside its labelled examples (changed by `examples`).
    func loadChanged(
        name: String = "changsha-2020", expectChange: Bool = true, examples: (String) -> String = { $0 }, _ change: (String) -> String
    ) throws -> (error: PolicyFileError?, file: String) {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let file = directory.appendingPathComponent("\(name).yaml").path
        let original = try String(contentsOfFile: Fixtures.changshaPolicyFile, encoding: .utf8)
        let changed = change(original)
        #expect((changed != original) == expectChange, "the change applied")
        try changed.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("examples"), withIntermediateDirectories: true)
        try examples(Repository.text("Ops/policies/examples/changsha-2020.jsonl"))
            .write(to: directory.appendingPathComponent("examples/changsha-2020.jsonl"), atomically: true, encoding: .utf8)
        do {
            _ = try PolicyLoader.load(file: file)
            return (nil, file)
        } catch let error as PolicyFileError {
            return (error, file)
        }
    }

    func refusal(
        name: String = "changsha-2020", expectChange: Bool = true, _ change: (String) -> String
    ) throws -> (keys: [String], description: String, file: String) {
        let (error, file) = try loadChanged(name: name, expectChange: expectChange, change)
        let refused = try #require(error, "the changed policy was accepted")
        #expect(refused.file == file)
        return (refused.problems.map(\.key), refused.description, file)
    }

    @Test func anUnchangedCopyLoads() throws {
        #expect(try loadChanged(expectChange: false) { $0 }.error == nil)
    }

    /// `examples` with one more line, and the policy naming the new file's digest.
    func loadWithExample(_ line: String) throws -> PolicyFileError? {
        let text = try Repository.text("Ops/policies/examples/changsha-2020.jsonl") + line + "\n"
        let digest = Hex.string(Array(SHA256.hash(data: Data(text.utf8))))
        return try loadChanged(examples: { _ in text }) { $0.replacing(#/  sha256: [0-9a-f]{64}/#, with: "  sha256: \(digest)") }.error
    }

    /// The examples a policy learns from are pinned by the digest it names (ExampleAppeals):
    /// an edited file is refused until the policy names the new digest (and a new version).
    @Test func examplesThatDoNotMatchTheirDigestAreRefused() throws {
        let (error, _) = try loadChanged(expectChange: false, examples: { $0 + #"{"content":"路灯坏了","category":"help"}"# + "\n" }) { $0 }
        #expect(error?.problems.map(\.key) == ["examples.sha256"])
        #expect(error?.description.contains("give the policy a new `version`") == true)
        #expect(try loadWithExample(#"{"content":"路灯坏了","category":"help"}"#) == nil, "the same line with its digest loads")
    }

    /// An example whose label the policy does not have, or that is no labelled appeal, is refused with its line.
    @Test func anExampleThePolicyCannotLearnFromIsRefusedWithItsLine() throws {
        let line = try Repository.text("Ops/policies/examples/changsha-2020.jsonl").split(separator: "\n").count + 1
        let unknown = try #require(try loadWithExample(#"{"content":"路灯坏了","category":"opinion"}"#))
        #expect(unknown.problems.map(\.key) == ["examples.file line \(line)"])
        #expect(unknown.description.contains("'opinion' is neither a scope rule nor a category"))
        #expect(try loadWithExample(#"{"content":"路灯坏了"}"#)?.problems.map(\.problem).first?.contains("neither `rule` nor `category`") == true)
        #expect(try loadWithExample("路灯坏了")?.problems.map(\.key) == ["examples.file line \(line)"])
        #expect(try loadWithExample(#"{"content":"，。！","category":"help"}"#)?.problems.map(\.problem) == ["has no text to learn from"])
    }

    @Test func aMissingExamplesFileOrAMarginBelowZeroIsRefused() throws {
        let missing = try #require(try loadChanged { $0.replacingOccurrences(of: "file: examples/changsha-2020.jsonl", with: "file: examples/none.jsonl") }.error)
        #expect(missing.problems.map(\.key) == ["examples.file"])
        let margins = try refusal { $0.replacingOccurrences(of: "  margin: 24\n  category_margin: 3\n", with: "  margin: 0\n  category_margin: -1\n") }
        #expect(margins.keys == ["examples.margin", "examples.category_margin"])
    }

    @Test func anUnknownTopLevelKeyIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "format: 1\n", with: "format: 1\ncolour: blue\n") }
        #expect(result.keys == ["colour"])
        #expect(result.description.contains("\(result.file): colour: unknown key"))
    }

    @Test func aMisspeltNestedKeyIsRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "    keywords: [咨询, 如何办理", with: "    keyword: [咨询, 如何办理")
        }
        #expect(result.keys == ["categories[0].keyword"])
        #expect(result.description.contains(result.file))
    }

    @Test func aDefaultCategoryThatIsNotACategoryIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "default_category: help", with: "default_category: opinion") }
        #expect(result.keys == ["default_category"])
        #expect(result.description.contains("\(result.file): default_category:"))
    }

    @Test func anAliasToAnUnnamedCategoryIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  other: help", with: "  other: opinion") }
        #expect(result.keys == ["category_aliases.other"])
    }

    @Test(arguments: ["1.5", "0", "-0.2"])
    func aSimilarityOutsideZeroToOneIsRefused(value: String) throws {
        let result = try refusal { $0.replacingOccurrences(of: "similarity: 0.6", with: "similarity: \(value)") }
        #expect(result.keys == ["repeat.similarity"])
        #expect(result.description.contains("\(result.file): repeat.similarity:"))
    }

    /// Replaces the keywords of the emergency_fire rule (however many lines they take).
    static func fireKeywords(_ text: String, with replacement: String) -> String {
        let pattern = #"(- code: emergency_fire\n(?:      (?!keywords:).*\n)*)      keywords: \[[^\]]*\]\n"#
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return regex.stringByReplacingMatches(in: text, range: range, withTemplate: "$1" + replacement)
    }

    @Test func aScopeRuleWithAnEmptyKeywordListIsRefused() throws {
        let result = try refusal { Self.fireKeywords($0, with: "      keywords: []\n") }
        #expect(result.keys == ["scope.redirect.emergency_fire.keywords"])
        #expect(result.description.contains("\(result.file): scope.redirect.emergency_fire.keywords:"))
    }

    @Test func aScopeRuleWithoutKeywordsIsRefused() throws {
        let result = try refusal { Self.fireKeywords($0, with: "") }
        // The emergency_fire rule has no keywords key at all. (The decoder's
        // path reads "scope.redirect.[1].keywords"; the unknown-key check writes "categories[0].keyword".)
        #expect(result.keys.count == 1)
        let key = try #require(result.keys.first)
        #expect(key.hasPrefix("scope.redirect") && key.contains("[") && key.hasSuffix("keywords"), "\(key)")
        #expect(result.description.contains(result.file))
    }

    @Test func aRedirectWithoutDestinationIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "      to: \"119\"\n", with: "") }
        #expect(result.keys == ["scope.redirect.emergency_fire.to"])
    }

    @Test func aScopeCodeUsedTwiceIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "- code: emergency_medical", with: "- code: emergency_fire") }
        #expect(result.keys == ["scope.redirect.emergency_fire"])
    }

    @Test func anUnknownCategoryCodeIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  - code: praise\n", with: "  - code: compliment\n") }
        #expect(result.keys.first?.hasPrefix("categories") == true)
    }

    @Test func aPolicyIDThatDoesNotMatchTheFileNameIsRefused() throws {
        let result = try refusal(name: "changsha-2021", expectChange: false) { $0 }
        #expect(result.keys == ["policy"])
        #expect(result.description.contains("changsha-2021"))
    }

    @Test func aMissingFileIsRefusedNamingIt() throws {
        do {
            _ = try PolicyLoader.load(id: "no-such-policy", directory: "/nonexistent")
            Issue.record("a missing policy file loaded")
        } catch let error as PolicyFileError {
            #expect(error.file == "/nonexistent/no-such-policy.yaml")
            #expect(error.description.contains("HOTLINE_POLICY"))
        }
    }

    @Test func aMissingObligationIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  rating-appeal:\n", with: "  rating-apeal:\n") }
        #expect(result.keys.contains("limits.rating-appeal"))
        #expect(result.keys.contains("limits.rating-apeal"))
    }

    @Test func aNegativeOrAmbiguousLimitIsRefused() throws {
        let negative = try refusal { $0.replacingOccurrences(of: "default: {working_days: 2}", with: "default: {working_days: -2}") }
        #expect(negative.keys == ["limits.return-window"])
        let ambiguous = try refusal { $0.replacingOccurrences(of: "default: {working_days: 2}", with: "default: {working_days: 2, hours: 3}") }
        #expect(ambiguous.description.contains("exactly one of"))
    }

    @Test func aCategoryLimitForACategoryThePolicyLacksIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "      consultation: {working_days: 3}", with: "      opinion: {working_days: 3}") }
        #expect(result.keys == ["limits.handling.by_category.opinion"])
    }

    @Test func loadByIDFindsTheShippedPolicy() throws {
        let policy = try PolicyLoader.load(id: "changsha-2020", directory: Repository.path("Ops/policies"))
        #expect(policy.title == "长沙市12345政务热线运行管理办法")
        #expect(policy.version.hasPrefix("2020."))
    }
}
