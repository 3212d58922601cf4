import Foundation

/// A party's public key with its validity (migration 0023 `party_keys`). The private key
/// stays with the party; the directory only holds what verifies and what seals.
public struct PartyKey: Sendable, Equatable {
    public var keyID: String
    public var partyID: String
    public var purpose: KeyPurpose
    /// 32 bytes: an Ed25519 public key (signing) or an X25519 public key (sealing).
    public var publicKey: [UInt8]
    public var validFrom: Date
    /// Where a rotation ended the key: the overlap during which the old key still counts.
    public var validUntil: Date?
    public var revokedAt: Date?

    public init(keyID: String, partyID: String, purpose: KeyPurpose, publicKey: [UInt8], validFrom: Date, validUntil: Date? = nil, revokedAt: Date? = nil) {
        self.keyID = keyID
        self.partyID = partyID
        self.purpose = purpose
        self.publicKey = publicKey
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.revokedAt = revokedAt
    }

    public var algorithm: String { purpose.algorithm }

    /// Valid from `validFrom` until `validUntil` or `revokedAt`, whichever comes first.
    public func isValid(at instant: Date) -> Bool {
        instant >= validFrom && (validUntil.map { instant < $0 } ?? true) && (revokedAt.map { instant < $0 } ?? true)
    }

    /// Whether `keyID` can be a key id: what `party_keys.key_id` accepts (migration 0023).
    public static func isValidID(_ keyID: String) -> Bool {
        let scalars = keyID.unicodeScalars
        guard let first = scalars.first, (1...128).contains(scalars.count) else { return false }
        let alphanumeric: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        return alphanumeric(first) && scalars.allSatisfy { alphanumeric($0) || ".-_:".unicodeScalars.contains($0) }
    }
}

/// What a key is for, each with the one algorithm the directory accepts for it.
public enum KeyPurpose: String, Sendable, CaseIterable {
    /// Ed25519 (RFC 8032): a party signs what it sends.
    case signing
    /// HPKE (RFC 9180) DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305: data sealed to a party.
    case sealing

    public var algorithm: String {
        switch self {
        case .signing: "ed25519"
        case .sealing: "hpke-x25519-sha256-chacha20poly1305"
        }
    }
}
