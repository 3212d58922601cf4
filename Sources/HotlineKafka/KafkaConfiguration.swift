import CRdKafka

/// librdkafka properties for one client. Any property can be passed through from
/// configuration (production needs `security.protocol`, `sasl.*`, `ssl.*`).
public struct KafkaConfiguration: Sendable {
    public var properties: [String: String]

    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    /// The settings every Hotline producer uses: idempotent, all in-sync replicas
    /// acknowledge, so a delivered message is never lost or duplicated by retries.
    public func forProducer() -> KafkaConfiguration {
        var copy = withStatistics()
        copy.properties["linger.ms"] = copy.properties["linger.ms"] ?? "5"
        copy.properties["enable.idempotence"] = "true"
        copy.properties["acks"] = "all"
        return copy
    }

    /// The settings every Hotline consumer uses: offsets are stored by the worker
    /// only after its PostgreSQL transaction committed, then auto-committed.
    public func forConsumer(groupID: String) -> KafkaConfiguration {
        var copy = withStatistics()
        copy.properties.merge([
            "auto.offset.reset": "earliest",
            "auto.commit.interval.ms": "1000",
            "session.timeout.ms": "10000",
            "heartbeat.interval.ms": "1000",
            "enable.partition.eof": "false",
        ]) { current, _ in current }
        copy.properties["group.id"] = groupID
        copy.properties["enable.auto.offset.store"] = "false"
        copy.properties["enable.auto.commit"] = "true"
        return copy
    }

    /// Statistics reports every 2 s (unless configured): they carry broker states for
    /// `/ready` and partition offsets for the consumer-lag metric.
    private func withStatistics() -> KafkaConfiguration {
        var copy = self
        copy.properties["statistics.interval.ms"] = copy.properties["statistics.interval.ms"] ?? "2000"
        return copy
    }

    /// Builds a librdkafka configuration object; the caller owns it until it is
    /// handed to `rd_kafka_new`.
    func makeNativeConfiguration() throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.clientCreationFailed(message: "rd_kafka_conf_new returned nothing")
        }
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            var errorBuffer = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, key, value, &errorBuffer, errorBuffer.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError.invalidConfiguration(property: key, message: cStringText(errorBuffer))
            }
        }
        return conf
    }
}

/// librdkafka's text for an error code.
func kafkaErrorText(_ code: rd_kafka_resp_err_t) -> String {
    String(cString: rd_kafka_err2str(code))
}

/// The text of a NUL-terminated buffer librdkafka wrote an error message into.
func cStringText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
