import ArgumentParser
import HotlinePostgres
import HotlineWorkers

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the pending SQL migrations to DATABASE_URL (idempotent).")

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.migrate", defaultLevel: "info")
        let url = try CommandSupport.databaseURL(session: .owner)
        let applied = try await withPostgres(url.configuration, logger: logger) { client in
            try await Migrator().migrate(client: client, logger: logger)
        }
        print(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.joined(separator: ", "))")
    }
}
