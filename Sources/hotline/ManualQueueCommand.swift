import ArgumentParser
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// The cases no routing rule matched, for the dispatchers (派单员).
struct ManualQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual-queue", abstract: "List the cases waiting for manual dispatch, oldest first.")

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.manual-queue")
        let url = try CommandSupport.databaseURL()
        let entries = try await withPostgres(url.configuration, logger: logger) {
            try await DispatchStore.manualQueue(client: $0, logger: logger)
        }
        print("\(entries.count) cases wait for manual dispatch")
        print(SummaryReport.table(
            entries.map { [$0.caseNumber, $0.category, $0.areaCode ?? "-", RFC3339.format($0.queuedAt), String(($0.subject ?? "").prefix(24))] },
            header: ["case", "category", "area", "queued at", "subject"]).joined(separator: "\n"))
    }
}
