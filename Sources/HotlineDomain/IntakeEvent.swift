import Foundation

/// An appeal as a channel adapter publishes it on `hotline.intake.v1`
/// (schema: Topics/hotline.intake.v1/schema.json).
public struct IntakeEvent: Sendable, Equatable {
    public var eventID: String
    public var channel: Channel
    public var externalID: String
    public var receivedAt: Date
    public var caller: Caller
    public var subject: String?
    public var content: String
    public var category: CategoryCode?
    public var areaCode: String?
    public var urgent: Bool
    /// A case number the caller says this appeal is about.
    public var refersToCase: String?
    /// The operator answered at once from this knowledge-base entry version (即时办结).
    public var answeredFrom: KnowledgeAnswer?
    /// The operator searched the knowledge base and found nothing to answer from
    /// (长沙 第十六条（一）「未查找到相关信息的」).
    public var knowledgeNotFound: Bool

    public init(
        eventID: String, channel: Channel, externalID: String, receivedAt: Date, caller: Caller,
        subject: String?, content: String, category: CategoryCode?, areaCode: String?,
        urgent: Bool, refersToCase: String?, answeredFrom: KnowledgeAnswer? = nil, knowledgeNotFound: Bool = false
    ) {
        self.eventID = eventID
        self.channel = channel
        self.externalID = externalID
        self.receivedAt = receivedAt
        self.caller = caller
        self.subject = subject
        self.content = content
        self.category = category
        self.areaCode = areaCode
        self.urgent = urgent
        self.refersToCase = refersToCase
        self.answeredFrom = answeredFrom
        self.knowledgeNotFound = knowledgeNotFound
    }

    /// The text rules look at: subject and content.
    public var text: String { [subject, content].compactMap { $0 }.joined(separator: "\n") }
}

/// The caller's personal data. Encrypted at rest, never on lifecycle topics.
public struct Caller: Sendable, Equatable, Codable {
    public var name: String?
    public var phone: String?
    public var idNumber: String?
    public var address: String?
    /// The caller asked to hide their identity from the handling unit
    /// (长沙 第十五条 "诉求人要求隐匿个人信息的…应对诉求人信息进行加密处理"; 兰溪 四.3).
    public var confidential: Bool

    public init(name: String? = nil, phone: String? = nil, idNumber: String? = nil, address: String? = nil, confidential: Bool = false) {
        self.name = name
        self.phone = phone
        self.idNumber = idNumber
        self.address = address
        self.confidential = confidential
    }

    enum CodingKeys: String, CodingKey {
        case name, phone, address, confidential
        case idNumber = "id_number"
    }

    /// Digits only, without China's country code before a mobile number, so
    /// "138-0000-0000", "13800000000" and "+86 13800000000" are the same caller.
    public var normalizedPhone: String? {
        guard let phone else { return nil }
        var digits = phone.filter(\.isASCIIDigit)
        for prefix in ["0086", "86"] where digits.hasPrefix(prefix) {
            let national = String(digits.dropFirst(prefix.count))
            if national.count == 11 && national.hasPrefix("1") {
                digits = national
                break
            }
        }
        return digits.isEmpty ? nil : digits
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
