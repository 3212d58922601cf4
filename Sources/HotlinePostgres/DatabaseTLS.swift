import Foundation
import PostgresNIO

/// `sslmode` and `sslrootcert` as libpq reads them, except that a URL naming no mode gets
/// `require`: outside development the connection is encrypted unless the URL says
/// `sslmode=disable` (Ops/dev and the tests do).
struct DatabaseTLS: CustomStringConvertible {
    enum Mode: String {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    let mode: Mode
    let explicit: Bool
    let rootCertificate: String?

    init(sslmode: String?, rootCertificate: String?, url: String) throws(DatabaseURLError) {
        guard let mode = Mode(rawValue: sslmode ?? Mode.require.rawValue) else {
            throw DatabaseURLError(url: url, problem: "has an unknown sslmode '\(sslmode ?? "")'; give disable, require, verify-ca or verify-full")
        }
        if let rootCertificate {
            guard mode == .verifyCA || mode == .verifyFull else {
                throw DatabaseURLError(url: url, problem: "names sslrootcert with sslmode=\(mode.rawValue); the CA is used only by verify-ca and verify-full")
            }
            guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                throw DatabaseURLError(url: url, problem: "names sslrootcert '\(rootCertificate)', which is not a readable file; give the CA certificate (PEM) that signed the server's")
            }
        }
        self.mode = mode
        self.explicit = sslmode != nil
        self.rootCertificate = rootCertificate
    }

    var configuration: PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable: return .disable
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let rootCertificate { tls.trustRoots = .file(rootCertificate) }
        return mode == .require || mode == .verifyCA || mode == .verifyFull ? .require(tls) : .prefer(tls)
    }

    var description: String {
        let meaning = switch mode {
        case .disable: "no TLS"
        case .allow, .prefer: "TLS when the server offers it, its certificate not verified"
        case .require: "TLS, the server's certificate not verified"
        case .verifyCA: "TLS, the server's certificate verified against \(rootCertificate ?? "the system's CAs")"
        case .verifyFull: "TLS, the server's certificate and host name verified against \(rootCertificate ?? "the system's CAs")"
        }
        return "\(mode.rawValue)\(explicit ? "" : " (default)"): \(meaning)"
    }
}
