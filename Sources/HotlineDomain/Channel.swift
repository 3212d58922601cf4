/// Where an appeal came in. 长沙 第十四条 and 鄂尔多斯 第八条 make the centre the single
/// point of intake for every channel; the adapters publish them all alike.
public enum Channel: String, Sendable, CaseIterable, Codable {
    case phone, web, sms, wechat, app, email, letter
    /// Transferred from the provincial 12345 platform (巴林左旗 第十一条: 市热线平台转办).
    case provincialTransfer = "provincial_transfer"
}
