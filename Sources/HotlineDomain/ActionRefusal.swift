/// Why an action was refused; sent to the actor on `hotline.action-outcomes.v1`
/// with the case left untouched.
public struct ActionRefusal: Sendable, Equatable, Error {
    public enum Code: String, Sendable, CaseIterable {
        /// No such case in this centre.
        case unknownCase = "unknown_case"
        /// The action is not allowed in the case's current status.
        case wrongState = "wrong_state"
        /// The unit does not hold this order (not the current lead, or not a co-unit).
        case notAssignedUnit = "not_assigned_unit"
        /// The action's window has passed (return window, extension before expiry).
        case windowClosed = "window_closed"
        /// The policy allows no more of these in this round (a second extension in 长沙).
        case limitReached = "limit_reached"
        /// The requested date is beyond what the policy allows or not after the current deadline.
        case dateNotAllowed = "date_not_allowed"
        /// The running policy does not provide this action.
        case notProvided = "not_provided"
        /// A unit id that is not in the unit network.
        case unknownUnit = "unknown_unit"
        /// A rating appeal on a ground the policy does not list (长沙 第二十七条).
        case unknownGround = "unknown_ground"
        /// The action would change nothing (a case already marked).
        case noChange = "no_change"
        /// The message is not a valid action (see the topic's schema).
        case malformed
        /// Well signed, but its sender may not send it: a unit acting for another unit, a
        /// centre action not signed by the centre (issue 19, `SenderAuthorisation`).
        case forbidden
    }

    public var code: Code
    public var reason: String
    /// The article the refusal rests on, when a regulation sets it.
    public var article: String?

    public init(_ code: Code, _ reason: String, article: String? = nil) {
        self.code = code
        self.reason = reason
        self.article = article
    }
}
