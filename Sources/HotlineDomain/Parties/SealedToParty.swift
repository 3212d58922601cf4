/// Data sealed to one party's sealing key with HPKE (RFC 9180) in base mode:
/// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305. Each use fixes its own
/// `info` and associated data (a work order: `hotline.work-orders.v1`, its event id and
/// unit id; a dead letter's original: `hotline.intake.dlq.v1` and its event id); the
/// party opens it with the private half of `keyID`.
public struct SealedToParty: Sendable, Codable, Equatable {
    /// The directory's id of the party's sealing key the data was sealed to.
    public var keyID: String
    /// The sender's encapsulated key (`enc`, 32 bytes), base64.
    public var encapsulatedKey: String
    /// The ciphertext with its 16-byte tag, base64.
    public var ciphertext: String

    public init(keyID: String, encapsulatedKey: String, ciphertext: String) {
        self.keyID = keyID
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }

    enum CodingKeys: String, CodingKey {
        case ciphertext
        case keyID = "key_id"
        case encapsulatedKey = "enc"
    }
}

/// Why data meant to be sealed to a party was not sent at all, rather than sent in clear.
public enum SealingWithheld: String, Sendable, Codable {
    /// The party has no sealing key valid at that instant in the directory.
    case noSealingKey = "no_sealing_key"
}
