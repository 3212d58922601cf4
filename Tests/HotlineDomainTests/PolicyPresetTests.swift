import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// The five shipped policies (DESIGN.md: one product for five regulations "by
/// configuration, never by forks").
@Suite struct PolicyPresetTests {
    static let files = Repository.files(in: "Ops/policies", suffix: ".yaml")

    func load(_ file: String) throws -> Policy {
        try PolicyLoader.load(file: Repository.path("Ops/policies/\(file)"))
    }

    @Test func theFiveExpectedPoliciesShip() {
        #expect(Self.files.map { String($0.dropLast(5)) } == [
            "bairin-left-banner", "changsha-2020", "lanxi-2010", "ordos-2019", "yibin-2007",
        ])
    }

    @Test(arguments: files)
    func loadsWithoutProblems(file: String) throws {
        let policy = try load(file)
        #expect(policy.problems().isEmpty)
        #expect(policy.policy == String(file.dropLast(5)), "policy must equal the file name")
        #expect(policy.format == 1)
        #expect(!policy.version.isEmpty)
        #expect(policy.seed.hasSuffix(".txt"))
    }

    @Test(arguments: files)
    func aliasesAndDefaultPointAtNamedCategories(file: String) throws {
        let policy = try load(file)
        let named = Set(policy.categories.map(\.code))
        #expect(named.contains(policy.defaultCategory))
        for (alias, target) in policy.categoryAliases {
            #expect(named.contains(target), "\(alias.rawValue) → \(target.rawValue) is not a category of \(file)")
            #expect(!named.contains(alias), "\(alias.rawValue) is both a category and an alias in \(file)")
        }
        // Whatever category an adapter sends, the policy keeps it or folds it: none is dropped
        // to text classification.
        for code in CategoryCode.allCases {
            #expect(named.contains(code) || policy.categoryAliases[code] != nil, "\(file) neither names nor folds \(code.rawValue)")
        }
    }

    @Test(arguments: files)
    func emergencyLinesAreRedirected(file: String) throws {
        // DESIGN.md: redirected (110/119/120/122 emergencies); 长沙 第十三条（二）, 鄂尔多斯 第十八条（一）.
        let policy = try load(file)
        let lines = Set(policy.scope.redirect.compactMap(\.to))
        #expect(lines.isSuperset(of: ["110", "119", "120", "122"]), "\(file) redirects to \(lines.sorted())")
    }

    @Test(arguments: files)
    func everyRuleQuotesAnArticleAndSaysSomethingToTheCaller(file: String) throws {
        let policy = try load(file)
        for rule in policy.scope.redirect + policy.scope.notAccepted {
            #expect(!rule.article.isEmpty && !rule.reason.isEmpty && !rule.keywords.isEmpty, "\(file): \(rule.code)")
        }
        #expect(!policy.repeat.article.isEmpty)
        #expect(policy.repeat.similarity > 0 && policy.repeat.similarity <= 1)
    }

    @Test(arguments: files)
    func noKeywordBelongsToTwoCategories(file: String) throws {
        // Otherwise the outcome of classification would depend on list order, not on the text.
        let policy = try load(file)
        var owner: [String: CategoryCode] = [:]
        for rule in policy.categories {
            for keyword in Set(rule.keywords + rule.names) {
                if let first = owner[keyword] {
                    Issue.record("\(file): \(keyword) is a keyword of both \(first.rawValue) and \(rule.code.rawValue)")
                }
                owner[keyword] = rule.code
            }
        }
    }

    /// The category labels in DESIGN.md's table of where the seeds differ.
    @Test(arguments: [
        ("changsha-2020", ["咨询", "求助", "投诉", "举报", "建议", "表扬", "批评"]),
        ("bairin-left-banner", ["咨询", "求助", "投诉", "举报", "意见建议"]),
        ("ordos-2019", ["咨询", "求助", "投诉", "举报", "意见建议"]),
        ("lanxi-2010", ["咨询", "意见建议", "投诉", "批评"]),
        ("yibin-2007", ["投诉", "求助", "建议", "咨询", "举报", "意见", "其它"]),
    ])
    func categoriesAreTheRegulationsOwn(id: String, labels: [String]) throws {
        let policy = try load("\(id).yaml")
        #expect(policy.categories.map(\.label) == labels)
        #expect(policy.label(of: policy.categories[0].code) == labels[0])
    }
}
