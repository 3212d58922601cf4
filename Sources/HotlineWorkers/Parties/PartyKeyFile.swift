import Crypto
import Foundation
import HotlineDomain

/// A party's private key on its own disk: one line, the standard Base64 of the raw 32-byte
/// private key (an Ed25519 seed for signing, an X25519 scalar for sealing), mode 0600. It
/// never enters the database; the directory holds the public half.
public enum PartyKeyFile {
    /// A new key pair for `purpose`: the private key for the file, the public key for the directory.
    public static func generate(_ purpose: KeyPurpose) -> (privateKey: [UInt8], publicKey: [UInt8]) {
        switch purpose {
        case .signing:
            let key = Curve25519.Signing.PrivateKey()
            return (Array(key.rawRepresentation), Array(key.publicKey.rawRepresentation))
        case .sealing:
            let key = Curve25519.KeyAgreement.PrivateKey()
            return (Array(key.rawRepresentation), Array(key.publicKey.rawRepresentation))
        }
    }

    /// Writes a new private key file readable by its owner alone; an existing file is never overwritten.
    public static func write(_ privateKey: [UInt8], to path: String) throws(PartyKeyFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "exists already; choose another path (a key file is never overwritten)" : "cannot be created (\(String(cString: strerror(errno))))"
            throw PartyKeyFileError(path: path, problem: reason)
        }
        defer { close(descriptor) }
        let line = Array((Data(privateKey).base64EncodedString() + "\n").utf8)
        let written = line.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { throw PartyKeyFileError(path: path, problem: "could not be written completely") }
    }

    /// The signing key in a private key file.
    public static func signingKey(at path: String) throws(PartyKeyFileError) -> Curve25519.Signing.PrivateKey {
        let raw = try read(path)
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        } catch {
            throw PartyKeyFileError(path: path, problem: "is not an Ed25519 private key")
        }
    }

    /// The sealing key in a private key file.
    public static func sealingKey(at path: String) throws(PartyKeyFileError) -> Curve25519.KeyAgreement.PrivateKey {
        let raw = try read(path)
        do {
            return try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
        } catch {
            throw PartyKeyFileError(path: path, problem: "is not an X25519 private key")
        }
    }

    /// The directory's id for a public key: the party, the purpose and the first 8 bytes of
    /// the key's SHA-256 in hex, e.g. `city-urban:signing:3f1c0a5e9b27d480`. Anyone holding
    /// the public key can compute it.
    public static func keyID(party: String, purpose: KeyPurpose, publicKey: [UInt8]) -> String {
        let digest = SHA256.hash(data: publicKey)
        return "\(party):\(purpose.rawValue):" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    private static func read(_ path: String) throws(PartyKeyFileError) -> [UInt8] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PartyKeyFileError(path: path, problem: "cannot be read; give the file `hotline parties keys generate --out` wrote")
        }
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32 else {
            throw PartyKeyFileError(path: path, problem: "must hold one line, the Base64 of a 32-byte private key, as `hotline parties keys generate --out` writes it")
        }
        return Array(raw)
    }
}

/// A private key file that cannot be written or read, and what to do about it.
public struct PartyKeyFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problem: String

    public var description: String { "private key file \(path): \(problem)" }
}
