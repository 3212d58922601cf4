import HotlineDomain
import Testing

/// The caller's phone number is how intake finds the caller's open cases (the phone
/// index), so a repeat call is linked and urged (鄂尔多斯 第十八条（四）"对已经受理，尚在办理期限内的
/// 重复来电…视情况催办") instead of opening a second case.
@Suite struct CallerTests {
    @Test func dashesAndSpacingDoNotMakeAnotherCaller() {
        #expect(Caller(phone: "138-0000-1111").normalizedPhone == "13800001111")
        #expect(Caller(phone: "13800001111").normalizedPhone == "13800001111")
        #expect(Caller(phone: "0731-88123456").normalizedPhone == "073188123456")
    }

    @Test func noPhoneMeansNoIndex() {
        #expect(Caller().normalizedPhone == nil)
        #expect(Caller(phone: "").normalizedPhone == nil)
        #expect(Caller(phone: "---").normalizedPhone == nil)
    }

    /// The contract allows an optional leading "+" (hotline.intake.v1 `^\+?[0-9][0-9-]{4,19}$`) and
    /// the adapters use both forms: valid-web-no-category.json sends "+8613974856210", the phone and
    /// SMS examples send national numbers like "15973166023". The same mobile written with China's
    /// country code is the same caller; otherwise a web appeal and a later phone call about the same
    /// matter open two cases instead of one case and an urge.
    @Test func theChinaCountryCodeDoesNotMakeAnotherCaller() {
        #expect(Caller(phone: "+8613974856210").normalizedPhone == Caller(phone: "13974856210").normalizedPhone)
        #expect(Caller(phone: "+86-139-7485-6210").normalizedPhone == Caller(phone: "139-7485-6210").normalizedPhone)
    }
}
