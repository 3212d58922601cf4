import ArgumentParser
import Foundation
import HotlineKafka
import HotlineWorkers

/// Publishes a fixture file (`FixtureFile`) as a channel adapter would, optionally one
/// wave of it.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Publish a JSON-lines fixture to a topic (acts as a channel adapter).")

    @Option(help: "Topic to publish to.")
    var topic = TopicName.intake

    @Option(help: "Only the lines of this wave.")
    var wave: Int?

    @Argument(help: "JSON-lines fixture file.")
    var file: String

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.publish")
        let brokers = try CommandSupport.kafkaBrokers()
        let messages = try FixtureFile(path: file).lines
            .filter { wave == nil || $0.wave == wave }
            .map { OutgoingMessage(topic: topic, key: $0.key.map { Array($0.utf8) }, value: $0.value) }
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: brokers), logger: logger)
        let started = ContinuousClock.now
        for start in stride(from: 0, to: messages.count, by: 500) {
            try await producer.send(Array(messages[start..<min(start + 500, messages.count)]))
        }
        producer.close()
        print("published \(messages.count) messages to \(topic) in \(ContinuousClock.now - started)")
    }
}
