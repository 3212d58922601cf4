import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers
import Logging

/// Outbox rows for the relay alone to publish: intake-sized events on the receipts topic
/// (no worker reads it), spread over many keys as cases and adapters spread them, so the
/// rows fall in every shard. One transaction, so that relays already running see them all at once.
struct BenchOutboxFillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox-fill", abstract: "Write outbox rows for a relay throughput run.")

    @Option(help: "Rows to write.")
    var rows = 50_000

    @Option(help: "Distinct message keys.")
    var keys = 5_000

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.bench")
        let payload = Array(String(repeating: "x", count: 451).utf8)
        let (rows, keys) = (rows, keys)
        try await withPostgres(try CommandSupport.databaseURL().configuration, logger: logger) { client in
            try await client.withTransaction(logger: logger) { connection in
                for first in stride(from: 0, to: rows, by: 5_000) {
                    let messages = (first..<min(first + 5_000, rows)).map { number in
                        OutboxMessage(
                            topic: TopicName.receipts, key: Array("bench:\(number % keys)".utf8), payload: payload,
                            headers: ["hotline-event-id": "bench-\(number)", "hotline-event-type": "bench.fill"])
                    }
                    try await OutboxStore.enqueue(messages, on: connection, logger: logger)
                }
            }
        }
        var figures = BenchFigures()
        figures["rows"] = rows
        try figures.print()
    }
}
