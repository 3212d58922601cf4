import Foundation

/// Checks who sent a message on an inbound topic (issue 19): a `hotline-signature` header
/// whose key is in the directory and valid at the instant the message is received, a
/// signature that verifies over the message, and a send time within the window. What it
/// refuses is `unauthenticated`; its sentences name no party, so a stranger learns nothing.
public struct MessageAuthenticator: Sendable {
    /// How far before its receipt a message may have been sent: a worker that was stopped
    /// catches up on a day of messages; an older one is a replay. A message sent more than
    /// `futureSkew` after its receipt comes from a clock that is wrong.
    public static let window: TimeInterval = 24 * 3600
    public static let futureSkew: TimeInterval = 5 * 60

    public var directory: PartyDirectory
    /// Ed25519 verification (RFC 8032) of a signature over bytes with a 32-byte public key,
    /// given by the caller: the domain does no cryptography.
    public var verify: @Sendable (_ publicKey: [UInt8], _ signature: [UInt8], _ bytes: [UInt8]) -> Bool

    public init(directory: PartyDirectory, verify: @escaping @Sendable (_ publicKey: [UInt8], _ signature: [UInt8], _ bytes: [UInt8]) -> Bool) {
        self.directory = directory
        self.verify = verify
    }

    /// The party that signed the message, or why it is refused.
    public func sender(
        topic: String, key: [UInt8]?, value: [UInt8]?, headers: [(key: String, value: [UInt8]?)], receivedAt: Date
    ) -> Result<Party, IntakeRejection> {
        let values = headers.filter { $0.key == MessageSignature.header }
        guard !values.isEmpty else { return .failure(Self.unsigned(topic: topic)) }
        guard values.count == 1, let headerValue = values[0].value, let signature = MessageSignature.parse(headerValue) else {
            return .failure(Self.refusal("The hotline-signature header must appear once and hold a key id, an RFC 3339 send time and a Base64 Ed25519 signature, separated by single spaces (docs/CONTRACTS.md \"Signed messages\")."))
        }
        guard let signingKey = directory.key(signature.keyID), signingKey.purpose == .signing, signingKey.isValid(at: receivedAt),
              let party = directory.party(signingKey.partyID)
        else {
            return .failure(Self.refusal("The message is signed with a key that is not valid now (unknown, revoked, or outside its validity); sign with the key the directory holds for you (`hotline parties keys list`)."))
        }
        let bytes = MessageSignature.signedBytes(keyID: signature.keyID, sentAtText: signature.sentAtText, topic: topic, key: key, value: value ?? [])
        guard verify(signingKey.publicKey, signature.signature, bytes) else {
            return .failure(Self.refusal("The signature does not verify over this topic, key and value with the key it names; sign the bytes exactly as docs/CONTRACTS.md \"Signed messages\" defines them."))
        }
        guard signature.sentAt >= receivedAt.addingTimeInterval(-Self.window), signature.sentAt <= receivedAt.addingTimeInterval(Self.futureSkew) else {
            return .failure(Self.refusal("The message was sent at \(signature.sentAtText), outside the window of 24 hours before to 5 minutes after its receipt; a replayed message is not accepted, send a new one."))
        }
        return .success(party)
    }

    /// The refusal of a message without a signature.
    public static func unsigned(topic: String) -> IntakeRejection {
        refusal("The message carries no hotline-signature header; every message on \(topic) must be signed by its sender's key (docs/CONTRACTS.md \"Signed messages\").")
    }

    static func refusal(_ sentence: String) -> IntakeRejection { IntakeRejection(.unauthenticated, sentence) }
}
