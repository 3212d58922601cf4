import Foundation
import HotlineDomain
import Testing

/// The text pipeline every rule that reads an appeal shares (issue 18): normalisation,
/// patterns with bounded gaps and alternatives, negation, and bad input of any script.
@Suite struct TextPipelineTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool {
        try TextPattern(pattern).matches(NormalizedText(text))
    }

    @Test func fullWidthTraditionalAndSpacedTextMeetsThePolicysWords() throws {
        #expect(NormalizedText("ＫＴＶ１２３").readable == "ktv123")
        #expect(try matches("着火", "楼 下 着 火 了"), "speech-to-text spaces inside words")
        #expect(try matches("着火", "楼下着·火了"))
        #expect(try matches("电梯困人", "電梯困人了"), "traditional characters")
        #expect(try matches("法院判决", "法院判決"))
        #expect(NormalizedText("9:00至18:00，请储水。").readable == "9:00至18:00，请储水")
    }

    /// 长沙 第十三条（七） keeps court matters out; the caller splits 法院判决 (the issue's example).
    @Test func aGapBetweenThePartsOfAPhraseIsBounded() throws {
        let pattern = "法院~判决"
        #expect(try matches(pattern, "法院去年判决我败诉"))
        #expect(try matches(pattern, "我要求你们撤销法院的判决"))
        #expect(try !matches(pattern, "法院门口的路灯坏了三个多月了一直没人来修，判决"), "more than 8 characters apart")
        #expect(try !matches(pattern, "我去过法院，判决还没下来"), "never across a clause")
        #expect(try matches("被~(车|人)~撞", "我被一辆车撞了"))
        #expect(try matches("被(车|人)撞", "被人撞了"))
        #expect(try !matches("被(车|人)撞", "被一辆车撞了"), "alternatives sit inside their part")
    }

    /// 「不是火灾」: a denied keyword does not fire; a question (是不是) does.
    @Test func negationFlipsAMatch() throws {
        #expect(try !matches("着火", "不是着火，是烧烤店油烟太大"))
        #expect(try !matches("被车撞", "我没有被车撞，只是想问理赔"))
        #expect(try matches("着火", "楼下是不是着火了，好大的烟"))
        #expect(try matches("着火", "没想到楼下着火了"), "没 three characters before is no negation")
        #expect(try matches("冒浓烟", "不停地冒浓烟"), "a bare 不 negates only right before")
        #expect(try !matches("漏水", "水管不漏水了"))
    }

    @Test func theFirstRuleThatAppliesOutsideItsExceptionsWins() throws {
        let policy = try Fixtures.changsha()
        let scope = ScopeMatcher(policy: policy)
        let court = scope.notAccepted(NormalizedText("法院去年判决我败诉，判决不公，我要求你们撤销法院的判决，重新审理我的案子"))
        #expect(court?.rule.code == "courts_procuratorate" && court?.rule.article == "第十三条（七）")
        #expect(court?.match.matched == "法院去年判决", "operators see the words that applied the rule")
        #expect(scope.redirect(NormalizedText("请问交通事故的责任认定书去哪里领")) == nil, "an exception in the clause")
        #expect(scope.redirect(NormalizedText("刚才路口两辆车相撞了"))?.rule.to == "122")
        #expect(scope.redirect(NormalizedText("不是火灾，是邻居烧纸")) == nil)
    }

    @Test func aCallerNamingTheCategoryCountsTwice() throws {
        let classifier = CategoryClassifier(policy: try Fixtures.changsha())
        // 表扬 (the label, 2) against 加装 (suggestion, 1).
        #expect(classifier.classify(given: nil, text: "想表扬一下社区书记，帮我们楼加装电梯").0 == .praise)
        #expect(classifier.classify(given: nil, text: "我不是投诉，请问公积金怎么取").0 == .consultation)
    }

    /// Bad input gets: text in any script the intake decoder accepts is matched without crashing.
    @Test(arguments: [
        "", " ", "\u{0}\u{1}\u{7F}", "🔥🔥🔥着火了🔥", "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ 着火", "བོད་ཡིག", "ئۇيغۇرچە ئوت", "한국어 불이야",
        "e\u{301}\u{301}\u{301}", "\u{202E}火着\u{202C}", "𠀀𠀁𪚥", String(repeating: "，", count: 5000),
        String(repeating: "法院", count: 20_000), "\u{FEFF}法院\u{200B}判决", "ｆｉｒｅ　着　火",
    ])
    func anyScriptIsMatchedWithoutCrashing(text: String) throws {
        let policy = try Fixtures.changsha()
        let decider = IntakeDecider(policy: policy)
        _ = decider.decide(Fixtures.event(content: text), openCases: [])
        _ = TextSimilarity.overlap(text, text)
        _ = KnowledgeTerms.of(text)
        let search = KnowledgeSearch(entries: try LabelledSet.knowledgeEntries(), synonyms: policy.synonyms)
        let result = search.search(text, limit: 3)
        #expect(result.hits.count <= 3)
    }

    @Test(arguments: [
        ("法院~", "with nothing on one side"), ("~判决", "with nothing on one side"), ("法院~~判决", "with nothing on one side"),
        ("(法院|法官", "unbalanced"), ("法院)", "unbalanced"), ("((法院))", "nests"), ("法院|法官", "outside parentheses"),
        ("(法院|)判决", "empty alternative"), ("着火，了", "clause punctuation"), ("！！", "no letters"),
        ("(甲|乙|丙|丁)(甲|乙|丙|丁)(甲|乙|丙|丁)(甲|乙|丙|丁)(甲|乙)", "phrases"),
    ])
    func aMalformedPatternIsRefusedWithTheProblem(pattern: String, problem: String) {
        #expect {
            _ = try TextPattern(pattern)
        } throws: { error in
            "\(error)".contains(problem)
        }
    }

    @Test func synonymsReadAsTheEntriesWord() {
        let synonyms = Synonyms(groups: [["驾驶证", "驾照"], ["水费", "自来水的钱"]])
        #expect(synonyms.canonical(NormalizedText("驾照到期")).readable == "驾驶证到期")
        #expect(synonyms.canonical(NormalizedText("自来水的钱怎么交")).readable == "水费怎么交")
    }

    @Test func knowledgeSearchShowsTheMatchedTermsAndSaysWhenNothingFits() throws {
        let search = KnowledgeSearch(entries: try LabelledSet.knowledgeEntries(), synonyms: try Fixtures.changsha().synonyms)
        let water = search.search("芙蓉区23号停水到几点", limit: 3)
        #expect(water.confident && water.hits.first?.entry.entryID == "water-cut-furong-1023")
        #expect(water.hits.first?.matchedTerms.contains("停水") == true)
        let passport = search.search("港澳通行证怎么续签", limit: 3)
        #expect(!passport.confident, "长沙 第十六条（一）: no entry answers it; dispatched or replied, never closed from a wrong entry")
    }

    /// Intake's added CPU per appeal for the text pipeline (normalise, scope, category), printed only.
    @Test func cpuPerAppealIsPrinted() throws {
        let decider = IntakeDecider(policy: try Fixtures.changsha())
        let appeals = try LabelledSet.appeals("tuning").map { Fixtures.event(content: $0.content, subject: $0.subject, externalID: $0.id) }
        let clock = ContinuousClock()
        let rounds = 20
        let elapsed = clock.measure {
            for _ in 0..<rounds { for appeal in appeals { _ = decider.decide(appeal, openCases: []) } }
        }
        let perAppeal = Double(elapsed.components.attoseconds) / 1e12 / Double(rounds * appeals.count) + Double(elapsed.components.seconds) * 1e6 / Double(rounds * appeals.count)
        print("text pipeline: \(String(format: "%.1f", perAppeal)) µs per appeal (debug build, \(rounds * appeals.count) decisions)")
    }
}
