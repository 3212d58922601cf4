import ArgumentParser
import Foundation
import HotlineKafka
import HotlineWorkers
import UnixSignals

struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Host librdkafka's mock Kafka cluster on loopback for development and tests.",
        discussion: """
        In memory, no Admin API (topics come from Topics/), at most 5 MB / 100,000 message \
        sets per partition (the oldest are dropped). Production uses a real Kafka cluster.
        """)

    @Option(help: "Folder of topic definitions.")
    var topics = "Topics"

    @Option(help: "Number of mock brokers.")
    var brokers = 3

    @Option(help: "File to write the bootstrap servers to once the topics exist.")
    var bootstrapFile: String?

    @Option(help: "Serve fault injection (brokers down/up, latency, request errors) on this loopback port; see Ops/dev chaos.")
    var controlPort: Int?

    func run() async throws {
        let definitions: [TopicDefinition]
        do {
            definitions = try TopicCatalog.load(directory: topics)
        } catch {
            throw CommandSupport.fail("\(error)")
        }
        let cluster = try MockKafkaCluster(brokers: brokers)
        for topic in definitions {
            try cluster.createTopic(topic.name, partitions: topic.partitions, replicationFactor: min(brokers, topic.replicationFactor ?? 3))
        }
        if let bootstrapFile {
            let temporary = bootstrapFile + ".tmp"
            try Data((cluster.bootstrapServers + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, bootstrapFile) == 0 else {
                throw CommandSupport.fail("cannot write the bootstrap file '\(bootstrapFile)'")
            }
        }
        FileHandle.standardOutput.write(Data("dev broker: \(cluster.bootstrapServers) (\(brokers) brokers, \(definitions.count) topics: \(definitions.map { "\($0.name)×\($0.partitions)" }.joined(separator: ", ")))\n".utf8))
        let control = try controlPort.map { port in
            let control = DevBrokerControl(cluster: cluster, brokers: brokers, port: port, logger: try CommandSupport.makeLogger("hotline.dev-broker", defaultLevel: "warning"))
            return Task { try await control.run() }
        }
        for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) { break }
        control?.cancel()
        _ = await control?.result
        cluster.shutdown()
    }
}
