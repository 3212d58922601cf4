import ArgumentParser
import Foundation
import HotlinePostgres
import HotlineWorkers
import Logging

/// Fills the database with dispatched cases, each with an open sign-for clock due
/// in 30 days, under the policy the running workers recorded: the "cases already in
/// the database" a benchmark level starts from, and the open clocks the deadline
/// watcher's sweep must not pay for.
struct BenchPreloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preload", abstract: "Insert dispatched cases with open clocks (uses DATABASE_URL; start a worker first).")

    @Option(help: "Cases to add.")
    var cases = 10_000

    @Option(help: "Cases per transaction.")
    var batch = 5_000

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.bench")
        let database = try CommandSupport.databaseURL()
        let label = "preload-\(UUID().uuidString.prefix(8).lowercased())"
        let (cases, batch) = (cases, batch)
        let (elapsed, total) = try await withPostgres(database.configuration, logger: logger) { client in
            guard let policy = try await BenchStore.runningPolicy(client: client, logger: logger) else {
                throw CommandSupport.fail("no policy version recorded yet: start a worker against this database first")
            }
            let elapsed = try await BenchStore.insertInBatches(
                count: cases, batch: batch, label: label, policyID: policy.id, policyVersion: policy.version, withEvents: false,
                client: client, logger: logger)
            return (elapsed, try await BenchStore.caseCount(client: client, logger: logger))
        }
        var figures = BenchFigures()
        figures["added"] = cases
        figures["cases_in_database"] = total
        figures["seconds"] = elapsed.seconds
        try figures.print()
    }
}
