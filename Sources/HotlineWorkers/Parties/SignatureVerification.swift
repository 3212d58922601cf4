import Crypto
import HotlineDomain

/// The cryptography the domain's `MessageAuthenticator` is given, and what `hotline publish` signs with.
public enum SignatureVerification {
    /// Ed25519 (RFC 8032) over `bytes` with a 32-byte public key.
    @Sendable public static func verify(publicKey: [UInt8], signature: [UInt8], bytes: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: bytes)
    }

    /// The `hotline-signature` header for a message signed with `key` at `sentAtText`.
    public static func sign(
        topic: String, key messageKey: [UInt8]?, value: [UInt8], as party: String, with key: Curve25519.Signing.PrivateKey, sentAtText: String
    ) throws -> MessageSignature {
        let publicKey = Array(key.publicKey.rawRepresentation)
        let keyID = PartyKeyFile.keyID(party: party, purpose: .signing, publicKey: publicKey)
        let bytes = MessageSignature.signedBytes(keyID: keyID, sentAtText: sentAtText, topic: topic, key: messageKey, value: value)
        let signature = try key.signature(for: bytes)
        guard let sentAt = RFC3339.parse(sentAtText) else { throw SigningError(problem: "send time '\(sentAtText)' is not RFC 3339") }
        return MessageSignature(keyID: keyID, sentAtText: sentAtText, sentAt: sentAt, signature: Array(signature))
    }

    /// A SHA-256 over the topic, key and value, each length-prefixed: what binds an event id to its first bytes.
    public static func contentDigest(topic: String, key: [UInt8]?, value: [UInt8]?) -> [UInt8] {
        var hash = SHA256()
        for field in [Array(topic.utf8), key ?? [], value ?? []] {
            let length = UInt32(field.count)
            hash.update(data: [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)])
            hash.update(data: field)
        }
        return Array(hash.finalize())
    }
}

/// A message that could not be signed.
public struct SigningError: Error, CustomStringConvertible, Sendable {
    public var problem: String
    public var description: String { problem }
}
