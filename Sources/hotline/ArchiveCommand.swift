import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// Reads an archived case (归档) for the centre's staff: the case, its assignments,
/// clocks, history, callbacks, rating appeals and supervisions as they stood when it
/// was archived. The archive is read-only and keeps no personal data: the caller, subject
/// and content stay sealed in the case (`hotline case show` opens them) until retention
/// shreds the case, which `shredded` then records.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Print an archived case's whole record as JSON.")

    @Option(help: "The case number, e.g. 20261009-000871.")
    var caseNumber: String

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.archive")
        let configuration = try HotlineConfiguration.fromEnvironment()
        let record = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { client in
            try await ArchiveStore.record(caseNumber: caseNumber, client: client, logger: logger)
        }
        guard let record else {
            throw CommandSupport.fail("case \(caseNumber) is not archived; a case is archived once it is closed and no callback or rating appeal can change it")
        }
        print(record)
    }
}
