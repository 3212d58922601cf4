import ArgumentParser
import Foundation
import HotlineKafka
import HotlineWorkers

/// Prints a topic's messages as a monitoring consumer sees them.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Print a topic's messages readably, from the beginning.")

    @Argument(help: "Topic name, e.g. hotline.cases.v1")
    var topic: String

    @Option(help: "Stop after this many messages.")
    var max: Int?

    @Option(help: "Stop when no message arrived for this many seconds (default: follow forever).")
    var idleTimeout: Double?

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.tail")
        let brokers = try CommandSupport.kafkaBrokers()
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: brokers, properties: ["enable.auto.commit": "false"]),
            groupID: "hotline-tail-\(UUID().uuidString.prefix(8).lowercased())", topics: [topic], logger: logger)
        var printed = 0
        while max.map({ printed < $0 }) ?? true {
            let batch = await consumer.nextBatch(maxMessages: 100, timeout: idleTimeout.map { .seconds($0) })
            if batch.isEmpty { break }
            for message in batch.prefix(max.map { $0 - printed } ?? batch.count) {
                print(Self.render(message))
                printed += 1
            }
        }
        consumer.stopFetching()
        await consumer.close()
    }

    static func render(_ message: ConsumedMessage) -> String {
        let key = message.key.map { String(decoding: $0, as: UTF8.self) } ?? "-"
        let value = message.value ?? []
        var body = String(decoding: value, as: UTF8.self)
        if let object = try? JSONSerialization.jsonObject(with: Data(value)),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
            body = String(decoding: pretty, as: UTF8.self)
        }
        return "── \(message.topic)[\(message.partition)]@\(message.offset) key=\(key)\n\(body)"
    }
}
