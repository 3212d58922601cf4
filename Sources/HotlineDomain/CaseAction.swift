import Foundation

/// Who acts on a case: a handling unit (on `hotline.unit-actions.v1`) or the centre
/// (on `hotline.centre-actions.v1`), with the staff member who did it.
public enum ActionActor: Sendable, Equatable {
    case unit(id: String, staffID: String)
    case centre(staffID: String)

    public var unitID: String? {
        if case let .unit(id, _) = self { return id }
        return nil
    }

    public var staffID: String {
        switch self {
        case let .unit(_, staff), let .centre(staff): staff
        }
    }

    /// As recorded in the history: `unit:<id>` or `centre`.
    public var historyName: String {
        switch self {
        case let .unit(id, _): "unit:\(id)"
        case .centre: "centre"
        }
    }
}

/// What a unit reports when it finishes (长沙 第二十二条（一）"列明办理机构、时间、过程、结果").
public struct ResultReport: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Solved.
        case resolved
        /// Cannot be solved yet: measures and a time are given (第二十二条（二）).
        case inProgress = "in_progress"
        /// Not within law or policy: explained to the caller (第二十二条（三）).
        case explained
    }

    public var handledBy: String
    public var handledAt: Date
    public var actionTaken: String
    public var outcome: Outcome

    public init(handledBy: String, handledAt: Date, actionTaken: String, outcome: Outcome) {
        self.handledBy = handledBy
        self.handledAt = handledAt
        self.actionTaken = actionTaken
        self.outcome = outcome
    }
}

/// One action on a case, decoded from a unit-actions or centre-actions message.
public struct CaseAction: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        // Unit actions.
        case sign
        case requestReturn(reason: String)
        case requestExtension(reason: String, until: CalendarDate)
        case interimReply(progress: String, committedDate: CalendarDate)
        case submitResult(ResultReport)
        case contribute(text: String)
        // Centre actions.
        case approveReturn(reason: String, redispatchTo: Redispatch?)
        case denyReturn(reason: String)
        case approveExtension(reason: String, until: CalendarDate?)
        case denyExtension(reason: String)
        case approveResult(reason: String)
        case rejectResult(reason: String)
        case redispatch(Redispatch, reason: String)
        case markLeaderAssigned(reason: String)
        case markMediaExposed(reason: String)
        case urge(reason: String)
        /// 发回重办: a round rated 不满意 whose demand the centre finds reasonable goes back
        /// to the same or another unit as a new round (长沙 第三十三条; 巴林左旗 第十七条).
        case reopen(reason: String, redispatchTo: Redispatch?)
        /// The centre ends a rated case; `excessiveDemand`: the unit did its duty but the
        /// caller asks too much, and repeat calls about it are not accepted again (兰溪 四.5).
        case closeCase(reason: String, excessiveDemand: Bool)
        /// The centre answered a caller it owed a reply to because the knowledge base had
        /// nothing (长沙 第十六条（一）); `reason` says what the caller was told.
        case reply(reason: String)
        /// A unit's appeal against a 不满意 rating and the centre's decision on it
        /// (长沙 第二十七条); decided by `RatingAppealDecider`, not the case state machine.
        case ratingAppeal(RatingAppealAction)
    }

    /// A new lead (and co-units) chosen by the centre; `asPrecedent` makes the
    /// decision apply to similar cases (长沙 第二十三条 "适用于全市同类事项的转派").
    public struct Redispatch: Sendable, Equatable {
        public var leadUnitID: String
        public var coUnitIDs: [String]
        public var asPrecedent: Bool

        public init(leadUnitID: String, coUnitIDs: [String] = [], asPrecedent: Bool = false) {
            self.leadUnitID = leadUnitID
            self.coUnitIDs = coUnitIDs
            self.asPrecedent = asPrecedent
        }
    }

    public var eventID: String
    public var caseID: UUID
    public var actor: ActionActor
    public var occurredAt: Date
    public var kind: Kind

    public init(eventID: String, caseID: UUID, actor: ActionActor, occurredAt: Date, kind: Kind) {
        self.eventID = eventID
        self.caseID = caseID
        self.actor = actor
        self.occurredAt = occurredAt
        self.kind = kind
    }

    /// The wire name of the action, e.g. `sign`, `approve_extension`.
    public var type: String { kind.type }

    /// A unit's order sent back (退回): the unit's own request or the centre's approval of it.
    public var isReturn: Bool {
        switch kind {
        case .requestReturn, .approveReturn: true
        default: false
        }
    }
}

extension CaseAction.Kind {
    public var type: String {
        switch self {
        case .sign: "sign"
        case .requestReturn: "request_return"
        case .requestExtension: "request_extension"
        case .interimReply: "interim_reply"
        case .submitResult: "submit_result"
        case .contribute: "contribute"
        case .approveReturn: "approve_return"
        case .denyReturn: "deny_return"
        case .approveExtension: "approve_extension"
        case .denyExtension: "deny_extension"
        case .approveResult: "approve_result"
        case .rejectResult: "reject_result"
        case .redispatch: "redispatch"
        case .markLeaderAssigned: "mark_leader_assigned"
        case .markMediaExposed: "mark_media_exposed"
        case .urge: "urge"
        case .reopen: "reopen"
        case .closeCase: "close_case"
        case .reply: "reply"
        case .ratingAppeal(.file): "appeal_rating"
        case .ratingAppeal(.uphold): "uphold_appeal"
        case .ratingAppeal(.reject): "reject_appeal"
        }
    }

    public static let unitTypes: Set<String> = [
        "sign", "request_return", "request_extension", "interim_reply", "submit_result", "contribute", "appeal_rating",
    ]
    public static let centreTypes: Set<String> = [
        "approve_return", "deny_return", "approve_extension", "deny_extension", "approve_result", "reject_result",
        "redispatch", "mark_leader_assigned", "mark_media_exposed", "urge", "reopen", "close_case", "uphold_appeal", "reject_appeal", "reply",
    ]
}
