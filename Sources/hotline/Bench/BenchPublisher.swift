import Foundation
import HotlineDomain
import HotlineKafka

/// Publishes benchmark appeals in ticks of 10 ms: at a fixed rate, each tick sends
/// what the schedule says is due by then without waiting for earlier deliveries; at
/// full speed (rate 0), chunks of 1,000 one after another. Returns when each appeal
/// was handed to Kafka (seconds since the epoch), by appeal number.
struct BenchPublisher {
    let producer: KafkaProducer
    let appeals: BenchAppeals

    /// First hands one appeal of its own (event id `warmup-LABEL-0000000`, outside every
    /// figure) to Kafka and waits for its delivery: a new idempotent producer connects and
    /// obtains its producer id, about a second on the dev broker, before it sends anything,
    /// which a channel adapter's long-running producer did once, at its start. Without it,
    /// the first appeals of a run carried that second into the receipt latency and the
    /// full-speed span.
    func publish(count: Int, rate: Double) async throws -> [Double] {
        let warmUp = appeals.labelled("warmup-\(appeals.label)")
        try await producer.send([warmUp.message(0, receivedAt: RFC3339.format(Date()))])
        var handedAt = [Double](repeating: 0, count: count)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < count {
                let due = rate > 0 ? min(count, Int((ContinuousClock.now - started).seconds * rate) + 1) : min(count, next + 1_000)
                if due > next {
                    let now = Date()
                    let receivedAt = RFC3339.format(now)
                    let messages = try (next..<due).map { try appeals.message($0, receivedAt: receivedAt) }
                    for number in next..<due { handedAt[number] = now.timeIntervalSince1970 }
                    next = due
                    if rate > 0 {
                        group.addTask { [producer] in try await producer.send(messages) }
                    } else {
                        try await producer.send(messages)
                    }
                }
                if rate > 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            try await group.waitForAll()
        }
        return handedAt
    }
}
