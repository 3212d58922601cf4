/// When the centre reports on the units (长沙 第三十七条; 巴林左旗 第二十六条;
/// 鄂尔多斯 第二十九条; 兰溪 六.1; 宜宾 第十一条) and when it answers calls.
public struct ReportingRules: Sendable, Decodable, Equatable {
    public var periods: [ReportPeriod]
    public var article: String
    public var note: String?
}

public enum ReportPeriod: String, Sendable, Decodable, CaseIterable {
    /// 旬: the 1st–10th, 11th–20th and 21st–end of a month (宜宾 第十一条).
    case tenDays = "ten_days"
    case weekly, monthly, quarterly
    case halfYear = "half_year"
    case annual
}

/// The hours the centre takes calls (鄂尔多斯 第三条 "24小时"; 兰溪 三 office hours).
public struct ServiceHours: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// True for a 24-hour service; otherwise `opens`/`closes` as HH:MM on working days.
    public var allDay: Bool
    public var opens: String?
    public var closes: String?

    enum CodingKeys: String, CodingKey {
        case article, note, opens, closes
        case allDay = "all_day"
    }
}
