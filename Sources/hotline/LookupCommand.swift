import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// The citizen's progress lookup (巴林左旗 第二十四条): by case number and the last four
/// digits of the phone the appeal came from. A wrong verifier and an unknown number get
/// the same answer, so the lookup does not tell which case numbers exist.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "A case's status, unit, due date and result, for the caller who proves it is theirs.")

    @Option(help: "The case number read to the caller, e.g. 20261009-000871.")
    var caseNumber: String

    @Option(help: "The last four digits of the phone the appeal came from.")
    var verifier: String

    @Flag(help: "Print JSON instead of lines.")
    var json = false

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.lookup")
        let configuration = try HotlineConfiguration.fromEnvironment()
        let policy = try PolicyArchive(configuration: configuration).running.policy
        let vault = PersonalDataVault(keys: configuration.keys)
        let found = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { client in
            try await ProgressStore.record(caseNumber: caseNumber, policy: policy, client: client, logger: logger)
        }
        guard let found, let caller = try? vault.open(found.callerSealed, keyID: found.callerKeyID, caseID: found.caseID),
              CaseProgress.verifies(caller, verifier: verifier)
        else {
            throw CommandSupport.fail("no case \(caseNumber) matches that verifier; check the number on the receipt and the phone's last four digits")
        }
        let progress = found.progress
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(progress), as: UTF8.self))
        } else {
            print("case \(progress.caseNumber): \(progress.status.rawValue) (\(progress.category))")
            if let unit = progress.unitName { print("handled by \(unit)") }
            if let due = progress.handlingDue { print("due \(RFC3339.formatSeconds(due))") }
            if let outcome = progress.resultOutcome { print("result: \(outcome)") }
            if let rating = progress.rating { print("your rating: \(rating.rawValue)") }
        }
    }
}
