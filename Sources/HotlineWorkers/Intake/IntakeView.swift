import Foundation
import HotlineDomain
import HotlinePostgres

/// What intake's load step read for one batch, one query per table: the state every
/// message of the batch is decided against. Deciding a message updates it, so a later
/// message of the same batch sees the cases, records and urges an earlier one made.
public struct IntakeView: Sendable, Equatable {
    /// The receipts of the appeals already received under the batch's (channel, external id) keys.
    var requests: [IntakeRequestKey: IntakeReceipt] = [:]
    /// The open (and repeat-blocked) cases of the batch's callers and named cases.
    var openCases: [StoredOpenCase] = []
    /// The knowledge entry versions the batch's appeals were answered from.
    var knowledge: [KnowledgeAnswer: KnowledgeAnswer.Found] = [:]

    /// The caller's open cases and the case the appeal names, oldest first: those loaded
    /// (by number), then those the batch opened, in order; each says whether its caller is
    /// the appeal's (a caller without a phone is nobody's).
    func candidates(phoneIndex: [UInt8]?, refersTo caseNumber: String?) -> [OpenCaseCandidate] {
        openCases.compactMap { stored in
            let sameCaller = phoneIndex != nil && stored.callerPhoneIndex == phoneIndex
            guard sameCaller || (caseNumber != nil && stored.candidate.caseNumber == caseNumber) else { return nil }
            var candidate = stored.candidate
            candidate.sameCaller = sameCaller
            return candidate
        }
    }
}

extension IntakeEvent {
    /// The appeal's idempotency key.
    var requestKey: IntakeRequestKey { IntakeRequestKey(channel: channel, externalID: externalID) }
}
