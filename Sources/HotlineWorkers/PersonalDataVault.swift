import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres

/// Seals callers' personal data and what they said at rest (AES-256-GCM) and computes the
/// phone lookup index (HMAC-SHA256) that finds a caller's open cases without decrypting.
///
/// A case's caller, appeal and callback comments are sealed under a data key of the case's
/// own, kept wrapped under the key-encryption key `HOTLINE_DATA_KEY` (envelope encryption,
/// migration 0030): destroying the wrapped key erases that one case (crypto-shredding,
/// 《个人信息保护法》第四十七条), and a rotation re-wraps 32 bytes per case instead of re-sealing
/// its data. Every blob binds the case id and what it holds as authenticated data, so none can
/// be moved to another case or stand in for another blob. The text of an appeal not accepted
/// (no case) has a data key of its own the same way, bound to its channel and external id. The
/// caller and comments of a case from before migration 0030 are sealed directly under the
/// key-encryption key, bound to the case id alone; so is a text not accepted from before
/// migration 0037, bound to its channel and external id.
public struct PersonalDataVault: Sendable, CustomStringConvertible {
    private let active: KeyConfiguration.DataKey
    private let previous: [KeyConfiguration.DataKey]
    private let indexKey: [UInt8]

    /// Refuses to start a process that opens or seals personal data without its keys.
    public init(keys: KeyConfiguration) throws {
        guard let active = keys.active else {
            throw ConfigurationError(
                setting: "HOTLINE_DATA_KEY",
                problem: "is not set; give keyid:base64 of 32 random bytes (e.g. k1:$(openssl rand -base64 32)) to the processes that open personal data (intake, dispatch, callbacks, the centre's commands); only HOTLINE_DEV_MODE=1 runs without one")
        }
        guard let indexKey = keys.indexKey else {
            throw ConfigurationError(
                setting: "HOTLINE_INDEX_KEY",
                problem: "is not set; give base64 of 32 random bytes to the processes that open personal data; only HOTLINE_DEV_MODE=1 runs without one")
        }
        self.active = active
        self.previous = keys.previous
        self.indexKey = indexKey
    }

    public var activeKeyID: String { active.id }

    /// Key ids only: ServiceLifecycle logs the services a worker starts, and they hold the vault.
    public var description: String { "PersonalDataVault(active: \(active), previous: \(previous.map(\.id)), indexKey: <redacted>)" }

    // MARK: a case's own data key

    /// A new case's data key, wrapped under the active key-encryption key, with its caller
    /// and appeal sealed under it, and the key its replies are sealed under for the citizens'
    /// lookup (`LookupReplySealing`), where intake gives one.
    public func sealNewCase(
        _ caseID: UUID, caller: Caller, subject: String?, content: String, lookupReplyKey: SymmetricKey? = nil
    ) throws -> SealedCase {
        let dataKey = SymmetricKey(size: .bits256)
        return SealedCase(
            caseID: caseID, dataKey: try wrap(dataKey, caseID: caseID),
            callerSealed: try Self.seal(try JSONEncoder().encode(caller), with: dataKey, authenticating: .bound(.caller, caseID)),
            callerKeyID: SealedCase.caseKeyID,
            appealSealed: try Self.seal(
                try JSONEncoder().encode(AppealText(subject: subject, content: content)), with: dataKey, authenticating: .bound(.appeal, caseID)),
            lookupKeySealed: try lookupReplyKey.map {
                try Self.seal($0.withUnsafeBytes { Data($0) }, with: dataKey, authenticating: .bound(.lookupKey, caseID))
            })
    }

    /// The case's caller; a shredded case's is gone (`VaultError.shredded`).
    public func caller(of sealed: SealedCase) throws -> Caller {
        let data = try sealed.callerKeyID == SealedCase.caseKeyID
            ? Self.open(sealed.callerSealed, with: try dataKey(of: sealed), authenticating: .bound(.caller, sealed.caseID))
            : Self.open(sealed.callerSealed, with: try keyEncryptionKey(sealed.callerKeyID), authenticating: .caseOnly(sealed.caseID))
        return try JSONDecoder().decode(Caller.self, from: data)
    }

    /// The appeal's subject and content; nil once the case is shredded.
    public func appeal(of sealed: SealedCase) throws -> (subject: String?, content: String)? {
        guard let appealSealed = sealed.appealSealed else {
            return sealed.clearContent.map { (sealed.clearSubject, $0) }
        }
        guard sealed.dataKey != nil else { return nil }
        let text = try JSONDecoder().decode(
            AppealText.self, from: try Self.open(appealSealed, with: try dataKey(of: sealed), authenticating: .bound(.appeal, sealed.caseID)))
        return (text.subject, text.content)
    }

    /// Subject and content as the text rules read them (`IntakeEvent.text`); empty once shredded.
    public func text(of sealed: SealedCase) throws -> String {
        guard let appeal = try appeal(of: sealed) else { return "" }
        return appeal.subject.map { "\($0)\n\(appeal.content)" } ?? appeal.content
    }

    /// A citizen's callback comment (free text that may name people), sealed under the case's
    /// data key, or under the key-encryption key for a case from before migration 0030.
    public func seal(comment: String, caseID: UUID, dataKey: WrappedDataKey?) throws -> SealedText {
        guard let dataKey else {
            return SealedText(
                sealed: try Self.seal(Data(comment.utf8), with: active.symmetricKey, authenticating: .caseOnly(caseID)),
                keyID: active.id)
        }
        return SealedText(
            sealed: try Self.seal(Data(comment.utf8), with: try unwrap(dataKey, caseID: caseID), authenticating: .bound(.comment, caseID)),
            keyID: SealedCase.caseKeyID)
    }

    /// A callback comment, opened for the centre's staff.
    public func open(comment: SealedText, caseID: UUID, dataKey: WrappedDataKey?) throws -> String {
        guard comment.keyID == SealedCase.caseKeyID else {
            return String(decoding: try Self.open(comment.sealed, with: try keyEncryptionKey(comment.keyID), authenticating: .caseOnly(caseID)), as: UTF8.self)
        }
        guard let dataKey else { throw VaultError.shredded(caseID) }
        return String(
            decoding: try Self.open(comment.sealed, with: try unwrap(dataKey, caseID: caseID), authenticating: .bound(.comment, caseID)),
            as: UTF8.self)
    }

    /// The case's data key wrapped under the active key-encryption key (key rotation).
    public func rewrap(_ key: WrappedDataKey, caseID: UUID) throws -> WrappedDataKey {
        try wrap(try unwrap(key, caseID: caseID), caseID: caseID)
    }

    /// A case from before migration 0030 given its own data key: the caller and text sealed
    /// under it (key rotation moves every old case this way).
    public func ownKey(for sealed: SealedCase) throws -> SealedCase {
        guard let appeal = try appeal(of: sealed) else { throw VaultError.shredded(sealed.caseID) }
        return try sealNewCase(sealed.caseID, caller: try caller(of: sealed), subject: appeal.subject, content: appeal.content)
    }

    /// A comment of a case from before migration 0030, sealed again under the active
    /// key-encryption key (key rotation); what it holds is not looked at.
    public func reseal(comment: SealedText, caseID: UUID) throws -> SealedText {
        let data = try Self.open(comment.sealed, with: try keyEncryptionKey(comment.keyID), authenticating: .caseOnly(caseID))
        return SealedText(sealed: try Self.seal(data, with: active.symmetricKey, authenticating: .caseOnly(caseID)), keyID: active.id)
    }

    // MARK: what units and staff wrote

    /// A history row's detail with its free text (`HistoryFreeText`) sealed under the case's
    /// data key. A shredded case's new rows keep no free text, since nothing could open it
    /// again; a case from before migration 0030 keeps it in clear like the rest of its text,
    /// until `hotline keys reencrypt` gives it a data key (a row sealed under the
    /// key-encryption key would be lost with that key, and history rows are never rewritten).
    public func sealingFreeText(in detail: [String: String], of sealed: SealedCase) throws -> [String: String] {
        let (clear, texts) = HistoryFreeText.split(detail)
        guard !texts.isEmpty, let dataKey = sealed.dataKey else { return sealed.shredded ? clear : detail }
        let text = try Self.seal(
            try JSONEncoder().encode(texts), with: try unwrap(dataKey, caseID: sealed.caseID), authenticating: .bound(.history, sealed.caseID))
        return clear.merging([
            HistoryFreeText.sealedMember: Data(text).base64EncodedString(), HistoryFreeText.sealedKeyMember: SealedCase.caseKeyID,
        ]) { $1 }
    }

    /// A result's reply sealed for the citizens' lookup under the case's lookup key; nil for a
    /// case without one (accepted before migration 0035) or shredded.
    public func sealLookupReply(_ reply: String, of sealed: SealedCase) throws -> [UInt8]? {
        guard let wrapped = sealed.lookupKeySealed, let dataKey = sealed.dataKey else { return nil }
        let key = SymmetricKey(data: try Self.open(wrapped, with: try unwrap(dataKey, caseID: sealed.caseID), authenticating: .bound(.lookupKey, sealed.caseID)))
        return try LookupReplySealing.seal(reply, with: key, caseID: sealed.caseID)
    }

    /// One free-text member of a history row as stored: the clear text of a row from before
    /// migration 0035, or the member opened from the row's sealed texts; nil when the row has
    /// none or its case is shredded.
    public func open(_ stored: StoredHistoryText, member: String, of sealed: SealedCase) throws -> String? {
        switch stored {
        case let .clear(text): return text
        case let .sealed(text): return try openFreeText(text, of: sealed)?[member]
        }
    }

    /// Each earlier round's report with the unit's action taken opened (a reopen's work order carries them).
    public func opened(_ reports: [StoredRoundReport], of sealed: SealedCase) throws -> [RoundReport] {
        try reports.map { stored in
            var report = stored.report
            report.actionTaken = try stored.actionTaken.flatMap { try open($0, member: HistoryFreeText.reason, of: sealed) }
            return report
        }
    }

    /// Every free-text member of a sealed history row; nil once the case is shredded.
    public func openFreeText(_ text: SealedText, of sealed: SealedCase) throws -> [String: String]? {
        guard let dataKey = sealed.dataKey else { return nil }
        return try JSONDecoder().decode(
            [String: String].self,
            from: try Self.open(text.sealed, with: try unwrap(dataKey, caseID: sealed.caseID), authenticating: .bound(.history, sealed.caseID)))
    }

    // MARK: an appeal not accepted

    /// The text of an appeal redirected or not accepted, sealed under a data key of its own
    /// that is wrapped under the active key-encryption key (migration 0037), both bound to the
    /// appeal's channel and external id.
    public func seal(requestText text: String, of request: IntakeRequestKey) throws -> SealedRequestText {
        let dataKey = SymmetricKey(size: .bits256)
        return SealedRequestText(
            sealed: try Self.seal(Data(text.utf8), with: dataKey, authenticating: .request(request)),
            key: .own(try wrap(dataKey, binding: .requestDataKey(request))))
    }

    public func open(requestText sealed: SealedRequestText, of request: IntakeRequestKey) throws -> String {
        let key = switch sealed.key {
        case let .own(dataKey): try unwrap(dataKey, binding: .requestDataKey(request))
        case let .keyEncryptionKey(id): try keyEncryptionKey(id)
        }
        return String(decoding: try Self.open(sealed.sealed, with: key, authenticating: .request(request)), as: UTF8.self)
    }

    /// The text under the active key-encryption key (key rotation): its data key re-wrapped,
    /// or, written before migration 0037, given a data key of its own.
    public func rotated(requestText sealed: SealedRequestText, of request: IntakeRequestKey) throws -> SealedRequestText {
        guard case let .own(dataKey) = sealed.key else {
            return try seal(requestText: try open(requestText: sealed, of: request), of: request)
        }
        let binding = Binding.requestDataKey(request)
        return SealedRequestText(sealed: sealed.sealed, key: .own(try wrap(try unwrap(dataKey, binding: binding), binding: binding)))
    }

    // MARK: index

    public func phoneIndex(_ caller: Caller) -> [UInt8]? {
        guard let phone = caller.normalizedPhone else { return nil }
        return Array(HMAC<SHA256>.authenticationCode(for: Data(phone.utf8), using: SymmetricKey(data: indexKey)))
    }

    // MARK: primitives

    private struct AppealText: Codable {
        var subject: String?
        var content: String
    }

    /// What a blob under a case's data key holds, bound into its authenticated data.
    private enum Purpose: String {
        case dataKey = "data-key"
        case caller
        case appeal
        case comment
        case history
        case lookupKey = "lookup-key"
    }

    /// The authenticated data a blob is bound to.
    private enum Binding {
        /// A blob of a case, under its data key (or the data key itself, under the key-encryption key).
        case bound(Purpose, UUID)
        /// The caller or a comment of a case from before migration 0030.
        case caseOnly(UUID)
        /// The text of an appeal not accepted.
        case request(IntakeRequestKey)
        /// Its data key, under the key-encryption key.
        case requestDataKey(IntakeRequestKey)

        var data: Data {
            switch self {
            case let .bound(purpose, caseID): Data("\(purpose.rawValue):\(caseID.uuidString.lowercased())".utf8)
            case let .caseOnly(caseID): Data(caseID.uuidString.lowercased().utf8)
            case let .request(key): Data("appeal-text:\(key.channel.rawValue):\(key.externalID)".utf8)
            case let .requestDataKey(key): Data("appeal-text-key:\(key.channel.rawValue):\(key.externalID)".utf8)
            }
        }
    }

    private func keyEncryptionKey(_ id: String) throws -> SymmetricKey {
        guard let key = ([active] + previous).first(where: { $0.id == id }) else { throw VaultError.unknownKey(id) }
        return key.symmetricKey
    }

    private func dataKey(of sealed: SealedCase) throws -> SymmetricKey {
        guard let key = sealed.dataKey else { throw VaultError.shredded(sealed.caseID) }
        return try unwrap(key, caseID: sealed.caseID)
    }

    private func wrap(_ dataKey: SymmetricKey, caseID: UUID) throws -> WrappedDataKey {
        try wrap(dataKey, binding: .bound(.dataKey, caseID))
    }

    private func unwrap(_ key: WrappedDataKey, caseID: UUID) throws -> SymmetricKey {
        try unwrap(key, binding: .bound(.dataKey, caseID))
    }

    private func wrap(_ dataKey: SymmetricKey, binding: Binding) throws -> WrappedDataKey {
        WrappedDataKey(
            wrapped: try Self.seal(dataKey.withUnsafeBytes { Data($0) }, with: active.symmetricKey, authenticating: binding), keyID: active.id)
    }

    private func unwrap(_ key: WrappedDataKey, binding: Binding) throws -> SymmetricKey {
        SymmetricKey(data: try Self.open(key.wrapped, with: try keyEncryptionKey(key.keyID), authenticating: binding))
    }

    private static func seal(_ plaintext: Data, with key: SymmetricKey, authenticating binding: Binding) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: binding.data).combined else { throw VaultError.sealFailed }
        return Array(combined)
    }

    private static func open(_ sealed: [UInt8], with key: SymmetricKey, authenticating binding: Binding) throws -> Data {
        try AES.GCM.open(try AES.GCM.SealedBox(combined: Data(sealed)), using: key, authenticating: binding.data)
    }
}

public enum VaultError: Error, CustomStringConvertible {
    case sealFailed
    case unknownKey(String)
    case shredded(UUID)

    public var description: String {
        switch self {
        case .sealFailed: "sealing personal data failed"
        case let .unknownKey(id): "no key '\(id)' is configured; add it to HOTLINE_DATA_KEYS_PREVIOUS"
        case let .shredded(caseID): "case \(caseID.uuidString.lowercased()) was shredded (retention): its data key is destroyed and its personal data cannot be opened"
        }
    }
}
