/// What opens a supervision (督办) and how it climbs (长沙 第三十四、三十五条;
/// 巴林左旗 第十五条; 鄂尔多斯 第二十二条; 兰溪 四.4; 宜宾 第十一条四).
public struct SupervisionRules: Sendable, Decodable, Equatable {
    public var triggers: [SupervisionTriggerRule]
    /// Levels from the first (e.g. system reminder) to the last (e.g. report to the
    /// government supervision office); a supervision climbs when a level's limit
    /// passes with the case unresolved.
    public var ladder: [EscalationLevel]
}

/// Events that open a supervision.
public enum SupervisionTrigger: String, Sendable, Decodable, CaseIterable {
    /// The handling clock passed without a result (长沙 第三十四条（一）"逾期未办结事项").
    case overdue
    /// The unit did not sign the order in time.
    case notSigned = "not_signed"
    /// The unit tried to send back an order the centre found to be its own (return denied).
    case refusedOrder = "refused_order"
    /// The centre rejected the unit's result.
    case resultRejected = "result_rejected"
    /// N appeals of one category about one area within a window (长沙 第三十四条（二）"热点、难点事项").
    case hotSpot = "hot_spot"
    /// Assigned by a party committee or government leader (长沙 第三十四条（四）).
    case leaderAssigned = "leader_assigned"
    /// Exposed by the mainstream media (长沙 第三十四条（五）).
    case mediaExposed = "media_exposed"
    /// A unit, not an order: too many overdue orders or too few signed in time over a
    /// window (巴林左旗 第十五条（七）"对超期诉求工单较多，以及响应率、解决率、满意率偏低的单位").
    case lowRates = "low_rates"
    /// Sent back after a 不满意 and rated 不满意 again (长沙 第三十四条（三）"发回重办后诉求人仍不满意";
    /// 巴林左旗 第十五条（六）"造成多次重办后诉求人仍不满意的诉求工单").
    case repeatDissatisfied = "repeat_dissatisfied"
    /// A unit, not an order: knowledge-base versions uploaded after their predecessor's
    /// review-by date over a window (巴林左旗 第十五条（八）「未按照规定模板、格式和时限要求，及时上传、
    /// 更新知识库内容的单位」).
    case knowledgeLate = "knowledge_late"

    /// Triggers that supervise a unit, reviewed once a working day.
    public static let unitTriggers: Set<SupervisionTrigger> = [.lowRates, .knowledgeLate]
    /// Triggers that supervise one case.
    public static let caseTriggers = Set(allCases).subtracting(unitTriggers)
}

public struct SupervisionTriggerRule: Sendable, Decodable, Equatable {
    public var trigger: SupervisionTrigger
    public var article: String
    public var note: String?
    /// The ladder level a supervision opened by this trigger starts at (1 = first).
    public var startLevel: Int
    /// Hot spots only: how many appeals.
    public var threshold: Int?
    /// Hot spots and low rates: how many working days back appeals or clocks are counted.
    public var windowWorkingDays: Int?
    /// Low rates only: the fewest orders due in the window for the response rate to be judged.
    public var minimumOrders: Int?
    /// Low rates only: the share of orders due in the window that must be signed in time (0…1).
    public var minResponseRate: Double?
    /// Low rates only: the most overdue orders a unit may have in the window.
    public var maxOverdueOrders: Int?
    /// Knowledge late only: the most late uploads a unit may have in the window.
    public var maxLateUploads: Int?
    /// Overdue only: a case whose unit asked for an extension still undecided is not opened
    /// (兰溪 四.4 「对超过办理期限又未申请延期的」). A denied request does not count: the unit was
    /// held to the deadline it missed.
    public var unlessExtensionRequested: Bool
    /// The regulation does not name this trigger among what it supervises; the preset adds
    /// it as a choice, and its note says why (starting "Chosen:").
    public var chosen: Bool

    enum CodingKeys: String, CodingKey {
        case trigger, article, note, threshold
        case startLevel = "start_level"
        case windowWorkingDays = "window_working_days"
        case minimumOrders = "minimum_orders"
        case minResponseRate = "min_response_rate"
        case maxOverdueOrders = "max_overdue_orders"
        case maxLateUploads = "max_late_uploads"
        case unlessExtensionRequested = "unless_extension_requested"
        case chosen
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        trigger = try container.decode(SupervisionTrigger.self, forKey: .trigger)
        article = try container.decode(String.self, forKey: .article)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        startLevel = try container.decodeIfPresent(Int.self, forKey: .startLevel) ?? 1
        threshold = try container.decodeIfPresent(Int.self, forKey: .threshold)
        windowWorkingDays = try container.decodeIfPresent(Int.self, forKey: .windowWorkingDays)
        minimumOrders = try container.decodeIfPresent(Int.self, forKey: .minimumOrders)
        minResponseRate = try container.decodeIfPresent(Double.self, forKey: .minResponseRate)
        maxOverdueOrders = try container.decodeIfPresent(Int.self, forKey: .maxOverdueOrders)
        maxLateUploads = try container.decodeIfPresent(Int.self, forKey: .maxLateUploads)
        unlessExtensionRequested = try container.decodeIfPresent(Bool.self, forKey: .unlessExtensionRequested) ?? false
        chosen = try container.decodeIfPresent(Bool.self, forKey: .chosen) ?? false
    }
}

/// One rung of the escalation ladder.
public struct EscalationLevel: Sendable, Decodable, Equatable {
    /// A stable code for monitoring consumers, e.g. `reminder`, `supervision_notice`.
    public var code: String
    /// The regulation's own word, e.g. 电话催办, 督办单, 约谈, 市政府督查室.
    public var label: String
    public var article: String
    public var note: String?
    /// How long this level waits for the case to be resolved before climbing; nil on the last level.
    public var limit: TimeLimit?
}
