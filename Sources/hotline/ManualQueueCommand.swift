import ArgumentParser
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// The cases no routing rule matched, for the dispatchers (派单员), each subject opened with
/// the centre's data keys (HOTLINE_DATA_KEY).
struct ManualQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual-queue", abstract: "List the cases waiting for manual dispatch, oldest first.")

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.manual-queue")
        let configuration = try HotlineConfiguration.fromEnvironment()
        let vault = try PersonalDataVault(keys: configuration.keys)
        let entries = try await withPostgres(configuration.databaseURL.configuration, logger: logger) {
            try await DispatchStore.manualQueue(client: $0, logger: logger)
        }
        print("\(entries.count) cases wait for manual dispatch")
        let subjects = try entries.map { String((try vault.appeal(of: $0.sealed)?.subject ?? "").prefix(24)) }
        print(SummaryReport.table(
            zip(entries, subjects).map { [$0.caseNumber, $0.category, $0.areaCode ?? "-", RFC3339.format($0.queuedAt), $1] },
            header: ["case", "category", "area", "queued at", "subject"]).joined(separator: "\n"))
    }
}
