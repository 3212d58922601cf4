import CRdKafka

/// A librdkafka client handle. librdkafka handles are thread-safe, so the
/// wrapper may cross concurrency domains.
struct KafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    static func make(type: rd_kafka_type_t, configuration: OpaquePointer) throws -> KafkaHandle {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, configuration, &errorBuffer, errorBuffer.count) else {
            rd_kafka_conf_destroy(configuration)
            throw KafkaError.clientCreationFailed(message: cStringText(errorBuffer))
        }
        return KafkaHandle(pointer: handle)
    }
}
