import Foundation
import PostgresNIO

/// `DATABASE_URL` in libpq's URI form: `postgres://user[:password]@host[:port]/database`
/// with optional `?sslmode=disable|prefer|require` and `?host=/unix/socket/dir`.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public let configuration: PostgresClient.Configuration
    private let masked: String

    public init(_ text: String) throws(DatabaseURLError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw DatabaseURLError(url: text, problem: "must look like postgres://user@host:5432/database") }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let username = components.user?.removingPercentEncoding ?? "postgres"
        let password = components.password?.removingPercentEncoding
        let database = String(components.path.dropFirst()).removingPercentEncoding ?? ""
        guard !database.isEmpty else { throw DatabaseURLError(url: text, problem: "names no database after the host") }
        var configuration: PostgresClient.Configuration
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw DatabaseURLError(url: text, problem: "names no host")
            }
            let tls: PostgresClient.Configuration.TLS
            switch query["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
            case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
            case let other: throw DatabaseURLError(url: text, problem: "has an unknown sslmode '\(other)'")
            }
            configuration = .init(host: host, port: components.port ?? 5432, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 8
        self.configuration = configuration
        var safe = components
        if safe.password != nil { safe.password = "****" }
        self.masked = safe.string ?? "postgres://…"
    }

    /// The URL with its password masked, for logs and `config check`.
    public var description: String { masked }
}

public struct DatabaseURLError: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var problem: String
    public var description: String { "DATABASE_URL \(problem)" }
}
