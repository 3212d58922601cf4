import CRdKafka
import Foundation
import Logging
import Synchronization

/// An idempotent producer (`enable.idempotence=true`, `acks=all`). `deliver` enqueues a
/// batch and suspends until librdkafka reported delivery of every message; `send` hands
/// over one message and returns at once, its report arriving later, so a caller keeps many
/// deliveries in flight. A dedicated thread serves the delivery reports, never the
/// cooperative pool.
public final class KafkaProducer: Sendable {
    private let handle: KafkaHandle
    private let pollThread: PollThread
    private let recorder = StatisticsRecorder()
    private let logger: Logger

    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        let conf = try configuration.forProducer().makeNativeConfiguration()
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            let ticket = Unmanaged<DeliveryTicket>.fromOpaque(opaque).takeRetainedValue()
            ticket.complete(error: message.pointee.err)
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(recorder).toOpaque())
        rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
            guard let json, let opaque else { return 0 }
            Unmanaged<StatisticsRecorder>.fromOpaque(opaque).takeUnretainedValue().record(json: json, length: length)
            return 0
        }
        self.handle = try KafkaHandle.make(type: RD_KAFKA_PRODUCER, configuration: conf)
        self.logger = logger
        let handle = self.handle
        self.pollThread = PollThread(name: "kafka-producer-poll") {
            rd_kafka_poll(handle.pointer, 100)
        }
    }

    /// Publishes the messages in order and returns when all were delivered.
    /// Throws the first delivery failure after every report arrived.
    public func send(_ messages: [OutgoingMessage]) async throws {
        if let failure = await deliver(messages).lazy.compactMap({ $0 }).first { throw failure }
    }

    /// Publishes the messages in order and returns, once every report arrived, each
    /// message's failure (nil: delivered), so a caller can set aside the one message the
    /// broker refuses and keep the rest.
    public func deliver(_ messages: [OutgoingMessage]) async -> [KafkaError?] {
        if messages.isEmpty { return [] }
        let batch = DeliveryBatch(count: messages.count)
        for (index, message) in messages.enumerated() {
            await send(message) { batch.report(index: index, error: $0) }
        }
        return await batch.wait()
    }

    /// Hands one message to librdkafka, in order after those handed before, and returns;
    /// `delivered` gets its report (nil: delivered) on the poll thread, or at once when
    /// librdkafka refuses to take it.
    public func send(_ message: OutgoingMessage, delivered: @escaping @Sendable (KafkaError?) -> Void) async {
        let opaque = Unmanaged.passRetained(DeliveryTicket(topic: message.topic, report: delivered)).toOpaque()
        var error = enqueue(message, opaque: opaque)
        while error == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            // librdkafka's local queue is full: let deliveries drain it.
            try? await Task.sleep(for: .milliseconds(5))
            error = enqueue(message, opaque: opaque)
        }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            Unmanaged<DeliveryTicket>.fromOpaque(opaque).release()
            delivered(.produceFailed(topic: message.topic, code: error.rawValue, message: kafkaErrorText(error)))
        }
    }

    private func enqueue(_ message: OutgoingMessage, opaque: UnsafeMutableRawPointer) -> rd_kafka_resp_err_t {
        var fields: [rd_kafka_vu_t] = []
        var allocations: [UnsafeMutableRawPointer] = []
        defer { allocations.forEach { free($0) } }

        func copy(_ bytes: [UInt8]) -> UnsafeMutableRawPointer {
            let buffer = malloc(max(bytes.count, 1))!
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) }
            }
            allocations.append(buffer)
            return buffer
        }
        func cString(_ text: String) -> UnsafePointer<CChar> {
            let pointer = strdup(text)!
            allocations.append(UnsafeMutableRawPointer(pointer))
            return UnsafePointer(pointer)
        }

        var field = rd_kafka_vu_t()
        field.vtype = RD_KAFKA_VTYPE_TOPIC
        field.u.cstr = cString(message.topic)
        fields.append(field)

        field = rd_kafka_vu_t()
        field.vtype = RD_KAFKA_VTYPE_VALUE
        field.u.mem.ptr = copy(message.value)
        field.u.mem.size = message.value.count
        fields.append(field)

        if let key = message.key {
            field = rd_kafka_vu_t()
            field.vtype = RD_KAFKA_VTYPE_KEY
            field.u.mem.ptr = copy(key)
            field.u.mem.size = key.count
            fields.append(field)
        }
        for header in message.headers {
            field = rd_kafka_vu_t()
            field.vtype = RD_KAFKA_VTYPE_HEADER
            field.u.header.name = cString(header.key)
            if let value = header.value {
                field.u.header.val = UnsafeRawPointer(copy(value))
                field.u.header.size = value.count
            } else {
                field.u.header.val = nil
                field.u.header.size = 0
            }
            fields.append(field)
        }
        field = rd_kafka_vu_t()
        field.vtype = RD_KAFKA_VTYPE_MSGFLAGS
        field.u.i = RD_KAFKA_MSG_F_COPY
        fields.append(field)

        field = rd_kafka_vu_t()
        field.vtype = RD_KAFKA_VTYPE_OPAQUE
        field.u.ptr = opaque
        fields.append(field)

        guard let errorObject = fields.withUnsafeBufferPointer({ rd_kafka_produceva(handle.pointer, $0.baseAddress, $0.count) }) else {
            return RD_KAFKA_RESP_ERR_NO_ERROR
        }
        let code = rd_kafka_error_code(errorObject)
        rd_kafka_error_destroy(errorObject)
        return code
    }

    /// The latest statistics report (broker states); nil until the first arrived.
    public var statistics: KafkaStatistics? { recorder.current }

    /// Waits for outstanding deliveries, stops the poll thread and frees the client.
    public func close(flushTimeoutMilliseconds: Int32 = 10_000) {
        let remaining = rd_kafka_flush(handle.pointer, flushTimeoutMilliseconds)
        if remaining != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("producer closed with undelivered messages", metadata: ["error": "\(kafkaErrorText(remaining))"])
        }
        pollThread.stop()
        rd_kafka_destroy(handle.pointer)
    }
}

/// Collects the delivery reports of one `deliver` call; `wait` returns once all arrived.
private final class DeliveryBatch: Sendable {
    private struct State {
        var remaining: Int
        var errors: [KafkaError?]
        var continuation: CheckedContinuation<[KafkaError?], Never>?
    }
    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(remaining: count, errors: Array(repeating: nil, count: count), continuation: nil))
    }

    func wait() async -> [KafkaError?] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[KafkaError?], Never>) in
            let done: [KafkaError?]? = state.withLock { state in
                guard state.remaining == 0 else {
                    state.continuation = continuation
                    return nil
                }
                return state.errors
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    func report(index: Int, error: KafkaError?) {
        let ready: (CheckedContinuation<[KafkaError?], Never>, [KafkaError?])? = state.withLock { state in
            state.remaining -= 1
            state.errors[index] = error
            guard state.remaining == 0, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, state.errors)
        }
        if let (continuation, errors) = ready { continuation.resume(returning: errors) }
    }
}

/// The per-message opaque handed to librdkafka; released by the delivery report.
private final class DeliveryTicket: Sendable {
    let topic: String
    let report: @Sendable (KafkaError?) -> Void

    init(topic: String, report: @escaping @Sendable (KafkaError?) -> Void) {
        self.topic = topic
        self.report = report
    }

    func complete(error: rd_kafka_resp_err_t) {
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            report(nil)
        } else {
            report(.deliveryFailed(topic: topic, code: error.rawValue, message: kafkaErrorText(error)))
        }
    }
}
