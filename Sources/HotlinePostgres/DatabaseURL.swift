import Foundation
import PostgresNIO

/// `DATABASE_URL` in libpq's URI form: `postgres://user[:password]@host[:port]/database`
/// with optional `sslmode`, `sslrootcert`, `options=-c name=value …` and `host=/unix/socket/dir`.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public let configuration: PostgresClient.Configuration
    /// The TLS the connections use, for `config check`.
    public let tlsDescription: String
    /// The session limits sent with every connection, for `config check`.
    public let sessionSettings: [(name: String, value: String)]
    private let masked: String

    /// `session` gives the default limits of the process's role (`DatabaseSession`).
    public init(_ text: String, session: DatabaseSession = .worker) throws(DatabaseURLError) {
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
            tlsDescription = "none (Unix socket)"
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw DatabaseURLError(url: text, problem: "names no host")
            }
            let tls = try DatabaseTLS(sslmode: query["sslmode"], rootCertificate: query["sslrootcert"], url: text)
            configuration = .init(
                host: host, port: components.port ?? 5432, username: username, password: password, database: database,
                tls: tls.configuration)
            tlsDescription = tls.description
        }
        let overrides = try Self.sessionOptions(query["options"], url: text)
        sessionSettings = session.defaults.filter { setting in !overrides.contains { $0.name == setting.name } } + overrides
        configuration.options.additionalStartupParameters = sessionSettings.map { ($0.name, $0.value) }
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 8
        self.configuration = configuration
        var safe = components
        if safe.password != nil { safe.password = "****" }
        self.masked = safe.string ?? "postgres://…"
    }

    /// The URL with its password masked, for logs and `config check`.
    public var description: String { masked }

    /// libpq's `options`: `-c name=value` settings, separated by spaces.
    static func sessionOptions(_ options: String?, url: String) throws(DatabaseURLError) -> [(name: String, value: String)] {
        guard let options else { return [] }
        var words = options.split(separator: " ").map(String.init)[...]
        var settings: [(name: String, value: String)] = []
        while let word = words.popFirst() {
            let setting = word == "-c" ? words.popFirst() ?? "" : word.hasPrefix("-c") ? String(word.dropFirst(2)) : ""
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw DatabaseURLError(url: url, problem: "has options '\(options)'; give -c name=value settings, e.g. options=-c%20statement_timeout%3D60s")
            }
            settings.append((parts[0], parts[1]))
        }
        return settings
    }
}

public struct DatabaseURLError: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var problem: String
    public var description: String { "DATABASE_URL \(problem)" }
}
