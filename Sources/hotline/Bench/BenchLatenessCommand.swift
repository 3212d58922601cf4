import ArgumentParser
import Foundation
import HotlineDomain
import HotlineKafka
import HotlineWorkers
import Logging

/// How late the deadline watcher announces: reads `deadline.overdue` events from
/// `hotline.cases.v1` and measures, for each clock due at or after `--since`, the
/// time from its due instant to the moment the relay handed the event to Kafka (the
/// message's producer timestamp).
struct BenchLatenessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lateness", abstract: "Lateness of deadline.overdue events (due → published) and how many fired per second.")

    @Option(help: "Overdue events to wait for.")
    var expect = 10_000

    @Option(help: "Only clocks due at or after this instant (seconds since the epoch).")
    var since: Double = 0

    @Option(help: "Seconds to wait for them all.")
    var timeout: Double = 300

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.bench")
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: try CommandSupport.kafkaBrokers()),
            groupID: "bench-\(UUID().uuidString.lowercased())", topics: [TopicName.cases], logger: logger)
        var lateness = BenchDurations()
        var (firstDue, lastPublished) = (Double.infinity, 0.0)
        var seen = 0
        let deadline = ContinuousClock.now + .seconds(timeout)
        while seen < expect && ContinuousClock.now < deadline {
            for message in await consumer.nextBatch(maxMessages: 5_000, timeout: .seconds(1)) {
                guard let value = message.value, let published = message.timestampMilliseconds,
                      let event = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                      event["type"] as? String == "deadline.overdue",
                      let dueText = event["due_at"] as? String, let due = RFC3339.parse(dueText)?.timeIntervalSince1970,
                      due >= since
                else { continue }
                let publishedAt = Double(published) / 1000
                lateness.record(seconds: publishedAt - due)
                firstDue = min(firstDue, due)
                lastPublished = max(lastPublished, publishedAt)
                seen += 1
            }
        }
        await consumer.close()
        guard seen >= expect else { throw CommandSupport.fail("saw \(seen) of \(expect) overdue events within \(timeout) s") }
        var figures = BenchFigures()
        figures["overdue_events"] = seen
        figures["fired_per_second"] = Double(seen) / max(0.001, lastPublished - firstDue)
        lateness.report("lateness", into: &figures)
        try figures.print()
    }
}
