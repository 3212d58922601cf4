import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres

/// Gives each case its query code and the verifier the lookup checks it against.
///
/// The code is derived, not drawn at random: HMAC-SHA256 under `HOTLINE_QUERY_CODE_KEY` of
/// the case id, its first eight bytes modulo 10^12. Intake's decision stays a function of its
/// inputs, and an appeal published again gets the very same receipt, code included, though
/// the code is stored nowhere: intake derives it again from the case id. Only intake holds
/// this key; the lookup service cannot mint codes, and a copy of the database yields none.
public struct QueryCodeIssuer: Sendable {
    let codeKey: [UInt8]
    let verifiers: QueryCodeVerifier

    public init(codeKey: [UInt8], lookupKey: KeyConfiguration.DataKey) {
        self.codeKey = codeKey
        self.verifiers = QueryCodeVerifier(keys: [lookupKey])
    }

    /// Reads both keys or says how to set them; the intake worker cannot start without them.
    public init(configuration: KeyConfiguration) throws {
        guard let codeKey = configuration.queryCode else {
            throw ConfigurationError(
                setting: "HOTLINE_QUERY_CODE_KEY",
                problem: "is not set; give base64 of 32 random bytes (openssl rand -base64 32), held by the intake workers only; only HOTLINE_DEV_MODE=1 runs without one")
        }
        guard let lookupKey = configuration.lookup else { throw QueryCodeVerifier.missingKey }
        self.init(codeKey: codeKey, lookupKey: lookupKey)
    }

    public func code(for caseID: UUID) -> QueryCode {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("hotline query code v1:" + caseID.uuidString.lowercased()).utf8), using: SymmetricKey(data: codeKey))
        let value = Array(mac).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return QueryCode(derivedFrom: value)
    }

    /// The key the case's replies are sealed under for the lookup (`LookupReplySealing`).
    public func replyKey(for caseID: UUID) -> SymmetricKey {
        LookupReplySealing.key(lookupKey: verifiers.keys[0], caseID: caseID, code: code(for: caseID))
    }

    /// The case's verifier row: its code's keyed hash under the active lookup key.
    public func verifier(for caseID: UUID) -> LookupVerifier {
        let key = verifiers.keys[0]
        return LookupVerifier(caseID: caseID, verifier: QueryCodeVerifier.hash(code(for: caseID), caseID: caseID, key: key), keyID: key.id)
    }
}

/// Checks a query code against a case's stored verifier with the lookup key
/// (`HOTLINE_LOOKUP_KEY`, older ones in `HOTLINE_LOOKUP_KEYS_PREVIOUS`): no data key and no
/// code key needed. The same work whether or not the case exists: `check` hashes the code
/// given and compares it in constant time against the stored verifier, or against a fixed
/// stand-in when there is none.
public struct QueryCodeVerifier: Sendable {
    let keys: [KeyConfiguration.DataKey]
    /// What an unknown case number's code is compared with: no code hashes to it under any case id.
    private static let standIn = [UInt8](repeating: 0, count: 32)
    private static let standInCase = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    static let missingKey = ConfigurationError(
        setting: "HOTLINE_LOOKUP_KEY",
        problem: "is not set; give keyid:base64 of 32 random bytes (e.g. l1:$(openssl rand -base64 32)), the same to the intake workers and the lookup service; only HOTLINE_DEV_MODE=1 runs without one")

    public init(keys: [KeyConfiguration.DataKey]) {
        self.keys = keys
    }

    /// Whether `code` is the code of the stored case; false for no case (nil), a code under
    /// a key no longer configured, or a wrong code, after the same work in each case.
    public func check(_ code: QueryCode, against stored: LookupVerifier?) -> Bool {
        let key = stored.flatMap { stored in keys.first { $0.id == stored.keyID } }
        let expected = key == nil ? Self.standIn : stored!.verifier
        let mac = HMAC<SHA256>.authenticationCode(
            for: Self.message(code, caseID: stored?.caseID ?? Self.standInCase), using: SymmetricKey(data: (key ?? keys[0]).key))
        return Self.constantTimeEqual(Array(mac), expected) && key != nil
    }

    /// The key the case's reply is sealed under for the lookup, from a code `check` accepted.
    public func replyKey(_ code: QueryCode, of stored: LookupVerifier) -> SymmetricKey? {
        keys.first { $0.id == stored.keyID }.map { LookupReplySealing.key(lookupKey: $0, caseID: stored.caseID, code: code) }
    }

    static func hash(_ code: QueryCode, caseID: UUID, key: KeyConfiguration.DataKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message(code, caseID: caseID), using: SymmetricKey(data: key.key)))
    }

    /// The case id is hashed with the code, so a verifier cannot be copied to another case.
    private static func message(_ code: QueryCode, caseID: UUID) -> Data {
        Data((caseID.uuidString.lowercased() + ":" + code.digits).utf8)
    }

    /// Every byte compared, whatever the first difference.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
