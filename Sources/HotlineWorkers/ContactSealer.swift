import Crypto
import Foundation
import HotlineDomain

/// Seals the caller's phone number for the callback and notification adapters
/// (AES-256-GCM with `HOTLINE_CONTACT_KEY`, the id of the task or notification as
/// authenticated data), so the topic carries it unreadable to everyone else and a
/// sealed number cannot be moved to another message. Adapters open it with the same
/// key; `open` is what they do.
public struct ContactSealer: Sendable {
    let key: KeyConfiguration.DataKey

    public init(key: KeyConfiguration.DataKey) {
        self.key = key
    }

    /// Reads the contact key or says how to set it; the callbacks worker cannot start without it.
    public init(configuration: KeyConfiguration) throws {
        guard let key = configuration.contact else {
            throw ConfigurationError(
                setting: "HOTLINE_CONTACT_KEY",
                problem: "is not set; give keyid:base64 of 32 random bytes shared with the callback and notification adapters (e.g. c1:$(openssl rand -base64 32)); only HOTLINE_DEV_MODE=1 runs without one")
        }
        self.key = key
    }

    /// Seals a text (the phone, or a unit's reply on a result notification) for the
    /// message `id` (a callback task or a notification): the id is the authenticated data.
    public func seal(_ text: String, for id: UUID) throws -> SealedContact {
        let box = try AES.GCM.seal(Data(text.utf8), using: SymmetricKey(data: key.key), authenticating: Self.authenticated(id))
        guard let combined = box.combined else { throw VaultError.sealFailed }
        return SealedContact(keyID: key.id, sealed: combined.base64EncodedString())
    }

    public func open(_ contact: SealedContact, for id: UUID) throws -> String {
        guard contact.keyID == key.id, let combined = Data(base64Encoded: contact.sealed) else { throw VaultError.unknownKey(contact.keyID) }
        let box = try AES.GCM.SealedBox(combined: combined)
        return String(decoding: try AES.GCM.open(box, using: SymmetricKey(data: key.key), authenticating: Self.authenticated(id)), as: UTF8.self)
    }

    static func authenticated(_ id: UUID) -> Data { Data(id.uuidString.lowercased().utf8) }
}
