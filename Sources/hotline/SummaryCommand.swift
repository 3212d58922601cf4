import ArgumentParser
import Foundation
import HotlinePostgres
import HotlineWorkers

/// Prints what the pipeline did, optionally after waiting until it is idle.
struct SummaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary", abstract: "Cases, receipts, assignments, dead letters, deadlines per unit and supervisions in DATABASE_URL.")

    @Option(help: "First wait until this many intake messages were answered or dead-lettered, the outbox is empty and every case is dispatched.")
    var waitFor: Int64?

    @Option(help: "Seconds to wait at most.")
    var timeout: Double = 300

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @Flag(help: "Print only the lifecycle tables: deadlines per unit and supervisions.")
    var lifecycle = false

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.summary")
        let url = try CommandSupport.databaseURL()
        let (waitFor, timeout) = (self.waitFor, self.timeout)
        let summary = try await withPostgres(url.configuration, logger: logger) { client in
            let deadline = ContinuousClock.now + .seconds(timeout)
            while true {
                let summary = try await SummaryStore.summary(client: client, logger: logger)
                guard let waitFor else { return summary }
                if summary.messagesAnswered + summary.deadLetters >= waitFor && summary.outboxBacklog == 0
                    && summary.casesAwaitingDispatch == 0 { return summary }
                if ContinuousClock.now > deadline {
                    throw CommandSupport.fail("timed out after \(Int(timeout)) s: \(summary.messagesAnswered + summary.deadLetters) of \(waitFor) messages answered, outbox \(summary.outboxBacklog), awaiting dispatch \(summary.casesAwaitingDispatch)")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(lifecycle ? SummaryReport.renderLifecycle(summary) : SummaryReport.render(summary))
        }
    }
}
