import Foundation
import Logging
import PostgresNIO

/// Applies the versioned SQL files in `Migrations/` in order, each in its own
/// transaction, and records them in `schema_migrations`. Idempotent; safe when two
/// processes run it at once (a transaction-scoped advisory lock serialises them).
public struct Migrator: Sendable {
    public struct Migration: Sendable {
        public var version: Int
        public var name: String
        public var sql: String
    }

    /// Arbitrary constant naming the migration lock.
    static let lockKey: Int64 = 0x486F_746C_696E_65

    public let migrations: [Migration]

    public init() throws {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError.missingMigrations
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        migrations = try files.map { file in
            guard let version = Int(file.prefix { $0.isNumber }) else { throw MigrationError.badFileName(file) }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(file.dropLast(4)), sql: sql)
        }
    }

    /// Applies what is missing; returns the names applied now.
    @discardableResult
    public func migrate(client: PostgresClient, logger: Logger) async throws -> [String] {
        try await Self.requireOwner(client: client, logger: logger)
        var applied: [String] = []
        for migration in migrations {
            let didApply = try await client.withTransaction(logger: logger) { connection -> Bool in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                let existing = try await connection.query(
                    "SELECT 1 FROM schema_migrations WHERE version = \(migration.version)", logger: logger)
                for try await _ in existing { return false }
                // Once migration 0022 handed the schema to the owner role, every migration runs
                // as it, whichever login runs `hotline migrate`: what it creates is the owner's.
                if try await Self.ownedByOwnerRole(connection: connection, logger: logger) {
                    try await connection.query("SET LOCAL ROLE \(unescaped: Self.ownerRole)", logger: logger)
                }
                for statement in Self.statements(in: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
                applied.append(migration.name)
            }
        }
        return applied
    }
}

extension Migrator {
    /// The group role that owns the schema (migration 0022, README "Database roles").
    static let ownerRole = "hotline_owner"

    /// Refuses a login that cannot act as the owner role once it exists (a worker's login, say).
    static func requireOwner(client: PostgresClient, logger: Logger) async throws {
        let rows = try await client.query(
            """
            SELECT current_user::text,
                   CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(ownerRole))
                        THEN pg_has_role(current_user, \(ownerRole), 'MEMBER') ELSE true END
            """, logger: logger)
        for try await (login, mayMigrate) in rows.decode((String, Bool).self) where !mayMigrate {
            throw MigrationError.notOwner(login: login)
        }
    }

    static func ownedByOwnerRole(connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT pg_get_userbyid(relowner) = \(ownerRole) FROM pg_class WHERE oid = 'schema_migrations'::regclass",
            logger: logger)
        for try await owned in rows.decode(Bool.self) { return owned }
        return false
    }

    /// Splits a migration file into statements: a statement ends with `;` at the end
    /// of a line outside a `$$`-quoted body; `--` comment lines are dropped. (The
    /// extended query protocol runs one statement at a time.)
    static func statements(in sql: String) -> [String] {
        var statements: [String] = []
        var current: [Substring] = []
        var insideDollarQuote = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !insideDollarQuote && (trimmed.isEmpty || trimmed.hasPrefix("--")) { continue }
            current.append(line)
            if line.components(separatedBy: "$$").count % 2 == 0 { insideDollarQuote.toggle() }
            if !insideDollarQuote && trimmed.hasSuffix(";") {
                statements.append(current.joined(separator: "\n"))
                current = []
            }
        }
        let rest = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case missingMigrations
    case badFileName(String)
    case notOwner(login: String)

    public var description: String {
        switch self {
        case .missingMigrations: "the Migrations resource is missing from the build; rebuild hotline"
        case let .badFileName(name): "migration file '\(name)' must start with its version number, e.g. 0002_name.sql"
        case let .notOwner(login): "the login '\(login)' is not a member of \(Migrator.ownerRole); run hotline migrate as a login granted it (RUNBOOK \"Database roles\")"
        }
    }
}
