import Foundation
import HotlineDomain

/// A party's sealing key as the directory holds it at the instant data is sealed to it:
/// a unit's for its work orders, the centre's for dead letters' originals.
public struct PartySealingKey: Sendable, Equatable {
    public var keyID: String
    /// The X25519 public key, 32 bytes.
    public var publicKey: [UInt8]

    public init(keyID: String, publicKey: [UInt8]) {
        self.keyID = keyID
        self.publicKey = publicKey
    }

    /// Every party's sealing key valid at `instant` (`PartyDirectory.sealingKey`: during a
    /// rotation's overlap, the newer), by party id; a party without one is absent.
    public static func current(in directory: PartyDirectory, at instant: Date) -> [String: PartySealingKey] {
        var keys: [String: PartySealingKey] = [:]
        for party in directory.parties {
            guard let key = directory.sealingKey(of: party.id, at: instant) else { continue }
            keys[party.id] = PartySealingKey(keyID: key.keyID, publicKey: key.publicKey)
        }
        return keys
    }

    /// The key a dead letter's original is sealed to at `instant`
    /// (`PartyDirectory.deadLetterRecipient`), or nil when the centre has none.
    public static func deadLetterRecipient(in directory: PartyDirectory, at instant: Date) -> PartySealingKey? {
        directory.deadLetterRecipient(at: instant).map { PartySealingKey(keyID: $0.keyID, publicKey: $0.publicKey) }
    }
}
