import ArgumentParser
import Foundation
import HotlineDomain
import HotlineKafka
import HotlineWorkers

/// Publishes a fixture file as a channel adapter would: one JSON line per message,
/// `{"key": ..., "value": {...}}` or `{"key": ..., "value_base64": "..."}` for raw
/// bytes, with an optional `"wave"` to publish in rounds.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Publish a JSON-lines fixture to a topic (acts as a channel adapter).")

    @Option(help: "Topic to publish to.")
    var topic = TopicName.intake

    @Option(help: "Only the lines of this wave.")
    var wave: Int?

    @Argument(help: "JSON-lines fixture file.")
    var file: String

    struct Line: Decodable {
        var wave: Int?
        var key: String?
        var value: JSONValue?
        var valueBase64: String?

        enum CodingKeys: String, CodingKey {
            case wave, key, value
            case valueBase64 = "value_base64"
        }
    }

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.publish")
        let brokers = try CommandSupport.kafkaBrokers()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var messages: [OutgoingMessage] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            let parsed: Line
            do {
                parsed = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            } catch {
                throw CommandSupport.fail("\(file):\(number + 1): not a fixture line (\(error))")
            }
            if let wave, parsed.wave != wave { continue }
            let value: [UInt8]
            if let base64 = parsed.valueBase64 {
                guard let bytes = Data(base64Encoded: base64) else { throw CommandSupport.fail("\(file):\(number + 1): value_base64 is not base64") }
                value = Array(bytes)
            } else if let object = parsed.value {
                value = Array(try encoder.encode(object))
            } else {
                value = []
            }
            messages.append(OutgoingMessage(topic: topic, key: parsed.key.map { Array($0.utf8) }, value: value))
        }
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: brokers), logger: logger)
        let started = ContinuousClock.now
        for start in stride(from: 0, to: messages.count, by: 500) {
            try await producer.send(Array(messages[start..<min(start + 500, messages.count)]))
        }
        producer.close()
        print("published \(messages.count) messages to \(topic) in \(ContinuousClock.now - started)")
    }
}
