import Crypto
import Foundation
import HotlineDomain

/// Seals a dead letter's original to the centre and opens it for the centre's operators
/// (`PartySealing`): `info` `hotline.intake.dlq.v1`, the letter's event id as associated data.
public enum DeadLetterSealing {
    /// The letter with its original sealed to `key`; without a key (the centre has no
    /// sealing key) or with one that is not an X25519 key, the letter withholds its original.
    static func sealed(_ letter: DeadLetter, to key: PartySealingKey?) throws -> DeadLetter {
        var letter = letter
        if let key {
            letter.sealed = try PartySealing.seal(
                try EventJSON.encode(letter.original), info: DeadLetter.sealingInfo,
                authenticating: DeadLetter.associatedData(eventID: letter.eventID), to: key)
        }
        return letter
    }

    /// The original of the letter `eventID`, opened with the centre's private sealing key.
    public static func open(
        _ sealed: SealedToParty, of eventID: UUID, with privateKey: Curve25519.KeyAgreement.PrivateKey
    ) throws(DeadLetterOpeningError) -> DeadLetterOriginal {
        guard let plaintext = PartySealing.open(
                  sealed, info: DeadLetter.sealingInfo, authenticating: DeadLetter.associatedData(eventID: eventID), with: privateKey),
              let original = try? JSONDecoder().decode(DeadLetterOriginal.self, from: plaintext)
        else { throw DeadLetterOpeningError(eventID: eventID, keyID: sealed.keyID) }
        return original
    }
}

/// A dead letter's original that does not open with the key given, and what to do.
public struct DeadLetterOpeningError: Error, CustomStringConvertible, Equatable {
    public var eventID: UUID
    public var keyID: String

    public var description: String {
        "dead letter \(eventID.uuidString.lowercased()) was sealed to key \(keyID) and does not open with this private key; give the centre's key file of \(keyID)"
    }
}
