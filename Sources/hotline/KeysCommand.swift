import ArgumentParser
import Foundation
import HotlinePostgres
import HotlineWorkers

/// Key rotation without downtime (README "Rotating the data key"): set the new key as
/// HOTLINE_DATA_KEY and the old one in HOTLINE_DATA_KEYS_PREVIOUS on every worker, run
/// `hotline keys reencrypt`, check `hotline keys status`, then drop the old key.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Rotate the data key: re-encrypt old rows, show which keys still seal data.",
        subcommands: [Reencrypt.self, Status.self])

    struct Reencrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every case's data key, and re-seal every callback comment, still under an older key with HOTLINE_DATA_KEY.")

        @Option(help: "Rows per transaction.")
        var batchSize = 500

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.keys")
            guard (1...10_000).contains(batchSize) else { throw CommandSupport.fail("--batch-size must be 1 to 10000, found \(batchSize)") }
            let configuration = try HotlineConfiguration.fromEnvironment()
            let vault = try PersonalDataVault(keys: configuration.keys)
            let done = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { [batchSize] client in
                try await KeyRotation(vault: vault, client: client, logger: logger).reencrypt(batchSize: batchSize)
            }
            print("re-encrypted under key \(vault.activeKeyID): \(done.dataKeys) case data keys re-wrapped, "
                + "\(done.ownKeys) older cases given their own data key, \(done.comments) callback comments, "
                + "\(done.requestTexts) texts of appeals not accepted")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many sealed values each key id still holds.")

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.keys")
            let url = try CommandSupport.databaseURL()
            let use = try await withPostgres(url.configuration, logger: logger) { client in
                try await KeyRotationStore.keyUse(client: client, logger: logger)
            }
            for (key, count) in use { print("\(key)  \(count)") }
        }
    }
}
