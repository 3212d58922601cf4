import HotlineDomain

/// What `hotline intake judge` prints for one fixture line: the receipt's outcome, or the
/// dead letter's reason, and for a new case where dispatch sends it.
struct IntakeJudgement: Encodable {
    /// The outcomes of `hotline.intake.receipts.v1`, and `dead_letter` for a line that gets
    /// a dead letter instead of a receipt.
    static let deadLetter = "dead_letter"

    /// The fixture line, 1-based.
    var line: Int
    var key: String?
    var outcome: String
    /// The same appeal (channel and external id) as an earlier line: it gets that line's answer again.
    var duplicate = false
    var category: CategoryCode?
    var categorySource: CategorySource?
    /// The number a fresh database would give the case, numbering the file's cases in order.
    var caseNumber: String?
    var caseStatus: CaseStatus?
    var answeredFrom: KnowledgeAnswer?
    /// For a case dispatch routes: the lead unit, nil when no rule matches and the case
    /// waits in the manual-dispatch queue.
    var routing: Routing?
    /// `channel:external_id` of the appeal that opened the case a merged appeal joins.
    var mergedInto: String?
    var reasonCode: String?
    var article: String?
    var redirectTo: String?
    /// The dead letter's JSON pointer and sentence.
    var field: String?
    var message: String?

    struct Routing {
        var leadUnit: String?
        var coUnits: [String]
        var rule: String?
    }

    enum CodingKeys: String, CodingKey {
        case line, key, outcome, duplicate, category, article, field, message, rule
        case categorySource = "category_source"
        case caseNumber = "case_number"
        case caseStatus = "case_status"
        case answeredFrom = "answered_from"
        case leadUnit = "lead_unit"
        case coUnits = "co_units"
        case mergedInto = "merged_into"
        case reasonCode = "reason_code"
        case redirectTo = "redirect_to"
    }

    /// Absent facts are left out, except a routed case's `lead_unit` and `rule`, which are
    /// null for the manual-dispatch queue.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encodeIfPresent(key, forKey: .key)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(duplicate, forKey: .duplicate)
        try container.encodeIfPresent(category, forKey: .category)
        try container.encodeIfPresent(categorySource, forKey: .categorySource)
        try container.encodeIfPresent(caseNumber, forKey: .caseNumber)
        try container.encodeIfPresent(caseStatus, forKey: .caseStatus)
        try container.encodeIfPresent(answeredFrom, forKey: .answeredFrom)
        if let routing {
            try container.encode(routing.leadUnit, forKey: .leadUnit)
            try container.encode(routing.coUnits, forKey: .coUnits)
            try container.encode(routing.rule, forKey: .rule)
        }
        try container.encodeIfPresent(mergedInto, forKey: .mergedInto)
        try container.encodeIfPresent(reasonCode, forKey: .reasonCode)
        try container.encodeIfPresent(article, forKey: .article)
        try container.encodeIfPresent(redirectTo, forKey: .redirectTo)
        try container.encodeIfPresent(field, forKey: .field)
        try container.encodeIfPresent(message, forKey: .message)
    }
}
