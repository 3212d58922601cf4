import Crypto
import Foundation
import HotlineDomain

/// How the unit's reply reaches the citizens' lookup (巴林左旗 第二十四条「办理结果」) without the
/// lookup service holding the key-encryption key: the reply is sealed (AES-256-GCM, the case
/// id as authenticated data) under a key of the case's own, HMAC-SHA256 under the lookup key
/// of the case id and its query code. Intake derives it when it opens the case (it alone holds
/// the code) and keeps it wrapped under the case's data key, for dispatch to seal each new
/// result's reply; the lookup service derives it again only when a citizen presents the
/// right code. Shredding the case deletes the sealed reply with its wrapped key (migration 0035).
public enum LookupReplySealing {
    public static func key(lookupKey: KeyConfiguration.DataKey, caseID: UUID, code: QueryCode) -> SymmetricKey {
        SymmetricKey(data: HMAC<SHA256>.authenticationCode(
            for: Data("hotline lookup reply v1:\(caseID.uuidString.lowercased()):\(code.digits)".utf8), using: SymmetricKey(data: lookupKey.key)))
    }

    public static func seal(_ reply: String, with key: SymmetricKey, caseID: UUID) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(Data(reply.utf8), using: key, authenticating: binding(caseID)).combined else {
            throw VaultError.sealFailed
        }
        return Array(combined)
    }

    public static func open(_ sealed: [UInt8], with key: SymmetricKey, caseID: UUID) throws -> String {
        String(decoding: try AES.GCM.open(try AES.GCM.SealedBox(combined: Data(sealed)), using: key, authenticating: binding(caseID)), as: UTF8.self)
    }

    private static func binding(_ caseID: UUID) -> Data {
        Data("lookup-reply:\(caseID.uuidString.lowercased())".utf8)
    }
}
