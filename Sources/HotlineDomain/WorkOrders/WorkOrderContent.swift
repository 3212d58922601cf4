/// What a work order seals to its unit: the appeal's words, the caller's contact unless the
/// caller asked for confidentiality, and on a reopen what the earlier rounds' units wrote.
/// The unit needs the contact to tell the caller the result itself (长沙 第二十二条
/// 「责任单位办理完成后，应主动将办理结果告知诉求人」); a confidential caller's is never in it
/// (长沙 第十五条 「诉求人要求隐匿个人信息的…应对诉求人信息进行加密处理」; 兰溪 四.3
/// 「来电人要求保密的，办理结果由市长热线直接向来电人反馈」).
public struct WorkOrderContent: Sendable, Codable, Equatable {
    /// The caller's contact as the unit reads it.
    public struct Contact: Sendable, Codable, Equatable {
        public var name: String?
        public var phone: String?
        public var address: String?

        public init(name: String?, phone: String?, address: String?) {
            self.name = name
            self.phone = phone
            self.address = address
        }
    }

    /// What an earlier round's unit reported (长沙 第二十二条（一）「列明办理机构、时间、过程、结果」).
    public struct EarlierResult: Sendable, Codable, Equatable {
        public var round: Int
        public var handledBy: String?
        public var actionTaken: String?

        public init(round: Int, handledBy: String?, actionTaken: String?) {
            self.round = round
            self.handledBy = handledBy
            self.actionTaken = actionTaken
        }

        enum CodingKeys: String, CodingKey {
            case round
            case handledBy = "handled_by"
            case actionTaken = "action_taken"
        }
    }

    public var subject: String?
    public var content: String
    /// Nil for a confidential caller, and for a caller who gave neither name, phone nor address.
    public var caller: Contact?
    public var earlierResults: [EarlierResult]

    public init(subject: String?, content: String, caller: Contact?, earlierResults: [EarlierResult]) {
        self.subject = subject
        self.content = content
        self.caller = caller
        self.earlierResults = earlierResults
    }

    enum CodingKeys: String, CodingKey {
        case subject, content, caller
        case earlierResults = "earlier_results"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subject, forKey: .subject)
        try container.encode(content, forKey: .content)
        try container.encode(caller, forKey: .caller)
        try container.encode(earlierResults, forKey: .earlierResults)
    }
}
