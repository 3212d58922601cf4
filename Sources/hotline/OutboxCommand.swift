import ArgumentParser
import Foundation
import HotlinePostgres
import HotlineWorkers

/// `hotline outbox parked`: the outbox rows the relay set aside because the broker
/// refuses them as they are (Ops/RUNBOOK.md "Parked outbox rows").
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Inspect the outbox.", subcommands: [Parked.self])

    struct Parked: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the outbox rows the relay parked (id, topic, key, size, attempts, when, why); exit 1 when there are any.")

        @Flag(help: "One JSON object per row.")
        var json = false

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.outbox")
            let database = try CommandSupport.databaseURL()
            let rows = try await withPostgres(database.configuration, logger: logger) { client in
                try await OutboxParkedStore.list(client: client, logger: logger)
            }
            for row in rows {
                let key = row.key.map { String(decoding: $0.prefix(80), as: UTF8.self) } ?? "-"
                if json {
                    let object: [String: Any] = [
                        "id": row.id, "topic": row.topic, "key": key, "payload_bytes": row.payloadBytes, "attempts": row.attempts,
                        "created_at": row.createdAt.formatted(.iso8601), "parked_at": row.parkedAt.formatted(.iso8601), "reason": row.reason,
                    ]
                    print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
                } else {
                    print("\(row.id)  \(row.topic)  key \(key)  \(row.payloadBytes) bytes  \(row.attempts) attempts  parked \(row.parkedAt.formatted(.iso8601))  \(row.reason)")
                }
            }
            if !json { print("\(rows.count) parked row(s)") }
            if !rows.isEmpty { throw ExitCode(1) }
        }
    }
}
