import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres

/// Seals callers' personal data at rest (AES-256-GCM, the case id as authenticated
/// data so a sealed blob cannot be moved to another case) and computes the phone
/// lookup index (HMAC-SHA256) that finds a caller's open cases without decrypting.
///
/// A case's caller and appeal are sealed under a data key of the case's own, kept wrapped
/// under the key-encryption key `HOTLINE_DATA_KEY` (envelope encryption, migration 0030):
/// destroying the wrapped key erases that one case (crypto-shredding, 《个人信息保护法》
/// 第四十七条), and a rotation re-wraps 32 bytes per case instead of re-sealing its data.
public struct PersonalDataVault: Sendable {
    private let keys: KeyConfiguration

    public init(keys: KeyConfiguration) {
        self.keys = keys
    }

    public var activeKeyID: String { keys.active.id }

    /// A caller sealed directly under a key-encryption key (a case from before migration 0030).
    private func open(_ sealed: [UInt8], keyID: String, caseID: UUID) throws -> Caller {
        try JSONDecoder().decode(Caller.self, from: try openBytes(sealed, keyID: keyID, caseID: caseID))
    }

    /// A citizen's callback comment (free text that may name people), sealed under the case's
    /// own data key, or directly under the key-encryption key for a case from before migration 0030.
    public func seal(comment: String, caseID: UUID, dataKey: WrappedDataKey?) throws -> SealedText {
        guard let dataKey else { return SealedText(sealed: try seal(Data(comment.utf8), caseID: caseID), keyID: keys.active.id) }
        let key = try unwrap(dataKey, caseID: caseID)
        return SealedText(sealed: try seal(Data(comment.utf8), with: key, purpose: .comment, caseID: caseID), keyID: SealedCase.caseKeyID)
    }

    /// A callback comment, opened for the centre's staff; one under the case's own key needs
    /// the case's data key (`SealedCase.dataKey`).
    public func open(comment: SealedText, caseID: UUID, dataKey: WrappedDataKey?) throws -> String {
        guard comment.keyID == SealedCase.caseKeyID else {
            return String(decoding: try openBytes(comment.sealed, keyID: comment.keyID, caseID: caseID), as: UTF8.self)
        }
        guard let dataKey else { throw VaultError.shredded(caseID) }
        return String(decoding: try open(comment.sealed, with: try unwrap(dataKey, caseID: caseID), purpose: .comment, caseID: caseID), as: UTF8.self)
    }

    /// A blob sealed under an older key, sealed again under the active one (key rotation:
    /// `hotline keys reencrypt`); what it holds is not looked at.
    public func reseal(_ sealed: [UInt8], keyID: String, caseID: UUID) throws -> [UInt8] {
        try seal(try openBytes(sealed, keyID: keyID, caseID: caseID), caseID: caseID)
    }

    private func openBytes(_ sealed: [UInt8], keyID: String, caseID: UUID) throws -> Data {
        guard let key = ([keys.active] + keys.previous).first(where: { $0.id == keyID })?.symmetricKey else {
            throw VaultError.unknownKey(keyID)
        }
        let box = try AES.GCM.SealedBox(combined: Data(sealed))
        return try AES.GCM.open(box, using: key, authenticating: Data(caseID.uuidString.lowercased().utf8))
    }

    private func seal(_ plaintext: Data, caseID: UUID) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: keys.active.symmetricKey, authenticating: Data(caseID.uuidString.lowercased().utf8))
        guard let combined = box.combined else { throw VaultError.sealFailed }
        return Array(combined)
    }

    // MARK: an appeal not accepted

    /// The text of an appeal redirected or not accepted, sealed under the active key-encryption
    /// key with its channel and external id as authenticated data.
    public func seal(requestText text: String, of request: IntakeRequestKey) throws -> SealedText {
        let box = try AES.GCM.seal(Data(text.utf8), using: keys.active.symmetricKey, authenticating: Self.associatedData(request))
        guard let combined = box.combined else { throw VaultError.sealFailed }
        return SealedText(sealed: Array(combined), keyID: keys.active.id)
    }

    public func open(requestText sealed: SealedText, of request: IntakeRequestKey) throws -> String {
        guard let key = ([keys.active] + keys.previous).first(where: { $0.id == sealed.keyID })?.symmetricKey else {
            throw VaultError.unknownKey(sealed.keyID)
        }
        let box = try AES.GCM.SealedBox(combined: Data(sealed.sealed))
        return String(decoding: try AES.GCM.open(box, using: key, authenticating: Self.associatedData(request)), as: UTF8.self)
    }

    private static func associatedData(_ request: IntakeRequestKey) -> Data {
        Data("appeal-text:\(request.channel.rawValue):\(request.externalID)".utf8)
    }

    // MARK: a case's own data key

    /// A new case's data key, wrapped under the active key-encryption key, with its caller
    /// and appeal sealed under it.
    public func sealNewCase(_ caseID: UUID, caller: Caller, subject: String?, content: String) throws -> SealedCase {
        let dataKey = SymmetricKey(size: .bits256)
        return SealedCase(
            caseID: caseID, dataKey: try wrap(dataKey, caseID: caseID),
            callerSealed: try seal(try JSONEncoder().encode(caller), with: dataKey, purpose: .caller, caseID: caseID),
            callerKeyID: SealedCase.caseKeyID,
            appealSealed: try seal(try JSONEncoder().encode(AppealText(subject: subject, content: content)), with: dataKey, purpose: .appeal, caseID: caseID))
    }

    /// The case's caller; a shredded case's is gone (`VaultError.shredded`).
    public func caller(of sealed: SealedCase) throws -> Caller {
        guard sealed.callerKeyID == SealedCase.caseKeyID else {
            return try open(sealed.callerSealed, keyID: sealed.callerKeyID, caseID: sealed.caseID)
        }
        let data = try open(sealed.callerSealed, with: try dataKey(of: sealed), purpose: .caller, caseID: sealed.caseID)
        return try JSONDecoder().decode(Caller.self, from: data)
    }

    /// The appeal's subject and content; nil once the case is shredded.
    public func appeal(of sealed: SealedCase) throws -> (subject: String?, content: String)? {
        guard let appealSealed = sealed.appealSealed else {
            return sealed.clearContent.map { (sealed.clearSubject, $0) }
        }
        guard sealed.dataKey != nil else { return nil }
        let text = try JSONDecoder().decode(
            AppealText.self, from: try open(appealSealed, with: try dataKey(of: sealed), purpose: .appeal, caseID: sealed.caseID))
        return (text.subject, text.content)
    }

    /// Subject and content as the text rules read them (`IntakeEvent.text`); empty once shredded.
    public func text(of sealed: SealedCase) throws -> String {
        guard let appeal = try appeal(of: sealed) else { return "" }
        return appeal.subject.map { "\($0)\n\(appeal.content)" } ?? appeal.content
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

    private struct AppealText: Codable {
        var subject: String?
        var content: String
    }

    /// What a blob sealed under a case's data key holds, bound into its authenticated data so
    /// one blob cannot stand in for another of the same case.
    private enum Purpose: String {
        case dataKey = "data-key"
        case caller
        case appeal
        case comment
    }

    private func dataKey(of sealed: SealedCase) throws -> SymmetricKey {
        guard let key = sealed.dataKey else { throw VaultError.shredded(sealed.caseID) }
        return try unwrap(key, caseID: sealed.caseID)
    }

    private func wrap(_ dataKey: SymmetricKey, caseID: UUID) throws -> WrappedDataKey {
        let bytes = dataKey.withUnsafeBytes { Data($0) }
        return WrappedDataKey(wrapped: try seal(bytes, with: keys.active.symmetricKey, purpose: .dataKey, caseID: caseID), keyID: keys.active.id)
    }

    private func unwrap(_ key: WrappedDataKey, caseID: UUID) throws -> SymmetricKey {
        guard let encryptionKey = ([keys.active] + keys.previous).first(where: { $0.id == key.keyID })?.symmetricKey else {
            throw VaultError.unknownKey(key.keyID)
        }
        return SymmetricKey(data: try open(key.wrapped, with: encryptionKey, purpose: .dataKey, caseID: caseID))
    }

    private func seal(_ plaintext: Data, with key: SymmetricKey, purpose: Purpose, caseID: UUID) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Self.associatedData(purpose, caseID))
        guard let combined = box.combined else { throw VaultError.sealFailed }
        return Array(combined)
    }

    private func open(_ sealed: [UInt8], with key: SymmetricKey, purpose: Purpose, caseID: UUID) throws -> Data {
        try AES.GCM.open(try AES.GCM.SealedBox(combined: Data(sealed)), using: key, authenticating: Self.associatedData(purpose, caseID))
    }

    private static func associatedData(_ purpose: Purpose, _ caseID: UUID) -> Data {
        Data("\(purpose.rawValue):\(caseID.uuidString.lowercased())".utf8)
    }

    // MARK: index

    public func phoneIndex(_ caller: Caller) -> [UInt8]? {
        guard let phone = caller.normalizedPhone else { return nil }
        return Array(HMAC<SHA256>.authenticationCode(for: Data(phone.utf8), using: SymmetricKey(data: keys.indexKey)))
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
