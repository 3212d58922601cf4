import CRdKafka
import Foundation

/// Where a consumer group stands in one partition, as the brokers see it.
public struct GroupPartitionPosition: Sendable, Equatable {
    public var partition: TopicPartition
    /// The group's committed offset; nil when it never committed one here.
    public var committedOffset: Int64?
    /// The partition's first and next offsets (low and high watermarks).
    public var startOffset: Int64
    public var endOffset: Int64
    /// When the first message the group has not processed was produced; nil when none waits
    /// or it could not be read in time.
    public var oldestUnprocessedAt: Date?

    /// Messages waiting for the group: from its committed offset (else the start,
    /// as `auto.offset.reset=earliest`) to the end.
    public var lag: Int64 { max(0, endOffset - (committedOffset ?? startOffset)) }
}

/// Reads a consumer group's committed offsets and the partitions' watermarks without
/// joining the group (no rebalance is caused), and peeks at the first unprocessed
/// message of each lagging partition for its age. For `hotline status`.
public enum KafkaGroupInspector {
    /// `peek`: also read the age of the first unprocessed message of each lagging partition
    /// (one fetch per such partition); a caller waiting for the lag to drain does without.
    public static func positions(
        configuration: KafkaConfiguration, group: String, topics: [String], timeout: Duration = .seconds(10), peek: Bool = true
    ) async throws -> [GroupPartitionPosition] {
        let milliseconds = Int32(timeout.components.seconds * 1000)
        return try await onDedicatedThread("kafka-group-inspector") {
            var reader = configuration
            reader.properties.merge([
                "group.id": group, "enable.auto.commit": "false", "enable.auto.offset.store": "false",
                "enable.partition.eof": "false",
            ]) { $1 }
            let handle = try KafkaHandle.make(type: RD_KAFKA_CONSUMER, configuration: reader.makeNativeConfiguration())
            defer {
                rd_kafka_consumer_close(handle.pointer)
                rd_kafka_destroy(handle.pointer)
            }
            rd_kafka_poll_set_consumer(handle.pointer)
            let partitions = try partitionsOf(topics, handle: handle, timeout: milliseconds, group: group)
            var positions = try committed(partitions, handle: handle, timeout: milliseconds, group: group)
            let starts = try listOffsets(Int64(RD_KAFKA_OFFSET_BEGINNING), of: partitions, handle: handle, timeout: milliseconds, group: group)
            let ends = try listOffsets(Int64(RD_KAFKA_OFFSET_END), of: partitions, handle: handle, timeout: milliseconds, group: group)
            for index in positions.indices {
                positions[index].startOffset = starts[positions[index].partition] ?? 0
                positions[index].endOffset = ends[positions[index].partition] ?? 0
            }
            if peek { peekOldestUnprocessed(&positions, handle: handle, timeout: milliseconds) }
            return positions
        }
    }

    /// Every partition's first (`RD_KAFKA_OFFSET_BEGINNING`) or next (`RD_KAFKA_OFFSET_END`)
    /// offset in one ListOffsets request per broker; asking partition by partition took a
    /// round trip each, and a group reads up to 72 partitions.
    private static func listOffsets(
        _ which: Int64, of partitions: [TopicPartition], handle: KafkaHandle, timeout: Int32, group: String
    ) throws -> [TopicPartition: Int64] {
        guard let list = rd_kafka_topic_partition_list_new(Int32(partitions.count)) else {
            throw KafkaError.inspectionFailed(group: group, message: "could not allocate the partition list")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = which
        }
        let result = rd_kafka_offsets_for_times(handle.pointer, list, timeout)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.inspectionFailed(group: group, message: "watermarks: \(kafkaErrorText(result))")
        }
        var offsets: [TopicPartition: Int64] = [:]
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            let partition = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
            guard element.err == RD_KAFKA_RESP_ERR_NO_ERROR, element.offset >= 0 else {
                throw KafkaError.inspectionFailed(group: group, message: "watermarks of \(partition): \(kafkaErrorText(element.err))")
            }
            offsets[partition] = element.offset
        }
        return offsets
    }

    private static func partitionsOf(
        _ topics: [String], handle: KafkaHandle, timeout: Int32, group: String
    ) throws -> [TopicPartition] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle.pointer, 1, nil, &metadata, timeout)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError.inspectionFailed(group: group, message: "metadata: \(kafkaErrorText(result))")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var found: [String: Int32] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            found[String(cString: topic.topic)] = topic.partition_cnt
        }
        return try topics.flatMap { topic -> [TopicPartition] in
            guard let count = found[topic], count > 0 else {
                throw KafkaError.inspectionFailed(group: group, message: "topic \(topic) does not exist on the cluster")
            }
            return (0..<count).map { TopicPartition(topic: topic, partition: $0) }
        }
    }

    private static func committed(
        _ partitions: [TopicPartition], handle: KafkaHandle, timeout: Int32, group: String
    ) throws -> [GroupPartitionPosition] {
        guard let list = rd_kafka_topic_partition_list_new(Int32(partitions.count)) else {
            throw KafkaError.inspectionFailed(group: group, message: "could not allocate the partition list")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions { rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition) }
        let result = rd_kafka_committed(handle.pointer, list, timeout)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.inspectionFailed(group: group, message: "committed offsets: \(kafkaErrorText(result))")
        }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return GroupPartitionPosition(
                partition: TopicPartition(topic: String(cString: element.topic), partition: element.partition),
                committedOffset: element.offset >= 0 ? element.offset : nil, startOffset: 0, endOffset: 0,
                oldestUnprocessedAt: nil)
        }
    }

    /// Assigns the lagging partitions at the group's position (this handle never
    /// commits) and reads one message from each, until all answered or `timeout`.
    private static func peekOldestUnprocessed(_ positions: inout [GroupPartitionPosition], handle: KafkaHandle, timeout: Int32) {
        let lagging = positions.indices.filter { positions[$0].lag > 0 }
        guard !lagging.isEmpty, let list = rd_kafka_topic_partition_list_new(Int32(lagging.count)) else { return }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        var waiting: [TopicPartition: Int] = [:]
        for index in lagging {
            let position = positions[index]
            rd_kafka_topic_partition_list_add(list, position.partition.topic, position.partition.partition).pointee.offset =
                position.committedOffset ?? position.startOffset
            waiting[position.partition] = index
        }
        guard rd_kafka_assign(handle.pointer, list) == RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        defer { rd_kafka_assign(handle.pointer, nil) }
        let deadline = Date().addingTimeInterval(Double(timeout) / 1000)
        while !waiting.isEmpty && Date() < deadline {
            guard let message = rd_kafka_consumer_poll(handle.pointer, 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let partition = TopicPartition(topic: String(cString: rd_kafka_topic_name(message.pointee.rkt)), partition: message.pointee.partition)
            guard let index = waiting.removeValue(forKey: partition) else { continue }
            var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let milliseconds = rd_kafka_message_timestamp(message, &type)
            if type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE {
                positions[index].oldestUnprocessedAt = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            }
        }
    }
}
