import Foundation
import Logging
import PostgresNIO

/// A policy version as recorded in `policy_versions`.
public struct RecordedPolicyVersion: Sendable {
    public var document: String
    public var sha256: String
    public var recordedAt: Date
}

/// Named queries over `policy_versions`, the text of every policy version cases were accepted under.
public enum PolicyVersionStore {
    /// Records a version's text unless it is already there, and returns what is
    /// recorded for it: the caller compares digests to catch a file edited without a
    /// new `version`. Nil only if the row was deleted between the two statements.
    public static func record(
        policyID: String, version: String, document: String, sha256: String, client: PostgresClient, logger: Logger
    ) async throws -> RecordedPolicyVersion? {
        try await client.query(
            """
            INSERT INTO policy_versions (policy_id, version, document, sha256) VALUES (\(policyID), \(version), \(document), \(sha256))
            ON CONFLICT (policy_id, version) DO NOTHING
            """, logger: logger)
        let rows = try await client.query(
            "SELECT document, sha256, recorded_at FROM policy_versions WHERE policy_id = \(policyID) AND version = \(version)",
            logger: logger)
        for try await (document, digest, recordedAt) in rows.decode((String, String, Date).self) {
            return RecordedPolicyVersion(document: document, sha256: digest, recordedAt: recordedAt)
        }
        return nil
    }

    /// The recorded text of one version, nil when no worker has run it against this database.
    public static func document(
        policyID: String, version: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> String? {
        let rows = try await connection.query(
            "SELECT document FROM policy_versions WHERE policy_id = \(policyID) AND version = \(version)", logger: logger)
        for try await document in rows.decode(String.self) { return document }
        return nil
    }
}
