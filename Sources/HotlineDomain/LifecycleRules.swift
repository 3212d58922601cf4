import Foundation

/// How orders move between the centre and the handling units once dispatched:
/// returns (退回), extensions (延期), interim replies with a committed date (承诺件),
/// the centre's review of results (办结审核) and the warning before a clock runs out.
/// Each rule quotes the article it rests on; the limits themselves are in `limits`.
public struct LifecycleRules: Sendable, Decodable, Equatable {
    public var returns: ReturnRule
    public var extensions: ExtensionRule
    public var interimReply: InterimReplyRule
    public var review: ReviewRule
    public var warning: WarningRule

    enum CodingKeys: String, CodingKey {
        case returns, extensions, review, warning
        case interimReply = "interim_reply"
    }
}

/// Who decides on a unit's request.
public enum Approver: String, Sendable, Decodable, Equatable {
    /// The centre approves or denies (长沙 第二十一条 "市政务热线中心对延期申请进行审核").
    case centre
    /// Granted when asked, within the rule's bounds; the centre is told.
    case none
}

/// A unit sends back an order that is not its own (退回) within `limits.return-window`.
public struct ReturnRule: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    public var approver: Approver
}

/// A unit asks for more time (延期).
public struct ExtensionRule: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// False when the regulation has no extension at all (宜宾 第十一条（二）2（2）: a unit
    /// that needs longer makes the letter a 承诺件 instead); every request is then refused.
    public var allowed: Bool
    /// How many extensions one handling round may have; nil when the regulation sets no number.
    public var maxCount: Int?
    /// The longest extension in working days; nil when the regulation sets no length.
    public var maxWorkingDays: Int?
    /// The request must arrive before the handling limit passes (长沙 第二十条 "在办理期限届满前提出").
    public var beforeExpiry: Bool
    public var approver: Approver
    /// The caller is told the new date (鄂尔多斯 第十九条八; 长沙 第二十一条).
    public var callerTold: Bool

    enum CodingKeys: String, CodingKey {
        case article, note, approver, allowed
        case maxCount = "max_count"
        case maxWorkingDays = "max_working_days"
        case beforeExpiry = "before_expiry"
        case callerTold = "caller_told"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        article = try container.decode(String.self, forKey: .article)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        allowed = try container.decodeIfPresent(Bool.self, forKey: .allowed) ?? true
        maxCount = try container.decodeIfPresent(Int.self, forKey: .maxCount)
        maxWorkingDays = try container.decodeIfPresent(Int.self, forKey: .maxWorkingDays)
        // A regulation without extensions need not say how they would be decided.
        beforeExpiry = try allowed ? container.decode(Bool.self, forKey: .beforeExpiry) : true
        approver = try allowed ? container.decode(Approver.self, forKey: .approver) : .centre
        callerTold = try allowed ? container.decode(Bool.self, forKey: .callerTold) : false
    }
}

/// A unit that cannot finish in time replies with progress and a committed date
/// (承诺件, 宜宾 第十一条（二）2（2）; 长沙 第二十二条（二） 「告知诉求人办理进度、解决措施及明确的解决时限」).
public struct InterimReplyRule: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    public var allowed: Bool
    /// How many interim replies one handling round may have; nil: no bound (only where the reply moves no deadline).
    public var maxCount: Int?
    /// The committed date may lie at most this many working days after the reply; nil: no bound.
    public var maxWorkingDays: Int?
    /// The committed date replaces the handling deadline (the order becomes a 承诺件). Where
    /// it does not, the deadline moves only by an approved extension (长沙 第二十条、第二十一条).
    public var movesDeadline: Bool
    /// The caller is told the progress and the committed date (`notification.requested`, kind `interim_reply`).
    public var callerTold: Bool

    enum CodingKeys: String, CodingKey {
        case article, note, allowed
        case maxCount = "max_count"
        case maxWorkingDays = "max_working_days"
        case movesDeadline = "moves_deadline"
        case callerTold = "caller_told"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        article = try container.decode(String.self, forKey: .article)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        allowed = try container.decode(Bool.self, forKey: .allowed)
        maxCount = try container.decodeIfPresent(Int.self, forKey: .maxCount)
        maxWorkingDays = try container.decodeIfPresent(Int.self, forKey: .maxWorkingDays)
        // A regulation without interim replies need not say what they would do.
        movesDeadline = try allowed ? container.decode(Bool.self, forKey: .movesDeadline) : false
        callerTold = try allowed ? container.decode(Bool.self, forKey: .callerTold) : false
    }
}

/// The centre checks a submitted result before it counts (办结审核); a rejected
/// result goes back to the unit, whose handling clock resumes.
public struct ReviewRule: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// The handling clock stops when the result is submitted (true) or only when the centre approves it.
    public var clockStopsOnSubmission: Bool

    enum CodingKeys: String, CodingKey {
        case article, note
        case clockStopsOnSubmission = "clock_stops_on_submission"
    }
}

/// When a running clock warns its holder before it runs out.
public struct WarningRule: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// Working days before the due instant; the warning fires at the end of that
    /// earlier working day (one working day before = when one working day remains).
    public var workingDaysBefore: Int?
    /// For hour limits: hours before the due instant.
    public var hoursBefore: Int?

    enum CodingKeys: String, CodingKey {
        case article, note
        case workingDaysBefore = "working_days_before"
        case hoursBefore = "hours_before"
    }
}

extension WarningRule {
    /// When to warn before `due`; nil when that instant is not after the start (a same-day
    /// or one-day limit has no room to warn).
    public func instant(for limit: TimeLimit, due: Date, startedAt: Date, calendar: WorkingDayCalendar) throws(CalendarError) -> Date? {
        let instant: Date
        switch (limit, workingDaysBefore, hoursBefore) {
        case let (.hours, _, hours?):
            instant = due.addingTimeInterval(-Double(hours) * 3600)
        case let (.workingDays, days?, _), let (.sameDay, days?, _):
            instant = try calendar.instant(workingDays: days, before: due)
        case let (_, nil, hours?):
            instant = due.addingTimeInterval(-Double(hours) * 3600)
        default:
            return nil
        }
        return instant > startedAt ? instant : nil
    }
}
