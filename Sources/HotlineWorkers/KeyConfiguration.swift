import Crypto
import Foundation
import HotlinePostgres

/// The keys protecting callers' personal data.
/// - `HOTLINE_DATA_KEY`: `keyid:base64` of 32 random bytes, the key-encryption key each case's
///   data key is wrapped under (and appeals not accepted sealed with); only the processes that
///   open or seal personal data hold it: the intake, dispatch and callbacks workers and the
///   centre's commands (`PersonalDataVault` refuses to start without it);
/// - `HOTLINE_DATA_KEYS_PREVIOUS`: comma-separated `keyid:base64` keys still read (rotation);
/// - `HOTLINE_INDEX_KEY`: base64 of 32 random bytes, the HMAC key of the phone lookup index
///   (intake; `PersonalDataVault` too);
/// - `HOTLINE_CONTACT_KEY`: `keyid:base64` of 32 random bytes shared with the callback and
///   notification adapters, who alone open the phone numbers sealed with it (callbacks worker only);
/// - `HOTLINE_QUERY_CODE_KEY`: base64 of 32 random bytes, from which intake derives each case's
///   query code (intake workers only);
/// - `HOTLINE_LOOKUP_KEY`: `keyid:base64` of 32 random bytes, the HMAC key of the query code
///   verifiers (intake writes them, the progress lookup checks them), older ones in
///   `HOTLINE_LOOKUP_KEYS_PREVIOUS`.
/// Outside dev mode a missing key stops the worker that needs it at start-up; the deadlines,
/// supervision and relay workers need none.
public struct KeyConfiguration: Sendable {
    /// Nil outside dev mode when not set.
    public var active: DataKey?
    public var previous: [DataKey]
    /// Raw key bytes; `SymmetricKey` is built where used (it is not Sendable). Nil outside dev mode when not set.
    public var indexKey: [UInt8]?
    /// The adapters' key; nil outside dev mode when not set (only the callbacks worker needs it).
    public var contact: DataKey?
    /// The query codes' derivation key; nil outside dev mode when not set (only intake needs it).
    public var queryCode: [UInt8]?
    /// The verifiers' HMAC key; nil outside dev mode when not set (intake and the lookup need it).
    public var lookup: DataKey?
    /// Older lookup keys, whose verifiers the lookup still checks.
    public var lookupPrevious: [DataKey]

    public struct DataKey: Sendable {
        public var id: String
        public var key: [UInt8]

        public init(id: String, key: [UInt8]) {
            self.id = id
            self.key = key
        }

        var symmetricKey: SymmetricKey { SymmetricKey(data: key) }
    }

    /// Keys given directly, not read from the environment (the bench's throwaway keys).
    public init(active: DataKey, previous: [DataKey] = [], indexKey: [UInt8], contact: DataKey? = nil,
                queryCode: [UInt8]? = nil, lookup: DataKey? = nil, lookupPrevious: [DataKey] = []) {
        self.active = active
        self.previous = previous
        self.indexKey = indexKey
        self.contact = contact
        self.queryCode = queryCode
        self.lookup = lookup
        self.lookupPrevious = lookupPrevious
    }

    init(environment: [String: String], devMode: Bool) throws {
        if let text = environment["HOTLINE_DATA_KEY"], !text.isEmpty {
            active = try Self.parseDataKey(text, setting: "HOTLINE_DATA_KEY")
        } else {
            active = devMode ? DataKey(id: "dev-insecure", key: Self.devKey("data")) : nil
        }
        previous = try (environment["HOTLINE_DATA_KEYS_PREVIOUS"] ?? "")
            .split(separator: ",").map { try Self.parseDataKey(String($0), setting: "HOTLINE_DATA_KEYS_PREVIOUS") }
        if let text = environment["HOTLINE_INDEX_KEY"], !text.isEmpty {
            guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                throw ConfigurationError(setting: "HOTLINE_INDEX_KEY", problem: "must be base64 of exactly 32 bytes")
            }
            indexKey = Array(bytes)
        } else {
            indexKey = devMode ? Self.devKey("index") : nil
        }
        if let text = environment["HOTLINE_CONTACT_KEY"], !text.isEmpty {
            contact = try Self.parseDataKey(text, setting: "HOTLINE_CONTACT_KEY")
        } else {
            contact = devMode ? DataKey(id: "dev-insecure-contact", key: Self.devKey("contact")) : nil
        }
        if let text = environment["HOTLINE_QUERY_CODE_KEY"], !text.isEmpty {
            guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                throw ConfigurationError(setting: "HOTLINE_QUERY_CODE_KEY", problem: "must be base64 of exactly 32 bytes")
            }
            queryCode = Array(bytes)
        } else {
            queryCode = devMode ? Self.devKey("query code") : nil
        }
        (lookup, lookupPrevious) = try Self.lookupKeys(environment: environment, devMode: devMode)
    }

    /// `HOTLINE_LOOKUP_KEY` (in dev mode a fixed one when unset) and `HOTLINE_LOOKUP_KEYS_PREVIOUS`:
    /// all the lookup service reads of the keys.
    static func lookupKeys(environment: [String: String], devMode: Bool) throws -> (active: DataKey?, previous: [DataKey]) {
        let active: DataKey?
        if let text = environment["HOTLINE_LOOKUP_KEY"], !text.isEmpty {
            active = try parseDataKey(text, setting: "HOTLINE_LOOKUP_KEY")
        } else {
            active = devMode ? DataKey(id: "dev-insecure-lookup", key: devKey("lookup")) : nil
        }
        let previous = try (environment["HOTLINE_LOOKUP_KEYS_PREVIOUS"] ?? "")
            .split(separator: ",").map { try parseDataKey(String($0), setting: "HOTLINE_LOOKUP_KEYS_PREVIOUS") }
        return (active, previous)
    }

    static func parseDataKey(_ text: String, setting: String) throws -> DataKey {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ConfigurationError(setting: setting, problem: "must be keyid:base64, e.g. k1:$(openssl rand -base64 32)")
        }
        guard let bytes = Data(base64Encoded: parts[1]), bytes.count == 32 else {
            throw ConfigurationError(setting: setting, problem: "key '\(parts[0])' must be base64 of exactly 32 bytes")
        }
        guard parts[0] != SealedCase.caseKeyID else {
            throw ConfigurationError(setting: setting, problem: "the key id '\(parts[0])' is reserved for data sealed under a case's own data key; choose another, e.g. k1")
        }
        return DataKey(id: parts[0], key: Array(bytes))
    }

    /// A fixed, publicly known key for dev mode only; its id says so.
    static func devKey(_ purpose: String) -> [UInt8] {
        Array(SHA256.hash(data: Data("hotline dev mode \(purpose) key — not a secret".utf8)))
    }
}
