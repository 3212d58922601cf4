/// Typed failures of the Kafka adapter. Each says what went wrong and what to do.
public enum KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka refused a configuration property.
    case invalidConfiguration(property: String, message: String)
    /// The client handle could not be created.
    case clientCreationFailed(message: String)
    /// A message was not delivered: librdkafka's error code and text.
    case deliveryFailed(topic: String, code: Int32, message: String)
    /// Enqueueing a message failed before delivery was attempted.
    case produceFailed(topic: String, code: Int32, message: String)
    /// Subscribing the consumer group failed.
    case subscribeFailed(message: String)
    /// Storing consumed offsets failed.
    case offsetStoreFailed(code: Int32, message: String)
    /// The mock cluster could not be created or configured.
    case mockClusterFailed(message: String)
    /// A consumer group's offsets could not be read.
    case inspectionFailed(group: String, message: String)
    /// The client was used after it was closed.
    case closed

    public var description: String {
        switch self {
        case let .invalidConfiguration(property, message):
            return "Kafka setting '\(property)' was refused by librdkafka: \(message). Check the value in KAFKA_* / HOTLINE_KAFKA_* configuration."
        case let .clientCreationFailed(message):
            return "could not create the Kafka client: \(message). Check KAFKA_BROKERS and the librdkafka settings."
        case let .deliveryFailed(topic, code, message):
            return "a message to '\(topic)' was not delivered (librdkafka error \(code): \(message)); it stays in the outbox and is retried."
        case let .produceFailed(topic, code, message):
            return "could not enqueue a message to '\(topic)' (librdkafka error \(code): \(message))."
        case let .subscribeFailed(message):
            return "could not subscribe the consumer group: \(message). Check that the topics exist."
        case let .offsetStoreFailed(code, message):
            return "could not store consumed offsets (librdkafka error \(code): \(message))."
        case let .mockClusterFailed(message):
            return "the dev broker (librdkafka mock cluster) failed: \(message)."
        case let .inspectionFailed(group, message):
            return "could not read the position of consumer group '\(group)': \(message). Check KAFKA_BROKERS and that the brokers are up."
        case .closed:
            return "the Kafka client is already closed."
        }
    }
}

extension KafkaError {
    /// The message itself is what the broker or librdkafka refuses (too large, an invalid
    /// record): sending it again fails the same way, so the relay parks it rather than
    /// retrying it forever and stopping every topic behind it.
    public var refusesTheMessage: Bool {
        switch self {
        case let .deliveryFailed(_, code, _), let .produceFailed(_, code, _):
            [10, 18, 87].contains(code) // MSG_SIZE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_RECORD
        default:
            false
        }
    }
}
