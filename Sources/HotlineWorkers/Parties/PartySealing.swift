import Crypto
import Foundation
import HotlineDomain

/// HPKE (RFC 9180) base mode to one party's sealing key: DHKEM(X25519, HKDF-SHA256),
/// HKDF-SHA256, ChaCha20-Poly1305. Sealing draws a fresh ephemeral key from the system's
/// randomness, so it runs at a worker's edge (its flush), never inside a decision. Each
/// use names its `info` (the topic) and associated data (what the sealed data belongs to).
public enum PartySealing {
    static var ciphersuite: HPKE.Ciphersuite { .Curve25519_SHA256_ChachaPoly }

    /// Seals `plaintext` to `key`; nil when the directory's public key is not an X25519 key.
    public static func seal(_ plaintext: some DataProtocol, info: [UInt8], authenticating associatedData: [UInt8], to key: PartySealingKey) throws -> SealedToParty? {
        guard let recipient = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: key.publicKey) else { return nil }
        var sender = try HPKE.Sender(recipientKey: recipient, ciphersuite: ciphersuite, info: Data(info))
        let ciphertext = try sender.seal(plaintext, authenticating: associatedData)
        return SealedToParty(
            keyID: key.keyID, encapsulatedKey: sender.encapsulatedKey.base64EncodedString(), ciphertext: ciphertext.base64EncodedString())
    }

    /// The plaintext, or nil when it does not open with `privateKey` under this `info` and
    /// associated data: another key, another party's data, or data moved from elsewhere.
    public static func open(
        _ sealed: SealedToParty, info: [UInt8], authenticating associatedData: [UInt8], with privateKey: Curve25519.KeyAgreement.PrivateKey
    ) -> Data? {
        guard let enc = Data(base64Encoded: sealed.encapsulatedKey), let ciphertext = Data(base64Encoded: sealed.ciphertext) else { return nil }
        guard var recipient = try? HPKE.Recipient(privateKey: privateKey, ciphersuite: ciphersuite, info: Data(info), encapsulatedKey: enc) else {
            return nil
        }
        return try? recipient.open(ciphertext, authenticating: associatedData)
    }
}
