import ArgumentParser
import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import HotlineWorkers
import Logging

/// The load generator: acts as the channel adapters, publishing appeals to
/// `hotline.intake.v1` at full speed or at a fixed rate, then waits until the
/// running workers applied every one and measures end to end, from the moment an
/// appeal was handed to Kafka to the commit of the transaction that dispatched its
/// case (PostgreSQL's commit timestamp of the lead assignment).
struct BenchLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Publish appeals and measure intake → dispatched throughput and latency.")

    @Option(help: "Appeals to publish.")
    var count = 10_000

    @Option(help: "Appeals per second; 0 publishes as fast as Kafka takes them.")
    var rate: Double = 0

    @Option(help: "Names this run's event ids (LABEL-n).")
    var label = "bench"

    @Option(help: "The JSON-lines fixture whose accepted appeals are copied.")
    var fixture = "Ops/fixtures/demo-intake.jsonl"

    @Option(help: "Seconds to wait for the workers after the last publish.")
    var timeout: Double = 600

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.bench")
        let database = try CommandSupport.databaseURL()
        let appeals = try BenchAppeals(fixture: fixture, label: label)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: try CommandSupport.kafkaBrokers()).forProducer(), logger: logger)
        let published = try await BenchPublisher(producer: producer, appeals: appeals).publish(count: count, rate: rate)
        producer.close()
        let (count, timeout, prefix) = (count, timeout, appeals.label + "-")
        let commits = try await withPostgres(database.configuration, logger: logger) { client in
            let deadline = ContinuousClock.now + .seconds(timeout)
            while true {
                let applied = try await BenchStore.intakeApplied(prefix: prefix, client: client, logger: logger)
                if applied >= count, try await BenchStore.pending(client: client, logger: logger) == 0 { break }
                guard ContinuousClock.now < deadline else {
                    throw CommandSupport.fail("the workers applied \(applied) of \(count) appeals within \(timeout) s")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            return try await BenchStore.dispatchCommits(prefix: prefix, client: client, logger: logger)
        }
        var latency = BenchDurations()
        var lastCommit = 0.0
        for (number, publishedAt) in published.enumerated() {
            guard let committed = commits[appeals.eventID(number)] else { continue }
            latency.record(seconds: committed - publishedAt)
            lastCommit = max(lastCommit, committed)
        }
        guard commits.count * 10 >= count * 9 else {
            throw CommandSupport.fail("only \(commits.count) of \(count) appeals became dispatched cases; the figures would not mean anything")
        }
        let span = lastCommit - (published.min() ?? lastCommit)
        var figures = BenchFigures()
        figures["published"] = count
        figures["rate_target"] = rate
        figures["rate_published"] = Double(count) / max(0.001, (published.max() ?? 0) - (published.min() ?? 0))
        figures["dispatched"] = commits.count
        figures["seconds"] = span
        figures["dispatched_per_second"] = span > 0 ? Double(commits.count) / span : 0
        latency.report("latency", into: &figures)
        try figures.print()
    }
}
