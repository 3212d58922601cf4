import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Intake decisions with the real 长沙 policy: redirects, matters not accepted, repeats
/// of an open case, and acceptance, in that order.
@Suite struct IntakeDeciderTests {
    let policy: Policy
    let decider: IntakeDecider

    init() throws {
        policy = try Fixtures.changsha()
        decider = IntakeDecider(policy: policy)
    }

    static let originalComplaint = "望月湖小区东门外的道路施工每天晚上十一点以后还在用破碎机作业，噪音很大，家里老人和小孩都没法休息。"

    func openCase(
        _ number: String = "20261001-000017", category: CategoryCode = .complaint,
        area: String? = "430104007", text: String = IntakeDeciderTests.originalComplaint
    ) -> OpenCaseCandidate {
        OpenCaseCandidate(caseID: UUID(), caseNumber: number, category: category, areaCode: area, text: text)
    }

    // MARK: Redirects — 长沙 第十三条（二）"应由110、119、120、122等紧急服务专线处理的事项"

    @Test func aFireIsRedirectedTo119() throws {
        let decision = decider.decide(Fixtures.event(content: "我家楼下的餐馆着火了，火势很大，浓烟往楼上冒！"), openCases: [])
        guard case let .redirect(rule) = decision else { Issue.record("expected a redirect, got \(decision)"); return }
        #expect(rule.to == "119")
        #expect(rule.article == "第十三条（二）")
        #expect(rule.reason.contains("119"))
    }

    @Test func aTrafficAccidentIsRedirectedTo122() {
        let decision = decider.decide(Fixtures.event(content: "芙蓉路和五一大道路口刚发生交通事故，两辆车相撞了"), openCases: [])
        guard case let .redirect(rule) = decision else { Issue.record("expected a redirect, got \(decision)"); return }
        #expect(rule.to == "122")
    }

    @Test func anEmergencyInTheSubjectAlsoRedirects() {
        let event = Fixtures.event(content: "请尽快派人过来", subject: "小区电梯困人")
        // 电梯困人 is a 119 keyword; the rules look at subject and content.
        guard case let .redirect(rule) = decider.decide(event, openCases: []) else { Issue.record("expected a redirect"); return }
        #expect(rule.to == "119")
    }

    @Test func anEmergencyWinsOverEverythingElse() {
        // 鄂尔多斯 第十八条（一）emergencies first: even a caller naming an open case, with an
        // out-of-scope keyword (信访) and a category, is sent to 119.
        let event = Fixtures.event(
            content: "上次信访的那栋楼现在着火了", category: .complaint, areaCode: "430104007",
            refersToCase: "20261001-000017")
        guard case let .redirect(rule) = decider.decide(event, openCases: [openCase()]) else {
            Issue.record("expected a redirect"); return
        }
        #expect(rule.to == "119")
    }

    // MARK: Not accepted — 长沙 第十三条

    @Test func suingInCourtIsNotAccepted() {
        // 第十三条（五）"已经或应当通过诉讼、仲裁、行政复议、信访、信息公开等途径受理或办理的事项"; 提起诉讼 is a keyword.
        let decision = decider.decide(Fixtures.event(content: "我已经对开发商提起诉讼，想让热线催一下进度"), openCases: [])
        guard case let .notAccept(rule) = decision else { Issue.record("expected not accepted, got \(decision)"); return }
        #expect(rule.article == "第十三条（五）")
        #expect(rule.keywords.contains("提起诉讼"))
        #expect(rule.to == nil)
        #expect(!rule.reason.isEmpty)
    }

    @Test func anotherCityIsOutsideTheJurisdiction() {
        // 第十三条（一）"不属于长沙市行政职权管辖范围的事项"
        guard case let .notAccept(rule) = decider.decide(Fixtures.event(content: "株洲市某小区门口的路灯坏了"), openCases: []) else {
            Issue.record("expected not accepted"); return
        }
        #expect(rule.article == "第十三条（一）")
    }

    @Test func notAcceptedRulesApplyInFileOrder() {
        // 党委 (第十三条（一）, party affairs) is listed before 信访 (第十三条（五）).
        guard case let .notAccept(rule) = decider.decide(Fixtures.event(content: "党委的问题我去信访过"), openCases: []) else {
            Issue.record("expected not accepted"); return
        }
        #expect(rule.keywords.contains("党委"))
        #expect(rule.article == "第十三条（一）")
        let order = policy.scope.notAccepted.map(\.article)
        #expect(order.firstIndex(of: "第十三条（一）")! < order.firstIndex(of: "第十三条（五）")!)
    }

    // MARK: Repeats — 鄂尔多斯 第十八条（四）"对已经受理，尚在办理期限内的重复来电…视情况催办"; 长沙 第十三条（六）

    @Test func aRepeatOfAnOpenCaseIsMerged() {
        let open = openCase()
        let event = Fixtures.event(content: "再次反映：" + Self.originalComplaint, category: .complaint, areaCode: "430104007")
        #expect(decider.decide(event, openCases: [open]) == .merge(into: open, category: .complaint))
        #expect(policy.repeat.article == "第十三条（六）")
    }

    /// 兰溪 四.5 「来电人要求过高，对处理结果仍不满意的，可视为办结，不再受理重复来电」: a repeat
    /// of a case the centre closed as an excessive demand is not accepted, even when the
    /// caller names it; 长沙 has no such rule, so there the closed case is no candidate.
    @Test func aRepeatOfACaseClosedAsAnExcessiveDemandIsNotAcceptedInLanxi() throws {
        let lanxi = IntakeDecider(policy: try PolicyLoader.load(file: Repository.path("Ops/policies/lanxi-2010.yaml")))
        var closed = openCase(category: .complaint)
        closed.repeatBlocked = true
        let event = Fixtures.event(content: "再次反映：" + Self.originalComplaint, category: .complaint, areaCode: "430104007")
        for repeatCall in [event, Fixtures.event(content: "还是那件事", category: .complaint, refersToCase: closed.caseNumber)] {
            guard case let .notAccept(rule) = lanxi.decide(repeatCall, openCases: [closed]) else {
                Issue.record("expected not accepted, got \(lanxi.decide(repeatCall, openCases: [closed]))")
                continue
            }
            #expect(rule.code == "closed_excessive_demand" && rule.article == "四.5")
        }
        guard case .accept = decider.decide(event, openCases: [closed]) else { Issue.record("长沙 has no 四.5: a new case"); return }
    }

    @Test func aRepeatWithoutCategoryIsMergedWhenTheTextClassifiesTheSame() {
        let open = openCase()
        let event = Fixtures.event(content: "再次反映：" + Self.originalComplaint, areaCode: "430104007")
        // 噪音 classifies the text as complaint, the open case's category.
        #expect(decider.decide(event, openCases: [open]) == .merge(into: open, category: .complaint))
    }

    @Test func theSameTextInAnotherAreaIsANewCase() {
        let event = Fixtures.event(content: "再次反映：" + Self.originalComplaint, category: .complaint, areaCode: "430104001")
        #expect(decider.decide(event, openCases: [openCase()]) == .accept(category: .complaint, source: .event))
    }

    @Test func theSameTextInAnotherCategoryIsANewCase() {
        let event = Fixtures.event(content: "再次反映：" + Self.originalComplaint, category: .suggestion, areaCode: "430104007")
        #expect(decider.decide(event, openCases: [openCase()]) == .accept(category: .suggestion, source: .event))
    }

    @Test func aDifferentMatterOfTheSameCallerIsANewCase() {
        let event = Fixtures.event(content: "小区门口垃圾桶满了三天没人清运，臭味很大。", category: .complaint, areaCode: "430104007")
        #expect(decider.decide(event, openCases: [openCase()]) == .accept(category: .complaint, source: .event))
    }

    @Test func namingAnOpenCaseMergesEvenWithADifferentText() {
        let open = openCase("20260926-000318")
        let event = Fixtures.event(
            content: "工单号20260926-000318的事情到现在还没有人联系我。", category: .help, areaCode: "430102001",
            refersToCase: "20260926-000318")
        // Linked to the named case, in that case's category.
        #expect(decider.decide(event, openCases: [openCase("20261001-000001"), open]) == .merge(into: open, category: .complaint))
    }

    @Test func namingACaseThatIsNotOpenDoesNotMerge() {
        let event = Fixtures.event(content: "工单号20250101-000001的事情又出现了，门口又在乱收费。", category: .complaint,
                                   areaCode: "430104007", refersToCase: "20250101-000001")
        #expect(decider.decide(event, openCases: [openCase()]) == .accept(category: .complaint, source: .event))
    }

    @Test func theMostSimilarOpenCaseWinsAndTiesGoToTheOlderCase() {
        // A shorter retelling of the same matter: similar enough to merge on its own, but
        // less similar than the two exact copies.
        let weaker = openCase("20261001-000001", text: "望月湖小区东门外道路施工噪音很大")
        let newer = openCase("20261003-000009")
        let older = openCase("20261002-000004")
        let event = Fixtures.event(content: "再次反映：" + Self.originalComplaint, category: .complaint, areaCode: "430104007")
        let weakerScore = TextSimilarity.overlap(event.text, weaker.text)
        #expect(weakerScore >= policy.repeat.similarity && weakerScore < 1)
        #expect(decider.decide(event, openCases: [weaker]) == .merge(into: weaker, category: .complaint))
        // Both copies score 1 and beat the weaker one; of the two, the lower case number (the older case) wins.
        #expect(decider.decide(event, openCases: [weaker, newer, older]) == .merge(into: older, category: .complaint))
        #expect(decider.decide(event, openCases: [older, newer, weaker]) == .merge(into: older, category: .complaint))
    }

    @Test func belowTheSimilarityThresholdIsANewCase() {
        // Same category and area, a text sharing only a little with the open case.
        let event = Fixtures.event(content: "小区门口道路施工围挡占用人行道，老人出行很不方便。", category: .complaint, areaCode: "430104007")
        let score = TextSimilarity.overlap(event.text, Self.originalComplaint)
        #expect(score < policy.repeat.similarity)
        #expect(decider.decide(event, openCases: [openCase()]) == .accept(category: .complaint, source: .event))
    }

    // MARK: Acceptance

    @Test func anOrdinaryAppealIsAcceptedWithItsCategorySource() {
        #expect(decider.decide(Fixtures.event(content: "请问新生儿落户需要哪些材料？"), openCases: [])
            == .accept(category: .consultation, source: .text))
        var keywordsOnly = policy
        keywordsOnly.examples = nil
        #expect(IntakeDecider(policy: keywordsOnly).decide(Fixtures.event(content: "有件事想反映一下"), openCases: [])
            == .accept(category: .help, source: .default), "no keyword and no examples: the default category")
        #expect(decider.decide(Fixtures.event(content: "有件事想反映一下", category: .opinion), openCases: [])
            == .accept(category: .suggestion, source: .alias))
    }
}
