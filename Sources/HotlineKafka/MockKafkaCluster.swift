import CRdKafka

/// librdkafka's in-memory mock cluster: real Kafka protocol on loopback, consumer
/// groups and idempotent producers, no Admin API (topics are created here),
/// at most 5 MB / 100,000 message sets per partition. For development and tests only.
public final class MockKafkaCluster: @unchecked Sendable {
    private let handle: KafkaHandle
    private let cluster: OpaquePointer
    public let bootstrapServers: String

    public init(brokers: Int) throws {
        // The handle only hosts the cluster; it never connects anywhere.
        guard let configuration = rd_kafka_conf_new() else {
            throw KafkaError.mockClusterFailed(message: "rd_kafka_conf_new failed")
        }
        rd_kafka_conf_set(configuration, "log_level", "3", nil, 0)
        handle = try KafkaHandle.make(type: RD_KAFKA_PRODUCER, configuration: configuration)
        guard let cluster = rd_kafka_mock_cluster_new(handle.pointer, Int32(brokers)) else {
            rd_kafka_destroy(handle.pointer)
            throw KafkaError.mockClusterFailed(message: "rd_kafka_mock_cluster_new failed")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws {
        let result = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.mockClusterFailed(message: "creating topic \(name): \(kafkaErrorText(result))")
        }
    }

    /// Takes a broker down or brings it back (fault injection).
    public func setBroker(_ id: Int32, up: Bool) {
        if up { rd_kafka_mock_broker_set_up(cluster, id) } else { rd_kafka_mock_broker_set_down(cluster, id) }
    }

    /// Adds round-trip latency to a broker (fault injection).
    public func setBrokerLatency(_ id: Int32, milliseconds: Int32) {
        rd_kafka_mock_broker_set_rtt(cluster, id, milliseconds)
    }

    /// Makes the next `count` requests of a Kafka API (by its key: 0 Produce, 1 Fetch,
    /// 8 OffsetCommit, 12 Heartbeat, …) fail with `errorCode` (fault injection).
    public func failRequests(apiKey: Int16, count: Int, errorCode: Int32) {
        let errors = [rd_kafka_resp_err_t](repeating: rd_kafka_resp_err_t(rawValue: errorCode), count: count)
        errors.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, apiKey, count, $0.baseAddress) }
    }

    public func shutdown() {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(handle.pointer)
    }
}
