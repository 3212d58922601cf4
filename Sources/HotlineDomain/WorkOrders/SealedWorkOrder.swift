/// A work order's content sealed to the receiving unit with HPKE (RFC 9180) in base mode:
/// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305; `info` is
/// `hotline.work-orders.v1`, the associated data the order's event id and the unit id
/// (`WorkOrder.associatedData`). The unit opens it with the private half of `keyID`.
public struct SealedWorkOrder: Sendable, Codable, Equatable {
    /// The directory's id of the unit's sealing key the content was sealed to.
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

    public static let algorithm = "hpke-x25519-sha256-chacha20poly1305"

    enum CodingKeys: String, CodingKey {
        case ciphertext
        case keyID = "key_id"
        case encapsulatedKey = "enc"
    }
}
