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

/// The hours the centre takes calls (鄂尔多斯 第三条 "24小时"; 兰溪 三 office hours), and the
/// working time of the staff and units where the regulation counts their limits in it
/// (兰溪 三 「与市机关正常作息时间同步」; 宜宾 第十一条（一） 「工作人员在工作时间内」).
public struct ServiceHours: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// True for a 24-hour service; otherwise `opens`/`closes` as HH:MM on working days.
    public var allDay: Bool
    public var opens: String?
    public var closes: String?
    /// The staff's and units' working time, where it differs from the service's (宜宾: letters
    /// arrive at any hour, 「工作人员在工作时间内」 take them up).
    public var workingHours: WorkingHours?

    enum CodingKeys: String, CodingKey {
        case article, note, opens, closes
        case allDay = "all_day"
        case workingHours = "working_hours"
    }

    /// The working time units' limits count in: `working_hours`, or the service hours where
    /// the service keeps office hours; nil where neither is set (limits count around the clock).
    public var workingTime: WorkingTime? {
        if let hours = workingHours { return WorkingTime(opens: hours.opens, closes: hours.closes) }
        guard !allDay, let opens, let closes else { return nil }
        return WorkingTime(opens: opens, closes: closes)
    }
}

/// Working hours as the policy writes them (HH:MM).
public struct WorkingHours: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    public var opens: String
    public var closes: String
}
