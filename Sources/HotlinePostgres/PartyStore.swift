import Foundation
import HotlineDomain
import Logging
import PostgresNIO

/// Who changed the directory and why: every change appends a `party_key_changes` row with both.
public struct DirectoryChangeNote: Sendable {
    public var changedBy: String
    public var reason: String?

    public init(changedBy: String, reason: String?) {
        self.changedBy = changedBy
        self.reason = reason
    }
}

/// One row of the directory's change log.
public struct PartyKeyChange: Sendable {
    public var id: Int64
    public var partyID: String
    public var keyID: String?
    public var change: String
    public var changedBy: String
    public var changedAt: Date
    public var reason: String?
}

/// Why the directory refused a change, in words that say what to do.
public struct PartyDirectoryError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) {
        self.description = description
    }

    static func translating(_ error: any Error, party: String, key: String?) -> any Error {
        var cause = error
        if let transaction = error as? PostgresTransactionError, let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
            cause = inner
        }
        guard let psql = cause as? PSQLError, let state = psql.serverInfo?[.sqlState] else { return cause }
        let constraint = psql.serverInfo?[.constraintName] ?? ""
        switch (state, constraint) {
        case ("42501", _):
            return PartyDirectoryError(description: "this login may not change the directory (the workers only read it); run the command with DATABASE_URL set to the owner's login, OWNER_DATABASE_URL under Ops/dev")
        case ("23505", "parties_pkey"):
            return PartyDirectoryError(description: "party '\(party)' is already in the directory; `hotline parties list` shows it")
        case ("23505", "party_keys_public_key_key"):
            return PartyDirectoryError(description: "this public key is already enrolled; generate a new key pair with `hotline parties keys generate`")
        case ("23505", "party_keys_pkey"):
            return PartyDirectoryError(description: "key '\(key ?? "")' is already enrolled; `hotline parties keys list --party \(party)` shows it")
        case ("23503", _):
            return PartyDirectoryError(description: "party '\(party)' is not in the directory; add it first with `hotline parties add --id \(party) --kind … --name …`")
        default:
            return cause
        }
    }
}

/// Named queries over the directory of parties and their public keys (migration 0023).
/// Workers only read it; the changes run over the owner's login (`hotline parties`).
public enum PartyStore {
    /// The whole directory, one query per table.
    public static func directory(on connection: PostgresConnection, logger: Logger) async throws -> PartyDirectory {
        var parties: [Party] = []
        for try await (id, kind, name) in try await connection.query(
            "SELECT party_id, kind, display_name FROM parties ORDER BY party_id", logger: logger
        ).decode((String, String, String).self) {
            guard let kind = PartyKind(rawValue: kind) else { continue }
            parties.append(Party(id: id, kind: kind, displayName: name))
        }
        var keys: [PartyKey] = []
        for try await (keyID, party, purpose, publicKey, from, until, revoked) in try await connection.query(
            "SELECT key_id, party_id, purpose, public_key, valid_from, valid_until, revoked_at FROM party_keys ORDER BY party_id, valid_from, key_id",
            logger: logger
        ).decode((String, String, String, ByteBuffer, Date, Date?, Date?).self) {
            guard let purpose = KeyPurpose(rawValue: purpose) else { continue }
            keys.append(PartyKey(
                keyID: keyID, partyID: party, purpose: purpose, publicKey: Array(publicKey.readableBytesView),
                validFrom: from, validUntil: until, revokedAt: revoked))
        }
        return PartyDirectory(parties: parties, keys: keys)
    }

    /// The id of the directory's latest change (0 when it never changed): a worker reloads
    /// the directory when this grows.
    public static func latestChange(on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        for try await id in try await connection.query("SELECT coalesce(max(id), 0) FROM party_key_changes", logger: logger).decode(Int64.self) {
            return id
        }
        return 0
    }

    /// Adds a party (a unit, the centre, an adapter) without keys.
    public static func add(_ party: Party, note: DirectoryChangeNote, client: PostgresClient, logger: Logger) async throws {
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "INSERT INTO parties (party_id, kind, display_name) VALUES (\(party.id), \(party.kind.rawValue), \(party.displayName))",
                    logger: logger)
                try await record("party_added", party: party.id, key: nil, note: note, on: connection, logger: logger)
            }
        } catch {
            throw PartyDirectoryError.translating(error, party: party.id, key: nil)
        }
    }

    /// Adds the parties not yet in the directory and returns their ids; those already there are left as they are.
    public static func addMissing(_ parties: [Party], note: DirectoryChangeNote, client: PostgresClient, logger: Logger) async throws -> [String] {
        guard !parties.isEmpty else { return [] }
        do {
            return try await client.withTransaction(logger: logger) { connection in
                var added: [String] = []
                for try await id in try await connection.query(
                    """
                    INSERT INTO parties (party_id, kind, display_name)
                    SELECT * FROM unnest(\(parties.map(\.id))::text[], \(parties.map(\.kind.rawValue))::text[], \(parties.map(\.displayName))::text[])
                    ON CONFLICT (party_id) DO NOTHING RETURNING party_id
                    """, logger: logger
                ).decode(String.self) {
                    added.append(id)
                }
                added.sort()
                try await connection.query(
                    """
                    INSERT INTO party_key_changes (party_id, change, changed_by, reason)
                    SELECT id, 'party_added', \(note.changedBy), \(note.reason) FROM unnest(\(added)::text[]) WITH ORDINALITY AS a(id, n) ORDER BY n
                    """, logger: logger)
                return added
            }
        } catch {
            throw PartyDirectoryError.translating(error, party: parties.map(\.id).joined(separator: ", "), key: nil)
        }
    }

    /// Enrols a public key.
    public static func add(_ key: PartyKey, note: DirectoryChangeNote, client: PostgresClient, logger: Logger) async throws {
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await insert(key, on: connection, logger: logger)
                try await record("key_added", party: key.partyID, key: key.keyID, note: note, on: connection, logger: logger)
            }
        } catch {
            throw PartyDirectoryError.translating(error, party: key.partyID, key: key.keyID)
        }
    }

    /// Enrols `key` and ends the keys it replaces at the end of their overlap
    /// (`PartyDirectory.keysEndedByRotation`), in one transaction.
    public static func rotate(to key: PartyKey, ending ended: [(keyID: String, until: Date)], note: DirectoryChangeNote, client: PostgresClient, logger: Logger) async throws {
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    UPDATE party_keys k SET valid_until = e.until
                    FROM unnest(\(ended.map(\.keyID))::text[], \(ended.map(\.until))::timestamptz[]) AS e(key_id, until)
                    WHERE k.key_id = e.key_id
                    """, logger: logger)
                try await insert(key, on: connection, logger: logger)
                try await record("key_rotated", party: key.partyID, key: key.keyID, note: note, on: connection, logger: logger)
            }
        } catch {
            throw PartyDirectoryError.translating(error, party: key.partyID, key: key.keyID)
        }
    }

    /// Revokes a key from `at` on; returns its party. A revoked key is never valid again.
    public static func revoke(keyID: String, at: Date, note: DirectoryChangeNote, client: PostgresClient, logger: Logger) async throws -> String {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                var party: String?
                for try await id in try await connection.query(
                    "UPDATE party_keys SET revoked_at = \(at) WHERE key_id = \(keyID) AND revoked_at IS NULL RETURNING party_id", logger: logger
                ).decode(String.self) {
                    party = id
                }
                guard let party else {
                    throw PartyDirectoryError(description: "key '\(keyID)' is not enrolled or already revoked; `hotline parties keys list` shows the keys")
                }
                try await record("key_revoked", party: party, key: keyID, note: note, on: connection, logger: logger)
                return party
            }
        } catch {
            throw PartyDirectoryError.translating(error, party: "", key: keyID)
        }
    }

    /// The change log, oldest first, of one party or of all.
    public static func changes(of partyID: String?, client: PostgresClient, logger: Logger) async throws -> [PartyKeyChange] {
        var changes: [PartyKeyChange] = []
        for try await (id, party, key, change, by, at, reason) in try await client.query(
            """
            SELECT id, party_id, key_id, change, changed_by, changed_at, reason FROM party_key_changes
            WHERE \(partyID) IS NULL OR party_id = \(partyID) ORDER BY id
            """, logger: logger
        ).decode((Int64, String, String?, String, String, Date, String?).self) {
            changes.append(PartyKeyChange(id: id, partyID: party, keyID: key, change: change, changedBy: by, changedAt: at, reason: reason))
        }
        return changes
    }

    private static func insert(_ key: PartyKey, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO party_keys (key_id, party_id, purpose, algorithm, public_key, valid_from, valid_until)
            VALUES (\(key.keyID), \(key.partyID), \(key.purpose.rawValue), \(key.algorithm), \(ByteBuffer(bytes: key.publicKey)),
                    \(key.validFrom), \(key.validUntil))
            """, logger: logger)
    }

    private static func record(_ change: String, party: String, key: String?, note: DirectoryChangeNote, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO party_key_changes (party_id, key_id, change, changed_by, reason)
            VALUES (\(party), \(key), \(change), \(note.changedBy), \(note.reason))
            """, logger: logger)
    }
}
