/// Personal data sealed for the callback and notification adapters with their contact
/// key (AES-256-GCM, combined nonce+ciphertext+tag in base64, the id of the task or
/// notification that carries it as authenticated data), so a topic carries it
/// unreadable to everyone else and it cannot be moved to another message.
public struct SealedContact: Sendable, Encodable, Equatable {
    public var keyID: String
    public var sealed: String

    public init(keyID: String, sealed: String) {
        self.keyID = keyID
        self.sealed = sealed
    }

    enum CodingKeys: String, CodingKey {
        case sealed
        case keyID = "key_id"
    }
}
