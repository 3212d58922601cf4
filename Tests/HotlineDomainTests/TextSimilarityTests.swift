import HotlineDomain
import Testing

/// Repeat detection compares character bigrams (鄂尔多斯 第十八条（四）repeat calls → urge;
/// 长沙 第十三条（六）).
@Suite struct TextSimilarityTests {
    let text = "望月湖小区东门外的道路施工每天晚上十一点以后还在用破碎机作业，噪音很大。"

    @Test func identicalTextsScoreOne() {
        #expect(TextSimilarity.overlap(text, text) == 1)
    }

    @Test func aRepeatPrefixedWithZaiCiFanYingScoresNearOne() {
        #expect(TextSimilarity.overlap("再次反映：" + text, text) >= 0.9)
        #expect(TextSimilarity.overlap(text, "再次反映：" + text) >= 0.9)
    }

    @Test func unrelatedTextsScoreLow() {
        let other = "请问新生儿落户需要准备哪些材料，能否在网上办理？"
        #expect(TextSimilarity.overlap(text, other) < 0.3)
        #expect(TextSimilarity.overlap("小区门口垃圾桶满了三天没人清运", text) < 0.3)
    }

    @Test func isSymmetric() {
        let other = "东门外道路施工噪音很大，请处理"
        #expect(TextSimilarity.overlap(text, other) == TextSimilarity.overlap(other, text))
    }

    @Test func whitespaceAndPunctuationAreIgnored() {
        #expect(TextSimilarity.overlap("噪音 扰民。", "噪音扰民") == 1)
        #expect(TextSimilarity.overlap("噪音，\n扰民！", "噪音扰民") == 1)
    }

    @Test func tooShortTextsScoreZero() {
        #expect(TextSimilarity.overlap("", text) == 0)
        #expect(TextSimilarity.overlap("噪", text) == 0)
        #expect(TextSimilarity.overlap("。。。", "。。。") == 0)
    }
}
