/// How a case reached its unit, which sets its handling limit where a policy's
/// `by_source` names it (`Policy.caseSources`); nil for an ordinary appeal.
public enum CaseSource {
    /// 领导批示 (兰溪 四.3 「领导批办事项办理期限为15个工作日」) comes before 媒体曝光; a transfer from
    /// the provincial or regional platform (鄂尔多斯 第八条（三）「负责处理自治区热线交办的事项」, 巴林左旗 第十一条
    /// 市热线平台转办) is `provincial`.
    public static func of(channel: Channel, leaderAssigned: Bool, mediaExposed: Bool) -> String? {
        if leaderAssigned { return "leader" }
        if mediaExposed { return "media" }
        if channel == .provincialTransfer { return "provincial" }
        return nil
    }
}
