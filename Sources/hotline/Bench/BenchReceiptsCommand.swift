import ArgumentParser
import Foundation
import HotlineDomain
import HotlineKafka
import HotlineWorkers
import Logging

/// Receipt latency as a channel adapter sees it: appeals published at a steady rate
/// while a consumer of `hotline.intake.receipts.v1` (as an adapter runs one) reads each
/// appeal's receipt, matched by its key; from the moment an appeal was handed to Kafka to
/// the moment its receipt was read.
struct BenchReceiptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts", abstract: "Publish appeals at a rate and measure how long each waits for its receipt.")

    @Option(help: "Appeals to publish.")
    var count = 100

    @Option(help: "Appeals per second.")
    var rate: Double = 5

    @Option(help: "Names this run's event ids (LABEL-n).")
    var label = "bench-receipts"

    @Option(help: "The JSON-lines fixture whose accepted appeals are copied.")
    var fixture = "Ops/fixtures/demo-intake.jsonl"

    @Option(help: "Seconds to wait for the last receipt.")
    var timeout: Double = 120

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.bench")
        let brokers = try CommandSupport.kafkaBrokers()
        let appeals = try BenchAppeals(fixture: fixture, label: label)
        // An adapter's consumer answers as soon as a receipt arrives (README "The dev broker").
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: brokers, properties: ["fetch.wait.max.ms": "10"]),
            groupID: "bench-receipts-\(UUID().uuidString.lowercased())", topics: [TopicName.receipts], logger: logger)
        let joined = ContinuousClock.now + .seconds(60)
        while consumer.assignment.isEmpty, ContinuousClock.now < joined {
            _ = await consumer.nextBatch(maxMessages: 1_000, timeout: .milliseconds(200))
        }
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: brokers).forProducer(), logger: logger)
        let prefix = Array("\(label)-".utf8)
        let (count, timeout) = (count, timeout)
        let reading = Task {
            var read: [Int: Double] = [:]
            let deadline = ContinuousClock.now + .seconds(timeout)
            while read.count < count, ContinuousClock.now < deadline {
                for message in await consumer.nextBatch(maxMessages: 1_000, timeout: .milliseconds(100)) {
                    let arrived = Date().timeIntervalSince1970
                    guard let key = message.key, let colon = key.firstIndex(of: UInt8(ascii: ":")) else { continue }
                    let eventID = key[key.index(after: colon)...]
                    guard eventID.starts(with: prefix), let number = Int(String(decoding: eventID.dropFirst(prefix.count), as: UTF8.self)),
                          read[number] == nil
                    else { continue }
                    read[number] = arrived
                }
            }
            return read
        }
        let published = try await BenchPublisher(producer: producer, appeals: appeals).publish(count: count, rate: rate)
        let read = await reading.value
        producer.close()
        await consumer.close()
        guard read.count == count else { throw CommandSupport.fail("read \(read.count) of \(count) receipts within \(timeout) s") }
        var latency = BenchDurations()
        for (number, arrived) in read { latency.record(seconds: arrived - published[number]) }
        var figures = BenchFigures()
        figures["published"] = count
        figures["rate_target"] = rate
        latency.report("receipt_latency", into: &figures)
        try figures.print()
    }
}
