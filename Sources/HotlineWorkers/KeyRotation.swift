import Foundation
import HotlinePostgres
import Logging
import PostgresNIO

/// Moves everything sealed under an older key-encryption key to the active
/// `HOTLINE_DATA_KEY`, a batch per transaction, so an operator can drop the old key from
/// `HOTLINE_DATA_KEYS_PREVIOUS` afterwards: each case's data key is re-wrapped (32 bytes; the
/// case's sealed data stays as it is), a case from before migration 0030 is given a data key
/// of its own with its caller and text sealed under it, and callback comments and the texts of
/// appeals not accepted are re-sealed.
/// Workers keep running: they read both keys meanwhile, and a row a worker holds is taken
/// in a later batch.
public struct KeyRotation: Sendable {
    let vault: PersonalDataVault
    let client: PostgresClient
    let logger: Logger

    public init(vault: PersonalDataVault, client: PostgresClient, logger: Logger) {
        self.vault = vault
        self.client = client
        self.logger = logger
    }

    public struct Done: Sendable, Equatable {
        public var dataKeys = 0
        public var ownKeys = 0
        public var comments = 0
        public var requestTexts = 0
    }

    public func reencrypt(batchSize: Int) async throws -> Done {
        var total = Done()
        while true {
            let done = try await client.withTransaction(logger: logger) { connection in
                let active = vault.activeKeyID
                let wrapped = try await KeyRotationStore.dataKeysNotUnder(active, limit: batchSize, on: connection, logger: logger)
                let rewrapped = try wrapped.map { sealed in
                    var copy = sealed
                    copy.dataKey = try sealed.dataKey.map { try vault.rewrap($0, caseID: sealed.caseID) }
                    return copy
                }
                let legacy = try await KeyRotationStore.casesWithoutOwnKey(limit: batchSize, on: connection, logger: logger)
                try await KeyRotationStore.updateSealed(rewrapped + (try legacy.map(vault.ownKey)), on: connection, logger: logger)
                let comments = try await KeyRotationStore.commentsNotUnder(active, limit: batchSize, on: connection, logger: logger)
                for row in comments {
                    try await KeyRotationStore.updateComment(resealed(row), on: connection, logger: logger)
                }
                let texts = try await KeyRotationStore.requestTextsNotUnder(active, limit: batchSize, on: connection, logger: logger)
                try await KeyRotationStore.updateRequestTexts(
                    try texts.map { key, sealed in (key, try vault.rotated(requestText: sealed, of: key)) },
                    on: connection, logger: logger)
                return Done(dataKeys: wrapped.count, ownKeys: legacy.count, comments: comments.count, requestTexts: texts.count)
            }
            total.dataKeys += done.dataKeys
            total.ownKeys += done.ownKeys
            total.comments += done.comments
            total.requestTexts += done.requestTexts
            if done == Done() { return total }
            logger.info("re-encrypted a batch", metadata: [
                "data_keys": "\(done.dataKeys)", "own_keys": "\(done.ownKeys)", "comments": "\(done.comments)",
                "request_texts": "\(done.requestTexts)",
            ])
        }
    }

    private func resealed(_ row: SealedRow) throws -> SealedRow {
        var row = row
        let comment = try vault.reseal(comment: SealedText(sealed: row.sealed, keyID: row.keyID), caseID: row.caseID)
        (row.sealed, row.keyID) = (comment.sealed, comment.keyID)
        return row
    }
}
