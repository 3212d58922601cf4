import Foundation
import HotlineDomain
import Testing

/// Category rules of 长沙 (categories 咨询 求助 投诉 举报 建议 表扬 批评, 第十九条 and 第十二条（三）),
/// loaded from the real Ops/policies/changsha-2020.yaml.
@Suite struct CategoryClassifierTests {
    let classifier: CategoryClassifier

    init() throws {
        classifier = CategoryClassifier(policy: try Fixtures.changsha())
    }

    @Test func aCategoryThePolicyNamesIsKept() {
        // The adapter's category wins even when the text says something else.
        let (category, source) = classifier.classify(given: .complaint, text: "请问如何办理居住证")
        #expect(category == .complaint)
        #expect(source == .event)
        #expect(classifier.classify(given: .praise, text: "").0 == .praise)
    }

    @Test func aCategoryThePolicyFoldsFollowsTheAlias() {
        // 长沙 names 建议 but not 意见 (第十九条（二）"建议类事项"): opinion → suggestion.
        let (category, source) = classifier.classify(given: .opinion, text: "投诉噪音扰民")
        #expect(category == .suggestion)
        #expect(source == .alias)
        let other = classifier.classify(given: .other, text: "")
        #expect(other.0 == .help)
        #expect(other.1 == .alias)
    }

    @Test func aConsultationText() {
        // 第十九条（一）咨询类事项
        let (category, source) = classifier.classify(given: nil, text: "请问在长沙如何办理居住证？")
        #expect(category == .consultation)
        #expect(source == .text)
    }

    @Test func aComplaintText() {
        let (category, source) = classifier.classify(given: nil, text: "楼下KTV每晚噪音扰民，严重影响休息，我要投诉。")
        #expect(category == .complaint)
        #expect(source == .text)
    }

    @Test func aPraiseText() {
        // 第十二条（三）表扬
        let (category, source) = classifier.classify(given: nil, text: "感谢社区工作人员耐心细致地帮我办好了手续，特此表扬。")
        #expect(category == .praise)
        #expect(source == .text)
    }

    @Test func aReportAndACriticismText() {
        #expect(classifier.classify(given: nil, text: "举报小区旁边有黑作坊生产地沟油").0 == .report)
        #expect(classifier.classify(given: nil, text: "窗口工作人员态度恶劣，上班时间玩手机").0 == .criticism)
    }

    @Test func noKeywordGivesTheDefaultCategory() {
        let (category, source) = classifier.classify(given: nil, text: "今天天气不错")
        #expect(category == .help)
        #expect(source == .default)
        #expect(classifier.classify(given: nil, text: "").1 == .default)
    }

    @Test func theCategoryWithMostDistinctKeywordsWins() {
        // complaint: 投诉 (once, however often repeated); suggestion: 建议 + 增设 → suggestion.
        #expect(classifier.classify(given: nil, text: "投诉投诉投诉，建议增设路灯").0 == .suggestion)
    }

    @Test func tiesGoToTheCategoryListedFirst() {
        // One consultation keyword (请问) and one complaint keyword (噪音): 咨询 is listed first.
        #expect(classifier.classify(given: nil, text: "请问噪音").0 == .consultation)
        // Reversed order in the text does not matter.
        #expect(classifier.classify(given: nil, text: "噪音请问").0 == .consultation)
    }

    @Test func aCategoryNeitherNamedNorAliasedIsClassifiedFromTheText() throws {
        var policy = try Fixtures.changsha()
        policy.categories = [
            .init(code: .complaint, label: "投诉", article: "一", keywords: ["投诉"]),
            .init(code: .help, label: "求助", article: "二", keywords: ["求助"]),
        ]
        policy.defaultCategory = .help
        policy.categoryAliases = [:]
        let tiny = CategoryClassifier(policy: policy)
        let byText = tiny.classify(given: .praise, text: "我要投诉")
        #expect(byText.0 == .complaint)
        #expect(byText.1 == .text)
        let byDefault = tiny.classify(given: .praise, text: "没有关键词")
        #expect(byDefault.0 == .help)
        #expect(byDefault.1 == .default)
    }
}
