import Foundation
import HotlineDomain

/// A text sealed with the key `keyID` names: the text of an appeal not accepted (under the
/// key-encryption key), a callback comment (under its case's data key, `keyID` =
/// `SealedCase.caseKeyID`, or the key-encryption key for a case from before migration 0030),
/// or a history row's free text (under its case's data key).
public struct SealedText: Sendable, Equatable {
    public var sealed: [UInt8]
    public var keyID: String

    public init(sealed: [UInt8], keyID: String) {
        self.sealed = sealed
        self.keyID = keyID
    }
}

/// A free-text member of a history row (`HistoryFreeText`) as a query reads it: in clear in a
/// row written before migration 0035, else within the row's sealed texts, which the worker
/// holding the key-encryption key opens (`PersonalDataVault.open(_:member:of:)`).
public enum StoredHistoryText: Sendable, Equatable {
    case clear(String)
    case sealed(SealedText)

    /// The SQL reading a row's member `clear` and its sealed texts, for `init?(clear:sealed:keyID:)`,
    /// over a history row aliased `alias`.
    static func columns(_ member: String, of alias: String) -> String {
        "\(alias).detail->>'\(member)', \(alias).detail->>'\(HistoryFreeText.sealedMember)', \(alias).detail->>'\(HistoryFreeText.sealedKeyMember)'"
    }

    /// Nil when the row holds neither.
    public init?(clear: String?, sealed: String?, keyID: String?) {
        if let sealed, let keyID, let bytes = Data(base64Encoded: sealed) {
            self = .sealed(SealedText(sealed: Array(bytes), keyID: keyID))
        } else if let clear {
            self = .clear(clear)
        } else {
            return nil
        }
    }
}
