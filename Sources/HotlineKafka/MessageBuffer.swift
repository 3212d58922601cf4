import Foundation

/// The hand-off between a consumer's poll thread and the worker: bounded, so a
/// slow worker makes the poll thread wait instead of buffering without limit.
final class MessageBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private var messages: [ConsumedMessage] = []
    private var head = 0
    private var waiter: CheckedContinuation<[ConsumedMessage], Never>?
    private var waiterLimit = 0
    private var waiterToken = 0
    private var closed = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    private var count: Int { messages.count - head }

    /// Called on the poll thread. Waits (on that thread) while the buffer is full,
    /// at most `timeout`, so the thread keeps serving librdkafka callbacks.
    func waitForSpace(timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if count < capacity || closed { return true }
        _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        return count < capacity || closed
    }

    /// Called on the poll thread.
    func append(_ message: ConsumedMessage) {
        condition.lock()
        if closed {
            condition.unlock()
            return
        }
        messages.append(message)
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
        if head > 4096 || head == messages.count {
            messages.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return batch
    }
}
