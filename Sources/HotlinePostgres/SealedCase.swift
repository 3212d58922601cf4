import Foundation
import PostgresNIO

/// A case's data key as stored: 32 random bytes wrapped (AES-256-GCM) under the
/// key-encryption key `keyID` (migration 0030).
public struct WrappedDataKey: Sendable, Equatable {
    public var wrapped: [UInt8]
    public var keyID: String

    public init(wrapped: [UInt8], keyID: String) {
        self.wrapped = wrapped
        self.keyID = keyID
    }
}

/// What a case keeps of its caller and appeal, as stored: sealed under the case's own data
/// key, or, for a case accepted before migration 0030, the caller sealed directly under a
/// key-encryption key and the text in clear. Only a worker holding the key-encryption key
/// opens it (`PersonalDataVault`); once shredded, nothing does.
public struct SealedCase: Sendable, Equatable {
    /// The caller key id of data sealed under the case's own data key.
    public static let caseKeyID = "case"

    public var caseID: UUID
    /// Nil before migration 0030 and once shredded.
    public var dataKey: WrappedDataKey?
    public var callerSealed: [UInt8]
    /// `caseKeyID`, or the key-encryption key a case from before migration 0030 was sealed under.
    public var callerKeyID: String
    /// Subject and content sealed under the data key; nil before migration 0030.
    public var appealSealed: [UInt8]?
    /// Subject and content of a case from before migration 0030, in clear.
    public var clearSubject: String?
    public var clearContent: String?
    /// The key the case's replies are sealed under for the citizens' lookup, wrapped under the
    /// data key; nil for a case accepted before migration 0035 and once shredded.
    public var lookupKeySealed: [UInt8]?
    public var shredded: Bool

    public init(
        caseID: UUID, dataKey: WrappedDataKey?, callerSealed: [UInt8], callerKeyID: String, appealSealed: [UInt8]?,
        clearSubject: String? = nil, clearContent: String? = nil, lookupKeySealed: [UInt8]? = nil, shredded: Bool = false
    ) {
        self.caseID = caseID
        self.dataKey = dataKey
        self.callerSealed = callerSealed
        self.callerKeyID = callerKeyID
        self.appealSealed = appealSealed
        self.clearSubject = clearSubject
        self.clearContent = clearContent
        self.lookupKeySealed = lookupKeySealed
        self.shredded = shredded
    }

    /// The columns `decode(_:)` reads, over a case row aliased `c`; a query puts them last and
    /// decodes its own columns before them as a tuple.
    static let columns = """
        c.id AS sealed_case_id, c.data_key_sealed AS sealed_data_key, c.data_key_id AS sealed_data_key_id,
        c.caller_sealed AS sealed_caller, c.caller_key_id AS sealed_caller_key_id, c.appeal_sealed AS sealed_appeal,
        c.subject AS clear_subject, c.content AS clear_content, c.lookup_key_sealed AS sealed_lookup_key,
        c.shredded_at IS NOT NULL AS shredded
        """

    static func decode(_ row: PostgresRow) throws -> SealedCase {
        let cells = row.makeRandomAccess()
        func bytes(_ column: String) throws -> [UInt8]? {
            try cells[column].decode(ByteBuffer?.self).map { Array($0.readableBytesView) }
        }
        let wrapped = try bytes("sealed_data_key")
        let keyID = try cells["sealed_data_key_id"].decode(String?.self)
        return SealedCase(
            caseID: try cells["sealed_case_id"].decode(UUID.self),
            dataKey: wrapped.flatMap { wrapped in keyID.map { WrappedDataKey(wrapped: wrapped, keyID: $0) } },
            callerSealed: try bytes("sealed_caller") ?? [],
            callerKeyID: try cells["sealed_caller_key_id"].decode(String.self),
            appealSealed: try bytes("sealed_appeal"),
            clearSubject: try cells["clear_subject"].decode(String?.self),
            clearContent: try cells["clear_content"].decode(String?.self),
            lookupKeySealed: try bytes("sealed_lookup_key"),
            shredded: try cells["shredded"].decode(Bool.self))
    }
}
