import Crypto
import Foundation
import HotlineDomain

/// Seals callers' personal data at rest (AES-256-GCM, the case id as authenticated
/// data so a sealed blob cannot be moved to another case) and computes the phone
/// lookup index (HMAC-SHA256) that finds a caller's open cases without decrypting.
public struct PersonalDataVault: Sendable {
    private let keys: KeyConfiguration

    public init(keys: KeyConfiguration) {
        self.keys = keys
    }

    public var activeKeyID: String { keys.active.id }

    public func seal(_ caller: Caller, caseID: UUID) throws -> [UInt8] {
        try seal(try JSONEncoder().encode(caller), caseID: caseID)
    }

    public func open(_ sealed: [UInt8], keyID: String, caseID: UUID) throws -> Caller {
        try JSONDecoder().decode(Caller.self, from: try openBytes(sealed, keyID: keyID, caseID: caseID))
    }

    /// Free text sealed with `seal(text:caseID:)` (a callback comment), opened for the centre's staff.
    public func openText(_ sealed: [UInt8], keyID: String, caseID: UUID) throws -> String {
        String(decoding: try openBytes(sealed, keyID: keyID, caseID: caseID), as: UTF8.self)
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

    /// Free text that may name the caller (a callback comment), sealed like the caller's data.
    public func seal(text: String, caseID: UUID) throws -> [UInt8] {
        try seal(Data(text.utf8), caseID: caseID)
    }

    private func seal(_ plaintext: Data, caseID: UUID) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: keys.active.symmetricKey, authenticating: Data(caseID.uuidString.lowercased().utf8))
        guard let combined = box.combined else { throw VaultError.sealFailed }
        return Array(combined)
    }

    public func phoneIndex(_ caller: Caller) -> [UInt8]? {
        guard let phone = caller.normalizedPhone else { return nil }
        return Array(HMAC<SHA256>.authenticationCode(for: Data(phone.utf8), using: SymmetricKey(data: keys.indexKey)))
    }
}

public enum VaultError: Error, CustomStringConvertible {
    case sealFailed
    case unknownKey(String)

    public var description: String {
        switch self {
        case .sealFailed: "sealing personal data failed"
        case let .unknownKey(id): "no key '\(id)' is configured; add it to HOTLINE_DATA_KEYS_PREVIOUS"
        }
    }
}
