import Foundation
import HotlineDomain
import Testing

/// What a policy's labelled appeals add to its keywords (`AppealModel`, `ExampleAppeals`):
/// a phrasing no keyword foresaw is judged by the appeals like it, and only a clear verdict
/// redirects or refuses an appeal.
@Suite struct AppealModelTests {
    static let examples: [(line: Int, appeal: LabelledAppeal)] = [
        "楼道里全是黑烟 门把手烫得很 我们一家出不去", "厨房里冒黑烟 火苗窜到天花板了 人在阳台上出不去",
        "隔壁屋里冒出好大的黑烟 听到里面有人喊救命", "仓库那边黑烟滚滚 烧得噼里啪啦响 里面还有工人",
        "楼下的路灯坏了半个月 晚上黑漆漆的 老人出门不方便", "小区门口的水管爆了 水流了一地 请派人来修",
        "家里停水两天了 物业说不清楚原因 请帮忙问问", "楼道的灯坏了好久 上下楼摸黑 麻烦派人修一下",
    ].enumerated().map { index, text in
        (index + 1, LabelledAppeal(text: text, label: index < 4 ? "emergency_fire" : "help"))
    }

    static func learned(margin: Double = 2) throws -> Policy {
        var policy = try Fixtures.changsha()
        policy.examples?.margin = margin
        #expect(policy.learn(from: examples).isEmpty)
        return policy
    }

    @Test func theLabelWhoseAppealsShareTheMostWithTheTextRanksFirst() throws {
        let model = try #require(try Self.learned().model)
        #expect(model.labels == ["emergency_fire", "help"], "only labels with examples, in the policy's order")
        #expect(model.ranking(NormalizedText("黑烟好大 出不去了")).first?.label == "emergency_fire")
        #expect(model.ranking(NormalizedText("路灯坏了 请派人来修")).first?.label == "help")
        let none = model.ranking(NormalizedText("ABC"))
        #expect(none.map(\.label) == ["emergency_fire", "help"] && none[0].logScore == none[1].logScore, "nothing known: a tie, in the policy's order")
    }

    /// 第十三条（二）: an emergency told without any of the fire rule's keywords is still the
    /// 119's, redirected with the rule's reason and article, when the examples are clear.
    @Test func anEmergencyNoKeywordNamesIsRedirectedWhenTheExamplesAreClear() throws {
        let policy = try Self.learned()
        let appeal = Fixtures.event(content: "一股焦糊味 噼里啪啦 门把手烫手")
        var keywordsOnly = try Fixtures.changsha()
        keywordsOnly.examples = nil
        #expect(IntakeDecider(policy: keywordsOnly).decide(appeal, openCases: []).isAccepted, "no keyword matches it")
        let rule = try #require(policy.scope.redirect.first { $0.code == "emergency_fire" })
        #expect(IntakeDecider(policy: policy).decide(appeal, openCases: []) == .redirect(rule))
        let unsure = try Self.learned(margin: 1000)
        #expect(IntakeDecider(policy: unsure).decide(appeal, openCases: []).isAccepted, "below the margin it is accepted, as before")
    }

    /// The margin is between outcomes, not between lines: an emergency the examples put
    /// near both the 119's and the 120's, far above every matter the centre accepts, is
    /// redirected to the likelier line (第十三条（二）), and accepted when another outcome is near.
    @Test func twoEmergencyLinesCloseTogetherStillRedirect() throws {
        var policy = try Fixtures.changsha()
        let medical = ["老人躺在地板上 一动不动 手脚冰凉", "我爸靠在墙边 一动不动 手脚冰凉"]
        let examples = (Self.examples.map(\.appeal) + medical.map { LabelledAppeal(text: $0, label: "emergency_medical") })
            .enumerated().map { (line: $0 + 1, appeal: $1) }
        #expect(policy.learn(from: examples).isEmpty)
        let text = "门把手烫 手脚冰凉"
        var keywordsOnly = try Fixtures.changsha()
        keywordsOnly.examples = nil
        #expect(IntakeDecider(policy: keywordsOnly).decide(Fixtures.event(content: text), openCases: []).isAccepted, "no keyword matches it")
        let ranking = try #require(policy.model?.ranking(NormalizedText(text)))
        let lines = ranking.prefix { $0.label.hasPrefix("emergency_") }
        let rival = try #require(ranking.first { !$0.label.hasPrefix("emergency_") })
        try #require(lines.count == 2)
        let (between, above) = (lines[0].logScore - lines[1].logScore, lines[0].logScore - rival.logScore)
        try #require(between < above, "the two lines are nearer each other than the best accepted label")
        policy.examples?.margin = (between + above) / 2
        let line = try #require(policy.scope.redirect.first { $0.code == lines[0].label })
        #expect(IntakeDecider(policy: policy).decide(Fixtures.event(content: text), openCases: []) == .redirect(line))
        policy.examples?.margin = above + 0.1
        #expect(IntakeDecider(policy: policy).decide(Fixtures.event(content: text), openCases: []).isAccepted, "an accepted label within the margin: accepted")
    }

    /// Keywords still decide first: the examples never overrule a rule's keyword or its exceptions' effect on scope.
    @Test func aKeywordStillDecidesFirst() throws {
        let policy = try Self.learned()
        let rule = try #require(policy.scope.redirect.first { $0.code == "emergency_medical" })
        #expect(IntakeDecider(policy: policy).decide(Fixtures.event(content: "我爸突然晕倒了，叫不醒，快叫救护车"), openCases: []) == .redirect(rule))
    }

    @Test func featuresStayWithinAClauseAndCountOnce() {
        #expect(AppealModel(labels: ["a", "b"], examples: [(NormalizedText("甲，乙"), "a"), (NormalizedText("甲乙"), "b")])
            .ranking(NormalizedText("甲乙甲乙")).first?.label == "b", "the pair 甲乙 is only in b's appeal: a clause break splits it")
    }
}

extension IntakeDecision {
    var isAccepted: Bool {
        if case .accept = self { return true }
        return false
    }
}
