/// How long an obligation may take.
public enum TimeLimit: Sendable, Equatable, Decodable, CustomStringConvertible {
    case workingDays(Int)
    /// Until 23:59:59 of the starting event's own day (巴林左旗 第十三条 紧要事项 "当天办理完毕").
    case sameDay
    case hours(Int)

    enum CodingKeys: String, CodingKey {
        case workingDays = "working_days"
        case sameDay = "same_day"
        case hours
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let given = container.allKeys
        guard given.count == 1, let key = given.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a limit is exactly one of working_days: N, same_day: true, hours: N"))
        }
        switch key {
        case .workingDays: self = .workingDays(try container.decode(Int.self, forKey: key))
        case .hours: self = .hours(try container.decode(Int.self, forKey: key))
        case .sameDay:
            guard try container.decode(Bool.self, forKey: key) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "same_day must be true")
            }
            self = .sameDay
        }
    }

    var isPositive: Bool {
        switch self {
        case let .workingDays(count), let .hours(count): count >= 1
        case .sameDay: true
        }
    }

    public var description: String {
        switch self {
        case let .workingDays(count): "\(count) working day\(count == 1 ? "" : "s")"
        case .sameDay: "same day"
        case let .hours(hours): "\(hours) h"
        }
    }
}

/// The obligations a policy sets limits for.
public enum Obligation: String, Sendable, CaseIterable {
    case sign
    case returnWindow = "return-window"
    case handling
    /// The centre's review of a submitted result (办结审核).
    case review
    case callback
    case ratingAppeal = "rating-appeal"
    /// The centre's own reply when the operator found nothing in the knowledge base
    /// (长沙 第十六条（一）「未查找到相关信息的…在1个工作日内进行答复」); optional.
    case reply

    /// Obligations a policy sets only where its regulation names them: the centre's own
    /// reply, and the window of a rating appeal (only with `rating_appeals`, 长沙 第二十七条).
    public static let optional: Set<Obligation> = [.reply, .ratingAppeal]

    /// The events a limit's `from` may name, first the one it counts from when `from` is absent:
    /// handling from dispatch or signing (长沙 第十九条 「自签收后」); the return window from
    /// receipt or signing (鄂尔多斯 第十九条（七） 「接收到」, 长沙 第十七条（二） 「自签收后」); the
    /// callback from the centre's approval or from the unit's result (鄂尔多斯 第二十一条
    /// 「收到承办单位的办理结果反馈后…回访时间不超过一个工作日」). Empty: `from` is not a key of it.
    public var startingEvents: [String] {
        switch self {
        case .handling: ["dispatch", "sign", "accept"]
        case .returnWindow: ["dispatch", "sign"]
        case .callback: ["approve", "submit"]
        case .sign, .review, .ratingAppeal, .reply: []
        }
    }
}

/// One obligation's limits with the article they rest on.
public struct ObligationRule: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    public var from: String?
    public var urgent: TimeLimit?
    public var bySource: [String: TimeLimit]
    public var byCategory: [String: TimeLimit]
    public var `default`: TimeLimit

    enum CodingKeys: String, CodingKey {
        case article, note, from, urgent, `default`
        case bySource = "by_source"
        case byCategory = "by_category"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        article = try container.decode(String.self, forKey: .article)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        from = try container.decodeIfPresent(String.self, forKey: .from)
        urgent = try container.decodeIfPresent(TimeLimit.self, forKey: .urgent)
        bySource = try container.decodeIfPresent([String: TimeLimit].self, forKey: .bySource) ?? [:]
        byCategory = try container.decodeIfPresent([String: TimeLimit].self, forKey: .byCategory) ?? [:]
        `default` = try container.decode(TimeLimit.self, forKey: .default)
    }

    /// The limit for a case: urgent first, then its source, then its category, then the default.
    public func limit(category: CategoryCode?, urgent isUrgent: Bool, source: String?) -> TimeLimit {
        if isUrgent, let urgent { return urgent }
        if let source, let limit = bySource[source] { return limit }
        if let category, let limit = byCategory[category.rawValue] { return limit }
        return `default`
    }

    var allLimits: [TimeLimit] { [`default`] + (urgent.map { [$0] } ?? []) + Array(bySource.values) + Array(byCategory.values) }
}

extension TimeLimit {
    /// How a clock row keeps the limit it counted (`case_clocks.due_limit`), so the clock
    /// can be recounted when the calendar it was counted on changes.
    public var storageText: String {
        switch self {
        case let .workingDays(count): "working_days:\(count)"
        case .sameDay: "same_day"
        case let .hours(hours): "hours:\(hours)"
        }
    }

    public init?(storageText: String) {
        let parts = storageText.split(separator: ":")
        switch (parts.first, parts.count == 2 ? Int(parts[1]) : nil) {
        case let ("working_days", count?) where count >= 1: self = .workingDays(count)
        case let ("hours", hours?) where hours >= 1: self = .hours(hours)
        case ("same_day", nil) where parts.count == 1: self = .sameDay
        default: return nil
        }
    }
}
