import Foundation

/// Turns a `hotline.unit-actions.v1` or `hotline.centre-actions.v1` message into a
/// `CaseAction`, enforcing what the topics' schemas say. A malformed action is
/// dead-lettered with its original bytes and, when its event id and case id can
/// be read, refused to its actor as well.
public struct CaseActionDecoder: Sendable {
    public enum Source: Sendable {
        case units, centre

        var topic: String { self == .units ? "hotline.unit-actions.v1" : "hotline.centre-actions.v1" }
    }

    /// What could be read of a malformed action, so the refusal reaches its actor.
    public struct Failure: Error, Sendable, Equatable {
        public var rejection: IntakeRejection
        public var eventID: String?
        public var caseID: UUID?
        public var type: String?
        public var actor: ActionActor?
    }

    public static let supportedSchemaVersion: Int64 = 1
    public static let maximumBytes = 65_536
    let source: Source

    public init(_ source: Source) {
        self.source = source
    }

    /// The fields every action of the topic carries (the centre gives a reason for every decision).
    private static let unitCommonFields: Set<String> = ["schema_version", "event_id", "type", "case_id", "unit_id", "staff_id", "occurred_at"]
    private static let centreCommonFields: Set<String> = ["schema_version", "event_id", "type", "case_id", "staff_id", "occurred_at", "reason"]

    /// The fields each type carries besides the common ones. The schemas forbid every
    /// other field per type (`not: {}`), so a `committed_date` on a `sign` is refused, not ignored.
    private static let typeFields: [String: Set<String>] = [
        "sign": [], "request_return": ["reason"], "request_extension": ["reason", "until"],
        "interim_reply": ["progress", "committed_date"], "submit_result": ["result"], "contribute": ["text"],
        "approve_return": ["redispatch"], "deny_return": [], "approve_extension": ["until"], "deny_extension": [],
        "approve_result": [], "reject_result": [], "redispatch": ["redispatch"], "mark_leader_assigned": [],
        "mark_media_exposed": [], "urge": [], "reopen": ["redispatch"], "close_case": ["excessive_demand"], "reply": [],
        "appeal_rating": ["ground", "statement", "evidence", "round"], "uphold_appeal": ["assessed_rating", "round"],
        "reject_appeal": ["round"],
    ]

    /// Every field some type of the topic carries; anything else is not a field of the topic at all.
    private static func topicFields(_ common: Set<String>, _ types: Set<String>) -> Set<String> {
        types.reduce(common) { $0.union(typeFields[$1] ?? []) }
    }

    private static let unitFields = topicFields(unitCommonFields, CaseAction.Kind.unitTypes)
    private static let centreFields = topicFields(centreCommonFields, CaseAction.Kind.centreTypes)

    public func decode(_ value: [UInt8]?) -> Result<CaseAction, Failure> {
        var failure = Failure(rejection: IntakeRejection(.processingError, ""))
        do {
            let message = try JSONMessage.parse(value, maximumBytes: Self.maximumBytes)
            failure.eventID = try? message.optionalString("event_id")
            failure.caseID = (try? message.optionalString("case_id")).flatMap { $0.flatMap(UUID.init(uuidString:)) }
            failure.type = try? message.optionalString("type")
            let staff = (try? message.optionalString("staff_id")).flatMap { $0 }
            switch source {
            case .units:
                if let unit = (try? message.optionalString("unit_id")).flatMap({ $0 }) {
                    failure.actor = .unit(id: unit, staffID: staff ?? "")
                }
            case .centre:
                failure.actor = .centre(staffID: staff ?? "")
            }
            return .success(try decode(message))
        } catch let rejection as IntakeRejection {
            failure.rejection = rejection
            return .failure(failure)
        } catch {
            failure.rejection = IntakeRejection(.processingError, "\(error)")
            return .failure(failure)
        }
    }

    private func decode(_ message: JSONMessage) throws -> CaseAction {
        try message.requireSchemaVersion(Self.supportedSchemaVersion)
        try message.refuseUnknown(allowed: source == .units ? Self.unitFields : Self.centreFields, in: source.topic)
        let eventID = try message.requiredEventID()
        let type = try message.requiredString("type")
        let known = source == .units ? CaseAction.Kind.unitTypes : CaseAction.Kind.centreTypes
        guard known.contains(type), let own = Self.typeFields[type] else {
            throw message.violation("type", "must be one of \(known.sorted().joined(separator: ", "))")
        }
        let allowed = (source == .units ? Self.unitCommonFields : Self.centreCommonFields).union(own)
        if let stray = message.fields.keys.filter({ !allowed.contains($0) }).sorted().first {
            let carries = own.isEmpty ? "only the common fields" : "only the common fields and \(own.sorted().joined(separator: ", "))"
            throw message.violation(stray, "does not belong to type \(type), which carries \(carries); remove it")
        }
        guard let caseID = UUID(uuidString: try message.requiredString("case_id")) else {
            throw message.violation("case_id", "must be a case id (UUID) as published on hotline.cases.v1")
        }
        let staff = try message.requiredString("staff_id")
        guard (1...64).contains(Self.length(staff)) else { throw message.violation("staff_id", "must be 1 to 64 characters") }
        guard let occurredAt = RFC3339.parse(try message.requiredString("occurred_at")) else {
            throw message.violation("occurred_at", "must be an RFC 3339 date-time with an offset")
        }
        let actor: ActionActor
        switch source {
        case .units:
            actor = .unit(id: try Self.unitID(try message.requiredString("unit_id"), "unit_id", in: message), staffID: staff)
        case .centre:
            actor = .centre(staffID: staff)
        }
        return CaseAction(eventID: eventID, caseID: caseID, actor: actor, occurredAt: occurredAt, kind: try kind(type, message))
    }

    private func kind(_ type: String, _ message: JSONMessage) throws -> CaseAction.Kind {
        func text(_ name: String) throws -> String {
            let value = try message.requiredString(name)
            guard (1...2000).contains(Self.length(value)), value.contains(where: { !$0.isWhitespace }) else {
                throw message.violation(name, "must be 1 to 2000 characters, not only whitespace")
            }
            return value
        }
        func date(_ name: String, required: Bool) throws -> CalendarDate? {
            guard let value = required ? try message.requiredString(name) : try message.optionalString(name) else { return nil }
            // CalendarDate alone would take "+202-10-20"; the schema's pattern allows digits only.
            guard value.allSatisfy({ $0.isASCIIDigit || $0 == "-" }), let date = CalendarDate(value) else {
                throw message.violation(name, "must be a date like 2026-10-20")
            }
            return date
        }
        switch type {
        case "sign": return .sign
        case "request_return": return .requestReturn(reason: try text("reason"))
        case "request_extension": return .requestExtension(reason: try text("reason"), until: try date("until", required: true)!)
        case "interim_reply": return .interimReply(progress: try text("progress"), committedDate: try date("committed_date", required: true)!)
        case "submit_result": return .submitResult(try result(message))
        case "contribute": return .contribute(text: try text("text"))
        case "approve_return": return .approveReturn(reason: try text("reason"), redispatchTo: try redispatch(message, required: false))
        case "deny_return": return .denyReturn(reason: try text("reason"))
        case "approve_extension": return .approveExtension(reason: try text("reason"), until: try date("until", required: false))
        case "deny_extension": return .denyExtension(reason: try text("reason"))
        case "approve_result": return .approveResult(reason: try text("reason"))
        case "reject_result": return .rejectResult(reason: try text("reason"))
        case "redispatch": return .redispatch(try redispatch(message, required: true)!, reason: try text("reason"))
        case "mark_leader_assigned": return .markLeaderAssigned(reason: try text("reason"))
        case "mark_media_exposed": return .markMediaExposed(reason: try text("reason"))
        case "reopen": return .reopen(reason: try text("reason"), redispatchTo: try redispatch(message, required: false))
        case "close_case": return .closeCase(reason: try text("reason"), excessiveDemand: try message.optionalBool("excessive_demand") ?? false)
        case "appeal_rating":
            return .ratingAppeal(.file(ground: try ground(message), statement: try text("statement"), evidence: try evidence(message), round: try round(message)))
        case "uphold_appeal":
            guard let assessed = AssessedRating(rawValue: try message.requiredString("assessed_rating")) else {
                throw message.violation("assessed_rating", "must be one of \(AssessedRating.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .ratingAppeal(.uphold(reason: try text("reason"), assessedRating: assessed, round: try round(message)))
        case "reject_appeal": return .ratingAppeal(.reject(reason: try text("reason"), round: try round(message)))
        case "reply": return .reply(reason: try text("reason"))
        default: return .urge(reason: try text("reason"))
        }
    }

    /// A ground code as the schema's pattern allows it; whether the policy lists it is the decider's call.
    private func ground(_ message: JSONMessage) throws -> String {
        let code = try message.requiredString("ground")
        guard (1...64).contains(Self.length(code)), code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw message.violation("ground", "must be a ground code of 1 to 64 lower-case letters, digits and _, as the policy's rating_appeals.grounds list them")
        }
        return code
    }

    /// The evidence (佐证材料) as references to material kept elsewhere: 1 to 20, each 1 to 500 characters.
    private func evidence(_ message: JSONMessage) throws -> [String] {
        guard let items = try message.optionalStrings("evidence"), (1...20).contains(items.count) else {
            throw message.violation("evidence", "must list 1 to 20 references to the supporting material (第二十七条 「提供佐证材料」)")
        }
        for (index, item) in items.enumerated() where !(1...500).contains(Self.length(item)) || !item.contains(where: { !$0.isWhitespace }) {
            throw JSONMessage(fields: [:], prefix: message.pointer("evidence")).violation("\(index)", "must be 1 to 500 characters, not only whitespace")
        }
        return items
    }

    private func round(_ message: JSONMessage) throws -> Int? {
        guard let value = try message.optionalInt("round") else { return nil }
        guard (1...1000).contains(value) else { throw message.violation("round", "must be a round number from 1 to 1000") }
        return Int(value)
    }

    private func result(_ message: JSONMessage) throws -> ResultReport {
        guard let result = try message.optionalObject("result") else { throw message.violation("result", "is required") }
        try result.refuseUnknown(allowed: ["handled_by", "handled_at", "action_taken", "outcome"], in: "result")
        let handledBy = try result.requiredString("handled_by")
        guard (1...200).contains(Self.length(handledBy)) else { throw result.violation("handled_by", "must be 1 to 200 characters") }
        guard let handledAt = RFC3339.parse(try result.requiredString("handled_at")) else {
            throw result.violation("handled_at", "must be an RFC 3339 date-time with an offset")
        }
        let actionTaken = try result.requiredString("action_taken")
        guard (1...5000).contains(Self.length(actionTaken)) else { throw result.violation("action_taken", "must be 1 to 5000 characters") }
        guard let outcome = ResultReport.Outcome(rawValue: try result.requiredString("outcome")) else {
            throw result.violation("outcome", "must be one of \(ResultReport.Outcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return ResultReport(handledBy: handledBy, handledAt: handledAt, actionTaken: actionTaken, outcome: outcome)
    }

    private func redispatch(_ message: JSONMessage, required: Bool) throws -> CaseAction.Redispatch? {
        guard let target = try message.optionalObject("redispatch") else {
            if required { throw message.violation("redispatch", "is required") }
            return nil
        }
        try target.refuseUnknown(allowed: ["lead_unit", "co_units", "as_precedent"], in: "redispatch")
        return CaseAction.Redispatch(
            leadUnitID: try Self.unitID(try target.requiredString("lead_unit"), "lead_unit", in: target),
            coUnitIDs: try coUnits(target),
            asPrecedent: try target.optionalBool("as_precedent") ?? false)
    }

    /// Each co-unit id, a refusal naming its index (`/redispatch/co_units/1`).
    private func coUnits(_ target: JSONMessage) throws -> [String] {
        let list = JSONMessage(fields: [:], prefix: target.pointer("co_units"))
        return try (target.optionalStrings("co_units") ?? []).enumerated().map { try Self.unitID($1, "\($0)", in: list) }
    }

    /// A unit id as the schemas' `unit_id` allows it; a blank one would otherwise reach the
    /// state machine and come back as an unknown unit instead of a malformed action.
    private static func unitID(_ value: String, _ name: String, in message: JSONMessage) throws(IntakeRejection) -> String {
        guard (1...64).contains(length(value)), value.contains(where: { !$0.isWhitespace }) else {
            throw message.violation(name, "must be a unit id of 1 to 64 characters, not only whitespace; use the id of a unit in the routing file")
        }
        return value
    }

    /// A string's length as JSON Schema counts it (`minLength`, `maxLength`): in code
    /// points, not in grapheme clusters as `String.count` does.
    private static func length(_ value: String) -> Int { value.unicodeScalars.count }
}
