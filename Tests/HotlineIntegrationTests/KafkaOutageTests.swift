import Foundation
import HotlineKafka
import Testing

/// What a worker does when every Kafka broker is gone (README "Graceful shutdown"): asked to
/// stop, it exits within the documented bound, and what it committed to PostgreSQL is kept
/// and published once the brokers are back.
@Suite(.serialized)
struct KafkaOutageTests {
    /// README "Graceful shutdown": within 20 s of SIGTERM, brokers or not (systemd and
    /// Kubernetes wait 30 s before they kill).
    static let shutdownBound: Double = 20

    @Test func sigtermWithEveryBrokerDownExitsWithinTheBoundAndLosesNothing() async throws {
        try await TestStack.with { stack in
            try stack.startWorker("intake")
            try stack.startWorker("dispatch")
            try stack.publish((1...20).map { IntakeEvents.appeal($0) })
            try await stack.waitUntil(timeout: .seconds(120), "intake committed the 20 appeals (receipts wait in the outbox)") {
                try await stack.count("SELECT count(*) FROM processed_events WHERE consumer = 'intake'") == 20
            }
            let waiting = try await stack.count("SELECT count(*) FROM outbox")
            #expect(waiting >= 20, "no relay yet: the receipts and case events wait in the outbox")

            for broker in 1...3 { try stack.brokerFault("brokers/\(broker)/down") }
            // The relay starts with every broker gone and holds undeliverable messages when asked to stop.
            try stack.startWorker("relay")
            try await Task.sleep(for: .seconds(5))
            let exits = try await stack.terminateTogether(["intake", "dispatch", "relay"], limit: .seconds(60))
            for worker in ["intake", "dispatch", "relay"] {
                let exit = try #require(exits[worker] ?? nil, "\(worker) still ran 60 s after SIGTERM with the brokers down")
                #expect(exit.seconds < Self.shutdownBound, "\(worker) took \(exit.seconds) s to exit")
                #expect(exit.status == 0, "\(worker) exited \(exit.status)")
            }
            #expect(try await stack.count("SELECT count(*) FROM processed_events WHERE consumer = 'intake'") == 20)
            #expect(try await stack.count("SELECT count(*) FROM outbox") + (try await stack.count("SELECT count(*) FROM outbox_parked")) >= waiting,
                    "nothing committed is dropped while the brokers are gone")

            for broker in 1...3 { try stack.brokerFault("brokers/\(broker)/up") }
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try await stack.waitForPipeline(messages: 20)
            let receipts = try await stack.readTopic("hotline.intake.receipts.v1", expected: 20)
            let answered = Set(receipts.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } })
            #expect(answered.count == 20, "every appeal is receipted once the brokers are back")
            #expect(try await stack.count("SELECT count(*) FROM cases") == 20, "redelivered appeals made no second case")
        }
    }
}
