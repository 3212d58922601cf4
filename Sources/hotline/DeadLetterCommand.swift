import ArgumentParser
import Foundation
import HotlinePostgres
import HotlineWorkers

/// Dead letters for the on-call engineer (Ops/RUNBOOK.md "Dead letters"): list them, and
/// after fixing the cause, re-publish selected ones to the topic they came from.
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "List dead letters; replay them to their source topic after a fix.",
        subcommands: [List.self, Replay.self])

    struct Selection: ParsableArguments {
        @Option(help: "Only this reason code, e.g. processing_error, too_large.")
        var reason: String?

        @Option(help: "Only dead letters from this source topic.")
        var topic: String?

        @Option(help: "At most this many, newest first.")
        var limit = 100
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dead letters, newest first: id, when, worker, source, reason, replayed.")

        @OptionGroup var selection: Selection

        @Flag(help: "Print JSON instead of lines.")
        var json = false

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.dlq")
            let rows = try await withPostgres(try CommandSupport.databaseURL().configuration, logger: logger) { [selection] client in
                try await DeadLetterStore.list(
                    reason: selection.reason, topic: selection.topic, notReplayed: false, limit: selection.limit, client: client, logger: logger)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            for row in rows {
                let replayed = row.replayedAt.map { "replayed \($0.formatted(.iso8601)) (\(row.replayCount)×)" } ?? "not replayed"
                print("\(row.id)  \(row.deadLetteredAt.formatted(.iso8601))  \(row.worker)  \(row.topic)[\(row.partition)]@\(row.offset)  \(row.reasonCode)  \(replayed)")
                print("    \(row.reason)")
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-publish the selected dead letters' originals to their source topics; each once unless --again.")

        @OptionGroup var selection: Selection

        @Option(name: .customLong("id"), help: "Only these dead letter ids (repeat the option).")
        var ids: [Int64] = []

        @Flag(help: "Also replay dead letters replayed before.")
        var again = false

        @Flag(help: "Show what would be replayed; publish nothing.")
        var dryRun = false

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.dlq")
            let configuration = try HotlineConfiguration.fromEnvironment()
            let (selected, outcome) = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { [selection, ids, again, dryRun] client in
                var rows = try await DeadLetterStore.list(
                    reason: selection.reason, topic: selection.topic, notReplayed: !again, limit: selection.limit, client: client, logger: logger)
                if !ids.isEmpty { rows = rows.filter { ids.contains($0.id) } }
                guard !dryRun, !rows.isEmpty else { return (rows, DeadLetterReplay.Outcome()) }
                let outcome = try await DeadLetterReplay(kafka: configuration.kafka, logger: logger).replay(rows)
                try await DeadLetterStore.markReplayed(outcome.replayed, at: Date(), client: client, logger: logger)
                return (rows, outcome)
            }
            if dryRun {
                for row in selected { print("would replay \(row.id)  \(row.topic)[\(row.partition)]@\(row.offset)  \(row.reasonCode)") }
                print("\(selected.count) selected")
                return
            }
            for (id, why) in outcome.notReplayable { print("not replayed \(id): \(why)") }
            print("replayed \(outcome.replayed.count) of \(selected.count) selected")
            if !outcome.notReplayable.isEmpty { throw ExitCode(1) }
        }
    }
}
