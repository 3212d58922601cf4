/// What the caller's receipt (`hotline.intake.receipts.v1`) says of a decision, so the
/// intake worker and `hotline intake judge` tell every appeal the same thing.
extension IntakeDecision {
    /// The reason code of a receipt that links an appeal to an open case (鄂尔多斯 第十八条（四）).
    public static let repeatOfOpenCase = "repeat_of_open_case"

    /// The receipt's outcome; nil for a refused event, which is dead-lettered and gets none.
    /// A redirect is told as such only when the rule names where the caller is sent
    /// (policy validation asks every redirect rule for one); otherwise the caller hears
    /// that the appeal is not accepted and why (长沙 第十四条).
    public func receiptOutcome(under policy: Policy) -> IntakeReceipt.Outcome? {
        switch self {
        case .accept, .answerDirectly, .awaitReply: .accepted
        case .merge: .merged
        case let .redirect(rule), let .notAccept(rule):
            rule.to != nil && policy.scope.redirect.contains(rule) ? .redirected : .notAccepted
        case .refuse: nil
        }
    }
}
