import CRdKafka
import Foundation
import Logging
import Synchronization

/// A consumer-group member. A dedicated thread polls librdkafka (the main queue
/// is redirected to the consumer queue, so rebalances are served there too) and
/// hands messages to the worker through a bounded buffer.
///
/// At-least-once with exactly-once effects: `enable.auto.offset.store=false`;
/// the worker calls `storeOffsets` only after the PostgreSQL transaction holding
/// the messages' effects committed; librdkafka auto-commits stored offsets and
/// commits them on revoke and on close. Messages redelivered after a crash or a
/// rebalance are recognised by the worker's processed-event records.
public final class KafkaConsumer: Sendable {
    private let handle: KafkaHandle
    private let buffer: MessageBuffer
    private let rebalance: RebalanceState
    private let stopping = StopFlag()
    private let closedSignal = DispatchSemaphore(value: 0)
    private let logger: Logger
    public let groupID: String

    /// The buffer's bounds when none are given: 5,000 messages or 16 MiB, whichever is
    /// reached first (README "Configuration", HOTLINE_CONSUMER_BUFFER_BYTES).
    public static let defaultBufferCapacity = 5_000
    public static let defaultBufferBytes = 16 * 1_048_576

    public init(
        configuration: KafkaConfiguration, groupID: String, topics: [String],
        bufferCapacity: Int = defaultBufferCapacity, bufferBytes: Int = defaultBufferBytes, logger: Logger
    ) throws {
        let buffer = MessageBuffer(capacity: bufferCapacity, byteCapacity: bufferBytes)
        let rebalance = RebalanceState(buffer: buffer, logger: logger)
        let conf = try configuration.forConsumer(groupID: groupID).makeNativeConfiguration()
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(rebalance).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { handle, error, partitions, opaque in
            guard let handle, let opaque else { return }
            Unmanaged<RebalanceState>.fromOpaque(opaque).takeUnretainedValue()
                .rebalance(handle: handle, error: error, partitions: partitions)
        }
        rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
            guard let json, let opaque else { return 0 }
            Unmanaged<RebalanceState>.fromOpaque(opaque).takeUnretainedValue().statistics.record(json: json, length: length)
            return 0
        }
        self.handle = try KafkaHandle.make(type: RD_KAFKA_CONSUMER, configuration: conf)
        self.buffer = buffer
        self.rebalance = rebalance
        self.logger = logger
        self.groupID = groupID
        rd_kafka_poll_set_consumer(handle.pointer)

        guard let list = rd_kafka_topic_partition_list_new(Int32(topics.count)) else {
            throw KafkaError.subscribeFailed(message: "could not allocate the topic list")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let result = rd_kafka_subscribe(handle.pointer, list)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_destroy(handle.pointer)
            throw KafkaError.subscribeFailed(message: kafkaErrorText(result))
        }
        startPollThread()
    }

    private func startPollThread() {
        let thread = Thread { [handle, buffer, stopping, closedSignal, logger, rebalance] in
            while !stopping.isRaised {
                guard buffer.waitForSpace(timeout: 0.1) else { continue }
                guard let message = rd_kafka_consumer_poll(handle.pointer, 100) else { continue }
                defer { rd_kafka_message_destroy(message) }
                let error = message.pointee.err
                if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                    buffer.append(ConsumedMessage(copying: message))
                } else if error != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    logger.warning("consumer error", metadata: ["error": "\(kafkaErrorText(error))"])
                }
            }
            // Closing serves the final revoke (which commits the stored offsets)
            // and leaves the group; it must run on the thread that polled.
            let result = rd_kafka_consumer_close(handle.pointer)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("consumer close reported an error", metadata: ["error": "\(kafkaErrorText(result))"])
            }
            rebalance.clear()
            rd_kafka_destroy(handle.pointer)
            buffer.close()
            closedSignal.signal()
        }
        thread.name = "kafka-consumer-poll"
        thread.start()
    }

    /// Up to `maxMessages` messages; suspends until at least one arrived, or until
    /// `timeout` passed. Returns an empty batch on timeout and once the consumer is closing.
    public func nextBatch(maxMessages: Int, timeout: Duration? = nil) async -> [ConsumedMessage] {
        await buffer.take(limit: maxMessages, timeout: timeout)
    }

    /// Stops handing out messages: a waiting `nextBatch` returns an empty batch. The
    /// group membership stays until `close`, so offsets can still be stored.
    public func stopFetching() {
        buffer.close()
    }

    /// Stores, for each partition in the batch, the offset after its last message.
    /// Partitions revoked meanwhile are skipped: their new owner redelivers them.
    public func storeOffsets(for messages: [ConsumedMessage]) throws {
        var next: [TopicPartition: Int64] = [:]
        for message in messages {
            next[message.topicPartition] = max(next[message.topicPartition] ?? 0, message.offset + 1)
        }
        let owned = rebalance.assignment
        let storable = next.filter { owned.contains($0.key) }
        if storable.isEmpty { return }
        guard let list = rd_kafka_topic_partition_list_new(Int32(storable.count)) else { return }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in storable {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
        }
        let result = rd_kafka_offsets_store(handle.pointer, list)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__STATE {
            throw KafkaError.offsetStoreFailed(code: result.rawValue, message: kafkaErrorText(result))
        }
    }

    /// Messages and bytes fetched but not yet taken by the worker; the poll thread stops
    /// fetching while either reaches its bound.
    public var buffered: (messages: Int, bytes: Int) { buffer.occupancy }

    /// The partitions currently assigned to this member.
    public var assignment: Set<TopicPartition> { rebalance.assignment }

    /// The latest statistics report, its partitions narrowed to this member's
    /// assignment; nil until the first report (`statistics.interval.ms`) arrived.
    public var statistics: KafkaStatistics? {
        guard var statistics = rebalance.statistics.current else { return nil }
        let owned = rebalance.assignment
        statistics.partitions = statistics.partitions.filter { owned.contains($0.key) }
        return statistics
    }

    /// Leaves the group: stops polling, commits stored offsets and closes. Call
    /// after the last batch's offsets were stored. Blocks a dedicated thread, not
    /// the caller. With every broker gone librdkafka's close can wait for the group
    /// coordinator without end: after `timeout` this returns false and leaves the close
    /// running, so the process can exit; offsets stored since the last commit are then
    /// redelivered to the next member, which recognises the events it already applied.
    @discardableResult
    public func close(timeout: Duration = .seconds(10)) async -> Bool {
        guard stopping.raise() else { return true }
        buffer.close()
        let closedSignal = self.closedSignal
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Thread {
                continuation.resume(returning: closedSignal.wait(timeout: .now() + seconds) == .success)
            }.start()
        }
    }
}

/// Serves rebalance and statistics callbacks on the poll thread; tracks the
/// assignment and keeps the latest statistics.
private final class RebalanceState: Sendable {
    private let owned = Mutex<Set<TopicPartition>>([])
    let statistics = StatisticsRecorder()
    private let buffer: MessageBuffer
    private let logger: Logger

    init(buffer: MessageBuffer, logger: Logger) {
        self.buffer = buffer
        self.logger = logger
    }

    var assignment: Set<TopicPartition> { owned.withLock { $0 } }

    func clear() {
        owned.withLock { $0.removeAll() }
        statistics.clear()
    }

    func rebalance(handle: OpaquePointer, error: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let changed = Set(partitions.map(Self.topicPartitions) ?? [])
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            rd_kafka_assign(handle, partitions)
            owned.withLock { $0.formUnion(changed) }
            logger.info("partitions assigned", metadata: ["partitions": "\(changed.sorted { $0.description < $1.description })"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            owned.withLock { $0.subtract(changed) }
            buffer.discard(partitions: changed)
            // Commit what was stored before the partitions go to another member.
            let committed = rd_kafka_commit(handle, nil, 0)
            if committed != RD_KAFKA_RESP_ERR_NO_ERROR && committed != RD_KAFKA_RESP_ERR__NO_OFFSET {
                logger.warning("commit on revoke failed", metadata: ["error": "\(kafkaErrorText(committed))"])
            }
            rd_kafka_assign(handle, nil)
            logger.info("partitions revoked", metadata: ["partitions": "\(changed.sorted { $0.description < $1.description })"])
        default:
            logger.error("rebalance error", metadata: ["error": "\(kafkaErrorText(error))"])
            owned.withLock { $0.removeAll() }
            rd_kafka_assign(handle, nil)
        }
    }

    private static func topicPartitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return TopicPartition(topic: String(cString: element.topic), partition: element.partition)
        }
    }
}

extension ConsumedMessage {
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let native = message.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        var headers: [KafkaHeader] = []
        var nativeHeaders: OpaquePointer?
        if rd_kafka_message_headers(message, &nativeHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let nativeHeaders {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(nativeHeaders, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(KafkaHeader(
                    key: name.map { String(cString: $0) } ?? "",
                    value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        self.init(
            topic: String(cString: rd_kafka_topic_name(native.rkt)),
            partition: native.partition,
            offset: native.offset,
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp,
            key: native.key.map { Array(UnsafeRawBufferPointer(start: $0, count: native.key_len)) },
            value: native.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: native.len)) },
            headers: headers)
    }
}
