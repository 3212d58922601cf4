import Foundation

/// What one of librdkafka's periodic statistics reports (`statistics.interval.ms`,
/// STATISTICS.md) says about a client: how many brokers it is connected to, and
/// for each partition it fetches, how far the worker's processing is behind the
/// end of the partition.
public struct KafkaStatistics: Sendable, Equatable {
    /// When the report arrived; a report that stops arriving means the poll thread is stuck.
    public var receivedAt: Date
    /// Brokers (configured or learned, not the logical coordinator entries) in state UP.
    public var brokersUp: Int
    /// Brokers the client knows of.
    public var brokersKnown: Int
    /// Fetched partitions with a known end offset.
    public var partitions: [TopicPartition: PartitionLag]

    public init(receivedAt: Date, brokersUp: Int, brokersKnown: Int, partitions: [TopicPartition: PartitionLag]) {
        self.receivedAt = receivedAt
        self.brokersUp = brokersUp
        self.brokersKnown = brokersKnown
        self.partitions = partitions
    }

    /// Parses one report; nil when it is not the JSON object librdkafka documents.
    public static func parse(_ json: Data, receivedAt: Date) -> KafkaStatistics? {
        guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return nil }
        let brokers = (root["brokers"] as? [String: Any] ?? [:]).values.compactMap { $0 as? [String: Any] }
            .filter { ($0["source"] as? String) != "logical" }
        var partitions: [TopicPartition: PartitionLag] = [:]
        for (topic, value) in root["topics"] as? [String: Any] ?? [:] {
            let topicPartitions = (value as? [String: Any])?["partitions"] as? [String: Any] ?? [:]
            for case let (key, partition as [String: Any]) in topicPartitions {
                guard let number = Int32(key), number >= 0, let lag = PartitionLag(statistics: partition) else { continue }
                partitions[TopicPartition(topic: topic, partition: number)] = lag
            }
        }
        return KafkaStatistics(
            receivedAt: receivedAt,
            brokersUp: brokers.filter { ($0["state"] as? String) == "UP" }.count,
            brokersKnown: brokers.count,
            partitions: partitions)
    }
}

/// One partition's position: its end (high watermark) and where the group resumes.
public struct PartitionLag: Sendable, Equatable {
    /// The offset the next produced message gets.
    public var endOffset: Int64
    /// The first offset not yet processed: the worker's stored offset, else the
    /// group's committed offset, else the partition's start (`auto.offset.reset=earliest`).
    public var resumeOffset: Int64

    public init(endOffset: Int64, resumeOffset: Int64) {
        self.endOffset = endOffset
        self.resumeOffset = resumeOffset
    }

    /// Messages in the partition the group has not processed yet.
    public var lag: Int64 { max(0, endOffset - resumeOffset) }

    /// librdkafka's `consumer_lag_stored` is -1 until an offset was stored or
    /// committed, which would hide a partition that was never processed at all;
    /// so the lag is computed from the offsets themselves. Nil while the end is unknown.
    init?(statistics partition: [String: Any]) {
        func offset(_ key: String) -> Int64? {
            (partition[key] as? NSNumber).map(\.int64Value).flatMap { $0 >= 0 ? $0 : nil }
        }
        guard let end = offset("hi_offset") else { return nil }
        self.init(endOffset: end, resumeOffset: offset("stored_offset") ?? offset("committed_offset") ?? offset("lo_offset") ?? 0)
    }
}
