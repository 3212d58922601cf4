import Foundation
import HotlineDomain

/// A unit's sealing key as the directory holds it at the instant an order is issued.
public struct UnitSealingKey: Sendable, Equatable {
    public var keyID: String
    /// The X25519 public key, 32 bytes.
    public var publicKey: [UInt8]

    public init(keyID: String, publicKey: [UInt8]) {
        self.keyID = keyID
        self.publicKey = publicKey
    }

    /// Every party's sealing key valid at `instant` (`PartyDirectory.sealingKey`: during a
    /// rotation's overlap, the newer), by party id; a party without one is absent.
    public static func current(in directory: PartyDirectory, at instant: Date) -> [String: UnitSealingKey] {
        var keys: [String: UnitSealingKey] = [:]
        for party in directory.parties {
            guard let key = directory.sealingKey(of: party.id, at: instant) else { continue }
            keys[party.id] = UnitSealingKey(keyID: key.keyID, publicKey: key.publicKey)
        }
        return keys
    }
}
