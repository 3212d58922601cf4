import Foundation

/// The hand-off between a consumer's poll thread and the worker: bounded in messages
/// and in bytes, so a slow worker makes the poll thread wait instead of buffering
/// without limit, however large the messages are.
final class MessageBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private var messages: [ConsumedMessage] = []
    private var head = 0
    private var bytes = 0
    private var waiter: CheckedContinuation<[ConsumedMessage], Never>?
    private var waiterLimit = 0
    private var waiterToken = 0
    private var closed = false
    let capacity: Int
    let byteCapacity: Int

    init(capacity: Int, byteCapacity: Int) {
        self.capacity = capacity
        self.byteCapacity = byteCapacity
    }

    private var count: Int { messages.count - head }

    /// Room for one more message: under both bounds. A message larger than the byte
    /// bound still enters an empty buffer, so it cannot stall its partition.
    private var hasSpace: Bool { count < capacity && bytes < byteCapacity }

    /// The messages and bytes waiting for the worker, for the buffer gauges.
    var occupancy: (messages: Int, bytes: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (count, bytes)
    }

    /// Called on the poll thread. Waits (on that thread) while the buffer is full,
    /// at most `timeout`, so the thread keeps serving librdkafka callbacks.
    func waitForSpace(timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if hasSpace || closed { return true }
        _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        return hasSpace || closed
    }

    /// Called on the poll thread.
    func append(_ message: ConsumedMessage) {
        condition.lock()
        if closed {
            condition.unlock()
            return
        }
        messages.append(message)
        bytes += message.byteSize
        let handOff = takeForWaiter()
        condition.unlock()
        handOff?.0.resume(returning: handOff!.1)
    }

    /// Up to `limit` buffered messages; suspends until at least one is there, the
    /// buffer is closed or `timeout` passed (then returns an empty array).
    func take(limit: Int, timeout: Duration? = nil) async -> [ConsumedMessage] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[ConsumedMessage], Never>) in
            condition.lock()
            if count > 0 || closed {
                let batch = drain(limit: limit)
                condition.unlock()
                continuation.resume(returning: batch)
                return
            }
            waiter = continuation
            waiterLimit = limit
            waiterToken += 1
            let token = waiterToken
            condition.unlock()
            if let timeout {
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.expire(token: token)
                }
            }
        }
    }

    private func expire(token: Int) {
        condition.lock()
        guard token == waiterToken, let pending = waiter else {
            condition.unlock()
            return
        }
        waiter = nil
        condition.unlock()
        pending.resume(returning: [])
    }

    /// Drops buffered messages of partitions this consumer no longer owns; their
    /// new owner will receive them from the last committed offset.
    func discard(partitions: Set<TopicPartition>) {
        condition.lock()
        messages = Array(messages[head...]).filter { !partitions.contains($0.topicPartition) }
        head = 0
        bytes = messages.reduce(0) { $0 + $1.byteSize }
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes a waiting `take` with an empty batch and makes later calls return at once.
    func close() {
        condition.lock()
        closed = true
        let pending = waiter
        waiter = nil
        condition.broadcast()
        condition.unlock()
        pending?.resume(returning: [])
    }

    private func takeForWaiter() -> (CheckedContinuation<[ConsumedMessage], Never>, [ConsumedMessage])? {
        guard let pending = waiter else { return nil }
        waiter = nil
        return (pending, drain(limit: waiterLimit))
    }

    private func drain(limit: Int) -> [ConsumedMessage] {
        let end = min(messages.count, head + limit)
        let batch = Array(messages[head..<end])
        head = end
        bytes -= batch.reduce(0) { $0 + $1.byteSize }
        if head > 4096 || head == messages.count {
            messages.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return batch
    }
}

extension ConsumedMessage {
    /// What the message holds in memory, as the buffer's byte bound counts it: key,
    /// value and headers (names and values).
    var byteSize: Int {
        (key?.count ?? 0) + (value?.count ?? 0) + headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
    }
}
