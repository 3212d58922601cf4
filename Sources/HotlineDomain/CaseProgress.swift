import Foundation

/// What a citizen may learn of their case by its number (巴林左旗 第二十四条 the right to
/// know progress and result): status, the unit handling it, the due date and the
/// result, never anyone's personal data. Given only to whoever proves to be the caller.
public struct CaseProgress: Sendable, Equatable, Encodable {
    public var caseNumber: String
    public var status: CaseStatus
    public var category: String
    public var unitName: String?
    public var handlingDue: Date?
    /// The outcome the unit reported (resolved, in_progress, explained) and when it was approved.
    public var resultOutcome: String?
    public var resolvedAt: Date?
    public var rating: CallbackRating?

    public init(
        caseNumber: String, status: CaseStatus, category: String, unitName: String?, handlingDue: Date?, resultOutcome: String?,
        resolvedAt: Date?, rating: CallbackRating?
    ) {
        self.caseNumber = caseNumber
        self.status = status
        self.category = category
        self.unitName = unitName
        self.handlingDue = handlingDue
        self.resultOutcome = resultOutcome
        self.resolvedAt = resolvedAt
        self.rating = rating
    }

    enum CodingKeys: String, CodingKey {
        case status, category, rating
        case caseNumber = "case_number"
        case unitName = "unit_name"
        case handlingDue = "handling_due"
        case resultOutcome = "result_outcome"
        case resolvedAt = "resolved_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(caseNumber, forKey: .caseNumber)
        try container.encode(status, forKey: .status)
        try container.encode(category, forKey: .category)
        try container.encode(unitName, forKey: .unitName)
        try container.encode(handlingDue.map(RFC3339.formatSeconds), forKey: .handlingDue)
        try container.encode(resultOutcome, forKey: .resultOutcome)
        try container.encode(resolvedAt.map(RFC3339.formatSeconds), forKey: .resolvedAt)
        try container.encode(rating, forKey: .rating)
    }

    /// The caller proves who they are with the last four digits of the phone they called
    /// from; compared without an early exit, so timing does not tell how many matched.
    public static func verifies(_ caller: Caller, verifier: String) -> Bool {
        guard let phone = caller.normalizedPhone, phone.count >= 4, verifier.count == 4, verifier.allSatisfy(\.isASCIIDigit) else {
            return false
        }
        return zip(phone.suffix(4).utf8, verifier.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
