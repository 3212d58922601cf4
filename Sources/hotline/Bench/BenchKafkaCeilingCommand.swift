import ArgumentParser
import Foundation
import HotlineDomain
import HotlineKafka
import HotlineWorkers
import Logging

/// Kafka's ceiling through the project's own client: intake-sized appeals produced
/// with the relay's producer settings (idempotent, acks=all, linger 5 ms), every message
/// handed over without waiting for earlier reports as the relay does (after one warm-up
/// message), and consumed with the workers' consumer settings, on the broker named by KAFKA_BROKERS.
struct BenchKafkaCeilingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-ceiling", abstract: "Messages per second produced and consumed through the project's Kafka client.")

    @Option(help: "Messages to produce and consume.")
    var messages = 50_000

    @Option(help: "Topic to use; it must exist and not be read by a running worker.")
    var topic = TopicName.intake

    @Option(help: "The JSON-lines fixture whose accepted appeals are copied.")
    var fixture = "Ops/fixtures/demo-intake.jsonl"

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.bench")
        let kafka = KafkaConfiguration(bootstrapServers: try CommandSupport.kafkaBrokers())
        let appeals = try BenchAppeals(fixture: fixture, label: "kafka-ceiling-\(UUID().uuidString.prefix(8).lowercased())")
        let receivedAt = RFC3339.format(Date())
        let outgoing = try (0..<messages).map { number in
            var message = try appeals.message(number, receivedAt: receivedAt)
            message.topic = topic
            return message
        }
        let producer = try KafkaProducer(configuration: kafka.forProducer(), logger: logger)
        // One message first, awaited: connecting and the idempotent producer's id are not
        // the ceiling (once they took a second of a 10,000-message run: 9,400/s, then 147,000/s).
        try await producer.send([outgoing[0]])
        let produceStarted = ContinuousClock.now
        try await producer.send(outgoing)
        let produced = ContinuousClock.now - produceStarted
        producer.close()

        let consumer = try KafkaConsumer(
            configuration: kafka, groupID: "bench-\(UUID().uuidString.lowercased())", topics: [topic], logger: logger)
        var consumed = 0
        var firstArrival: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + .seconds(120)
        while consumed < messages + 1 && ContinuousClock.now < deadline {
            let batch = await consumer.nextBatch(maxMessages: 5_000, timeout: .seconds(1))
            if !batch.isEmpty && firstArrival == nil { firstArrival = ContinuousClock.now }
            consumed += batch.count
        }
        let consumeTime = firstArrival.map { ContinuousClock.now - $0 } ?? .zero
        await consumer.close()
        guard consumed >= messages + 1 else { throw CommandSupport.fail("consumed \(consumed) of \(messages + 1) messages within 120 s") }

        var figures = BenchFigures()
        figures["messages"] = messages
        figures["message_bytes"] = outgoing.map(\.value.count).reduce(0, +) / max(1, outgoing.count)
        figures["produce_per_second"] = Double(messages) / produced.seconds
        figures["consume_per_second"] = Double(messages) / max(0.001, consumeTime.seconds)
        try figures.print()
    }
}
