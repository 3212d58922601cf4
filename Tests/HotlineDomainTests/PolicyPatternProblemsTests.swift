import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Bad input gets: a policy whose patterns are malformed is refused (by the loader, so at
/// start-up and by `hotline policy check`) with the rule and the problem.
@Suite struct PolicyPatternProblemsTests {
    func refusal(replacing original: String, with replacement: String) throws -> PolicyFileError? {
        let text = try String(contentsOfFile: Fixtures.changshaPolicyFile, encoding: .utf8)
        #expect(text.contains(original))
        do {
            _ = try PolicyLoader.parse(text.replacingOccurrences(of: original, with: replacement), origin: "changsha-2020.yaml")
            return nil
        } catch let error as PolicyFileError {
            return error
        }
    }

    @Test func aMalformedScopePatternNamesTheRuleAndTheProblem() throws {
        let error = try #require(try refusal(replacing: "法官, 检察院", with: "\"(法官|\", 检察院"))
        #expect(error.problems.contains { $0.key == "scope.not_accepted.courts_procuratorate.keywords[5]" && $0.problem.contains("unbalanced parentheses") },
                "\(error)")
    }

    @Test func aMalformedExceptionCategoryKeywordAndCategoryNameAreRefused() throws {
        let except = try #require(try refusal(replacing: "\"(才有人|才来|才出来|已经出来|被救出)\"", with: "\"才有人~\""))
        #expect(except.problems.contains { $0.key == "scope.redirect.emergency_fire.except[3]" && $0.problem.contains("nothing on one side") }, "\(except)")
        let category = try #require(try refusal(replacing: "keywords: [咨询, 如何办理", with: "keywords: [\"咨询，办理\", 如何办理"))
        #expect(category.problems.contains { $0.key == "categories[0].keywords[0]" && $0.problem.contains("clause punctuation") }, "\(category)")
        let name = try #require(try refusal(replacing: "names: [请问, 想问,", with: "names: [请问, \"(想问|)\","))
        #expect(name.problems.contains { $0.key == "categories[0].names[1]" && $0.problem.contains("empty alternative") }, "\(name)")
    }

    @Test func aSynonymGroupOfOneWordOrAWordInTwoGroupsIsRefused() throws {
        let single = try #require(try refusal(replacing: "  - [驾驶证, 驾照]", with: "  - [驾驶证]"))
        #expect(single.problems.contains { $0.key.hasPrefix("synonyms[") && $0.problem.contains("at least one other") }, "\(single)")
        let twice = try #require(try refusal(replacing: "  - [出租车, 打车]", with: "  - [出租车, 驾照]"))
        #expect(twice.problems.contains { $0.problem.contains("belongs to one group") }, "\(twice)")
    }

    @Test func aColloquialGroupOfOneWordIsRefused() throws {
        let single = try #require(try refusal(replacing: "  - [知道, 晓得]", with: "  - [知道]"))
        #expect(single.problems.contains { $0.key.hasPrefix("colloquial[") && $0.problem.contains("at least one other") }, "\(single)")
    }
}
