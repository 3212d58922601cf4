/// Where a case stands in its lifecycle (DESIGN.md "The case lifecycle").
public enum CaseStatus: String, Sendable, Codable, CaseIterable {
    case accepted
    case awaitingManualDispatch = "awaiting_manual_dispatch"
    /// The operator found nothing in the knowledge base; the centre itself owes the caller
    /// a reply within `limits.reply` (长沙 第十六条（一）), no unit holds it.
    case awaitingReply = "awaiting_reply"
    /// Sent to the lead unit, not yet signed (签收).
    case dispatched
    /// Signed; the unit is handling it.
    case signed
    /// The unit asked to send it back (退回); the centre decides.
    case returnRequested = "return_requested"
    /// The unit asked for more time (延期); the centre decides.
    case extensionRequested = "extension_requested"
    /// The unit submitted its result; the centre reviews it (办结审核).
    case resultSubmitted = "result_submitted"
    /// The centre approved the result.
    case resolved
    case closed, archived

    /// A lead unit holds the order.
    public var isWithUnit: Bool {
        [.dispatched, .signed, .returnRequested, .extensionRequested].contains(self)
    }

    /// Still open: supervision and urges apply.
    public var isOpen: Bool { ![.resolved, .closed, .archived].contains(self) }

    /// A repeat appeal about a case in this status is linked to it as an urge (催办) rather
    /// than opening a new case (鄂尔多斯 第十八条（四）「对正在办理中的事项…向承办单位催办」): every status
    /// until the case is closed, a resolved case awaiting its callback included.
    public var takesUrges: Bool { self != .closed && self != .archived }
}
