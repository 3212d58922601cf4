/// Who may send what on the inbound topics (issue 19): a well-signed message is still
/// refused (`forbidden`) when its sender may not send it. The sentences speak to the
/// sender about itself and never name another party.
public enum SenderAuthorisation {
    /// A unit acts only for itself, on `hotline.unit-actions.v1`; the centre's actions
    /// (approvals, re-dispatch, urges, reopening…) come only from the centre (长沙 第十六条、
    /// 第二十条; the centre decides, the unit handles).
    public static func refusal(of action: CaseAction, from sender: Party) -> String? {
        switch action.actor {
        case let .unit(unitID, _):
            guard sender.kind == .unit else { return "Unit actions are signed by the unit that acts; this message is signed by a key that is not a unit's." }
            guard sender.id == unitID else { return "A unit acts only for itself: sign with your own key and give your own unit_id." }
            return nil
        case .centre:
            return sender.kind == .centre ? nil : "Centre actions are accepted only when signed by the centre's key."
        }
    }

    /// A unit publishes only its own entries; only the centre approves or rejects a
    /// version (长沙 第八条（二） 信息审核、发布).
    public static func refusal(of event: KnowledgeEvent, from sender: Party) -> String? {
        switch event {
        case let .published(entry):
            guard sender.kind == .unit, sender.id == entry.unitID else {
                return "A knowledge entry is published by the unit that owns it: sign with your own key and give your own unit_id."
            }
            return nil
        case .reviewed:
            return sender.kind == .centre ? nil : "Knowledge entries are approved or rejected only by the centre's key."
        }
    }

    /// A callback result comes from the task's performer: the unit where the policy has the
    /// unit call back (宜宾 第十一条（五）2 「责任单位对所经办的信件，要跟踪回访」), otherwise a callback adapter (the
    /// centre's SMS gateway, IVR or callback seats, 长沙 第二十六条).
    public static func refusal(ofResultFor performerUnitID: String?, from sender: Party) -> String? {
        if let performerUnitID {
            return sender.kind == .unit && sender.id == performerUnitID ? nil : "This callback task is not yours to perform; only its performer reports its result."
        }
        return sender.kind == .callbackAdapter ? nil : "This callback task is performed by the centre's callback service; only a callback adapter reports its result."
    }
}
