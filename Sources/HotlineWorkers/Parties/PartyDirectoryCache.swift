import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO
import Synchronization

/// The directory a worker verifies senders against, kept in memory: a batch with a signed
/// message asks for the directory's latest change (one query) and reloads the directory
/// (one query per table) only when it grew, so a revoked key stops counting at the next
/// batch while the keys are not read again for every message.
public final class PartyDirectoryCache: Sendable {
    private let loaded = Mutex<(change: Int64, directory: PartyDirectory)?>(nil)

    public init() {}

    /// The directory as of the batch's transaction.
    public func current(on connection: PostgresConnection, logger: Logger) async throws -> PartyDirectory {
        let change = try await PartyStore.latestChange(on: connection, logger: logger)
        if let held = loaded.withLock({ $0 }), held.change == change { return held.directory }
        let directory = try await PartyStore.directory(on: connection, logger: logger)
        loaded.withLock { $0 = (change, directory) }
        logger.info("loaded the party directory", metadata: ["change": "\(change)", "parties": "\(directory.parties.count)", "keys": "\(directory.keys.count)"])
        return directory
    }
}
