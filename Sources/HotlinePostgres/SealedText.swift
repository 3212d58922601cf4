/// A text sealed with the key `keyID` names: the text of an appeal not accepted (under the
/// key-encryption key), or a callback comment (under its case's data key, `keyID` =
/// `SealedCase.caseKeyID`, or the key-encryption key for a case from before migration 0030).
public struct SealedText: Sendable, Equatable {
    public var sealed: [UInt8]
    public var keyID: String

    public init(sealed: [UInt8], keyID: String) {
        self.sealed = sealed
        self.keyID = keyID
    }
}
