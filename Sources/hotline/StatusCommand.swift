import ArgumentParser
import Foundation
import HotlineKafka
import HotlineWorkers

/// `hotline status`: what the on-call engineer reads first (Ops/RUNBOOK.md "Read lag").
/// Needs only DATABASE_URL, KAFKA_BROKERS (and HOTLINE_KAFKA_* for a secured cluster);
/// never the data keys.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per worker: members, partitions, committed offsets, lag, oldest unprocessed event; the outbox. Exit 1 when stuck.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "Seconds an event may wait unprocessed (or unpublished in the outbox) before it counts as stuck.")
    var stuckAfter: Double = 120

    @Option(help: "text or json.")
    var format: Format = .text

    @Flag(help: "List every partition, not only those with lag.")
    var allPartitions = false

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.status")
        let environment = ProcessInfo.processInfo.environment
        let kafka: KafkaConfiguration
        let clockMode: HotlineConfiguration.ClockMode
        do {
            kafka = KafkaConfiguration(
                bootstrapServers: try CommandSupport.kafkaBrokers(), properties: try HotlineConfiguration.kafkaProperties(environment))
            clockMode = try HotlineConfiguration.ClockMode.fromEnvironment(environment)
        } catch let error as ConfigurationError {
            throw CommandSupport.fail(error.description)
        }
        let database = try CommandSupport.databaseURL()
        let status: ClusterStatus
        do {
            status = try await withPostgres(database.configuration, logger: logger) { [stuckAfter] client in
                try await ClusterStatusReader(
                    kafka: kafka, client: client, clock: makeClock(clockMode, client: client, logger: logger), logger: logger
                ).read(stuckAfter: stuckAfter)
            }
        } catch {
            // Exit 2, not 1: the status is unknown, which is not the same as stuck.
            throw CommandSupport.fail("could not read the status: \(String(describing: error))")
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        case .text:
            print(StatusText(status: status, allPartitions: allPartitions).render())
        }
        if status.stuck { throw ExitCode(1) }
    }
}

/// The readable form of a `ClusterStatus`.
struct StatusText {
    let status: ClusterStatus
    let allPartitions: Bool

    func render() -> String {
        var lines = ["checked \(status.checkedAt.formatted(.iso8601)); stuck means waiting longer than \(Int(status.stuckAfterSeconds)) s"]
        for group in status.groups {
            lines.append("")
            var heading = "\(group.worker)"
            if let name = group.group { heading += " (group \(name))" }
            heading += ": \(group.liveMembers) live member(s)"
            if group.group != nil { heading += ", lag \(group.lag)" + age(group.oldestUnprocessedAgeSeconds, "oldest unprocessed") }
            if let due = group.clocksDueUnannounced { heading += ", \(due) clock(s) past due awaiting announcement" }
            lines.append(heading)
            for member in group.members {
                var line = "  \(member.live ? "member" : "LOST  ") \(member.host) pid \(member.pid), started \(member.startedAt.formatted(.iso8601)), seen \(Int(member.secondsSinceSeen)) s ago"
                if group.group != nil {
                    line += ", \(member.partitions.count) partition(s)" + (member.lag.map { ", lag \($0)" } ?? "")
                }
                lines.append(line)
            }
            for (topic, partitions) in Dictionary(grouping: group.partitions, by: \.topic).sorted(by: { $0.key < $1.key }) {
                let end = partitions.reduce(0) { $0 + $1.endOffset }
                let lag = partitions.reduce(0) { $0 + $1.lag }
                lines.append("  \(topic): \(partitions.count) partitions, \(end) messages, lag \(lag)")
                for partition in partitions.sorted(by: { $0.partition < $1.partition }) where allPartitions || partition.lag > 0 {
                    lines.append("    [\(partition.partition)] committed \(partition.committedOffset.map(String.init) ?? "none"), end \(partition.endOffset), lag \(partition.lag)"
                        + age(partition.oldestUnprocessedAgeSeconds, "oldest"))
                }
            }
        }
        lines.append("")
        lines.append("outbox: \(status.outbox.backlog) unpublished" + age(status.outbox.oldestAgeSeconds, "oldest"))
        lines.append(status.problems.isEmpty ? "ok: nothing is stuck" : "")
        lines += status.problems.map { "STUCK: \($0)" }
        return lines.joined(separator: "\n")
    }

    private func age(_ seconds: Double?, _ label: String) -> String {
        seconds.map { ", \(label) \(Int($0)) s" } ?? ""
    }
}
