import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// The progress lookup from the command line, for the centre's staff helping a caller: the
/// same attempt as `POST /v1/progress` (the query code, the limits and the audit; the client
/// is `cli`), connected as the lookup's login with the lookup key only, no data key.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "A case's progress as the citizen may see it, for the case number and its query code.")

    @Option(help: "The case number on the receipt, e.g. 20261009-000871.")
    var caseNumber: String

    @Option(help: "The query code on the receipt, e.g. 4821-0937-5516.")
    var queryCode: String

    @Flag(help: "Print JSON instead of lines.")
    var json = false

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.lookup")
        let configuration: LookupConfiguration
        do {
            configuration = try LookupConfiguration.fromEnvironment()
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        let answer = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { client in
            let clock = makeClock(configuration.clock, client: client, logger: logger)
            let lookup = ProgressLookup(
                client: client, clock: clock, verifier: QueryCodeVerifier(keys: configuration.keys), limits: configuration.limits, logger: logger)
            return try await lookup.attempt(caseNumber: caseNumber, code: queryCode, client: "cli")
        }
        switch answer {
        case let .progress(progress):
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(progress), as: UTF8.self))
            } else {
                print("case \(progress.caseNumber): \(progress.status.rawValue) (\(progress.category.rawValue))")
                if let unit = progress.unitName { print("handled by \(unit)") }
                if let due = progress.handlingDue { print("due \(RFC3339.formatSeconds(due))") }
                if let result = progress.result { print("result: \(result.outcome.rawValue)\(result.reply.map { ": \($0)" } ?? "")") }
                if let rating = progress.rating { print("rating: \(rating.rawValue)") }
            }
        case .noMatch:
            throw CommandSupport.fail("no case \(caseNumber) matches that query code; check the number and the code on the receipt")
        case let .locked(seconds):
            throw CommandSupport.fail("too many wrong tries for this case number or from the command line; try again in \(seconds) s")
        case let .malformed(problem):
            throw CommandSupport.fail(problem)
        }
    }
}
