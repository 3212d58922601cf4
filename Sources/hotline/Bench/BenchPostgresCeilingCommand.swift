import ArgumentParser
import Foundation
import HotlinePostgres
import HotlineWorkers
import Logging

/// PostgreSQL's ceiling for the pipeline's writes: the rows one accepted and
/// dispatched case needs (case, intake request, two history entries, assignment,
/// clock, three outbox events, two processed-event marks) inserted in batches, one
/// transaction per batch, on the server and settings the workers use.
struct BenchPostgresCeilingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres-ceiling", abstract: "Cases per second PostgreSQL takes as batched inserts (uses DATABASE_URL).")

    @Option(help: "Cases to insert.")
    var cases = 20_000

    @Option(help: "Cases per transaction (the workers' HOTLINE_BATCH_SIZE default is 500).")
    var batch = 500

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.bench")
        let database = try CommandSupport.databaseURL()
        let label = "ceiling-\(UUID().uuidString.prefix(8).lowercased())"
        let (cases, batch) = (cases, batch)
        let elapsed = try await withPostgres(database.configuration, logger: logger) { client in
            try await BenchStore.insertInBatches(
                count: cases, batch: batch, label: label, policyID: "bench", policyVersion: "1", withEvents: true,
                client: client, logger: logger)
        }
        var figures = BenchFigures()
        figures["cases"] = cases
        figures["batch"] = batch
        figures["rows_per_case"] = 11
        figures["seconds"] = elapsed.seconds
        figures["cases_per_second"] = Double(cases) / elapsed.seconds
        try figures.print()
    }
}
