import HotlineDomain

/// The text of an appeal redirected or not accepted, as stored (migrations 0031 and 0037).
///
/// Sealed under a data key of its own, kept wrapped under the key-encryption key (envelope
/// encryption, issue 20 item 3): removing the wrapped key erases the text in every copy of
/// the row, and a rotation re-wraps 32 bytes instead of re-sealing the text. A text written
/// before migration 0037 is sealed directly under the key-encryption key, until `hotline keys
/// reencrypt` gives it a data key.
public struct SealedRequestText: Sendable, Equatable {
    public enum Key: Sendable, Equatable {
        /// Its own data key, wrapped.
        case own(WrappedDataKey)
        /// Written before migration 0037: the key-encryption key with this id.
        case keyEncryptionKey(String)
    }

    public var sealed: [UInt8]
    public var key: Key

    public init(sealed: [UInt8], key: Key) {
        self.sealed = sealed
        self.key = key
    }

    /// The key-encryption key the text depends on (`content_key_id`).
    public var keyID: String {
        switch key {
        case let .own(dataKey): dataKey.keyID
        case let .keyEncryptionKey(id): id
        }
    }

    /// The wrapped data key (`content_data_key`); nil for a text from before migration 0037.
    var wrappedDataKey: [UInt8]? {
        guard case let .own(dataKey) = key else { return nil }
        return dataKey.wrapped
    }

    /// The stored columns, nil when the row keeps no sealed text.
    init?(sealed: [UInt8]?, keyID: String?, wrappedDataKey: [UInt8]?) {
        guard let sealed, let keyID else { return nil }
        self.init(sealed: sealed, key: wrappedDataKey.map { .own(WrappedDataKey(wrapped: $0, keyID: keyID)) } ?? .keyEncryptionKey(keyID))
    }
}
