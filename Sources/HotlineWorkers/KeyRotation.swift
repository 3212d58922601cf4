import Foundation
import HotlinePostgres
import Logging
import PostgresNIO

/// Re-encrypts, under the active `HOTLINE_DATA_KEY`, every caller's data and callback
/// comment still sealed under an older key, a batch per transaction, so an operator can
/// drop the old key from `HOTLINE_DATA_KEYS_PREVIOUS` afterwards. Workers keep running:
/// they read both keys meanwhile, and a row a worker holds is taken in a later batch.
public struct KeyRotation: Sendable {
    let vault: PersonalDataVault
    let client: PostgresClient
    let logger: Logger

    public init(vault: PersonalDataVault, client: PostgresClient, logger: Logger) {
        self.vault = vault
        self.client = client
        self.logger = logger
    }

    /// Callers and comments re-encrypted.
    public func reencrypt(batchSize: Int) async throws -> (callers: Int, comments: Int) {
        var total = (callers: 0, comments: 0)
        while true {
            let done = try await client.withTransaction(logger: logger) { connection in
                let active = vault.activeKeyID
                let callers = try await KeyRotationStore.callersNotUnder(active, limit: batchSize, on: connection, logger: logger)
                for row in callers {
                    try await KeyRotationStore.updateCaller(resealed(row), on: connection, logger: logger)
                }
                let comments = try await KeyRotationStore.commentsNotUnder(active, limit: batchSize, on: connection, logger: logger)
                for row in comments {
                    try await KeyRotationStore.updateComment(resealed(row), on: connection, logger: logger)
                }
                return (callers.count, comments.count)
            }
            total = (total.callers + done.0, total.comments + done.1)
            if done == (0, 0) { return total }
            logger.info("re-encrypted a batch", metadata: ["callers": "\(done.0)", "comments": "\(done.1)"])
        }
    }

    private func resealed(_ row: SealedRow) throws -> SealedRow {
        var row = row
        row.sealed = try vault.reseal(row.sealed, keyID: row.keyID, caseID: row.caseID)
        row.keyID = vault.activeKeyID
        return row
    }
}
