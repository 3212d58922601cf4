import ArgumentParser
import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// Dead letters for the on-call engineer (Ops/RUNBOOK.md "Dead letters"): list them, read
/// one's original, and after fixing the cause, re-publish selected ones to the topic they
/// came from. The originals are sealed to the centre: reading and replaying them takes the
/// centre's private sealing key file.
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "List dead letters; show one's original; replay them to their source topic after a fix.",
        subcommands: [List.self, Show.self, Replay.self])

    struct CentreKey: ParsableArguments {
        @Option(name: .customLong("key"), help: "The centre's private sealing key file (`hotline parties keys generate --out`): dead letters' originals are sealed to it.")
        var path: String?

        func privateKey() throws -> Curve25519.KeyAgreement.PrivateKey {
            guard let path else { throw CommandSupport.fail("--key: give the centre's private sealing key file; the originals are sealed to it") }
            do {
                return try PartyKeyFile.sealingKey(at: path)
            } catch {
                throw CommandSupport.fail("--key: \(error)")
            }
        }
    }

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

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one dead letter's original, opened with the centre's key: key, headers, value (text, or Base64 when not UTF-8).")

        @Option(help: "The dead letter id, as `dlq list` shows it.")
        var id: Int64

        @OptionGroup var key: CentreKey

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.dlq")
            let configuration = try HotlineConfiguration.fromEnvironment()
            let reader = DeadLetterReader(kafka: configuration.kafka, centreKey: try key.privateKey(), logger: logger)
            let row = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { [id] client in
                try await DeadLetterStore.list(reason: nil, topic: nil, ids: [id], notReplayed: false, limit: 1, client: client, logger: logger).first
            }
            guard let row else { throw CommandSupport.fail("--id: no dead letter \(id); `hotline dlq list` shows them") }
            let found = try await reader.originals(of: [row])
            print("\(row.id)  \(row.topic)[\(row.partition)]@\(row.offset)  \(row.reasonCode)")
            switch found[row.id] {
            case nil:
                throw CommandSupport.fail("dead letter \(id): its original is no longer on \(TopicName.deadLetters) (retention)")
            case .withheld?:
                throw CommandSupport.fail("dead letter \(id): its original was withheld (the centre had no sealing key then)")
            case let .notOpened(error)?:
                throw CommandSupport.fail("\(error)")
            case let .opened(original, truncated)?:
                print("key: \(original.key.map(Self.text) ?? "(none)")")
                for header in original.headers { print("header \(header.key): \(header.value.map(Self.text) ?? "(no value)")") }
                print("value\(truncated ? " (cut: only its start was kept)" : ""):")
                print(Self.text(original.value))
            }
        }

        /// Bytes as text when they are UTF-8, otherwise as Base64, saying so.
        static func text(_ bytes: [UInt8]) -> String {
            String(validating: bytes, as: UTF8.self) ?? "base64:" + Data(bytes).base64EncodedString()
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

        @OptionGroup var key: CentreKey

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.dlq")
            let configuration = try HotlineConfiguration.fromEnvironment()
            let replay = dryRun ? nil : DeadLetterReplay(kafka: configuration.kafka, centreKey: try key.privateKey(), logger: logger)
            let (selected, outcome) = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { [selection, ids, again] client in
                let rows = try await DeadLetterStore.list(
                    reason: selection.reason, topic: selection.topic, ids: ids, notReplayed: !again, limit: selection.limit, client: client, logger: logger)
                guard let replay, !rows.isEmpty else { return (rows, DeadLetterReplay.Outcome()) }
                let outcome = try await replay.replay(rows)
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
