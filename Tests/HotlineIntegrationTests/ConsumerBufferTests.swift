import Foundation
import HotlineKafka
import Testing

/// README "Configuration", HOTLINE_CONSUMER_BUFFER_BYTES: a consumer fetches ahead of its
/// worker only up to a byte bound, so a burst of large messages cannot fill the memory.
@Suite(.serialized)
struct ConsumerBufferTests {
    @Test func aBurstOfLargeMessagesPausesFetchingAtTheByteBoundAndResumes() async throws {
        try await TestStack.with { stack in
            let size = 60_000
            let bound = 256 * 1024
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: stack.kafkaBrokers), logger: stack.logger)
            try await producer.send((0..<40).map { number in
                OutgoingMessage(topic: "hotline.intake.v1", key: Array("burst:\(number)".utf8), value: Array(repeating: UInt8(ascii: "x"), count: size))
            })
            producer.close()
            let consumer = try KafkaConsumer(
                configuration: KafkaConfiguration(bootstrapServers: stack.kafkaBrokers), groupID: "test-buffer",
                topics: ["hotline.intake.v1"], bufferBytes: bound, logger: stack.logger)
            try await stack.waitUntil("the consumer fetched up to its bound") {
                consumer.buffered.bytes >= bound
            }
            try await Task.sleep(for: .seconds(2))
            let full = consumer.buffered
            #expect(full.bytes < bound + size + 100, "fetching stops at the byte bound: \(full.bytes) bytes buffered")
            #expect(full.messages < 40, "the rest of the burst waits on the broker: \(full.messages) of 40 buffered")

            var taken = await consumer.nextBatch(maxMessages: 2)
            try await stack.waitUntil("fetching resumes once the worker took a batch") {
                consumer.buffered.bytes >= bound
            }
            while taken.count < 40 {
                let batch = await consumer.nextBatch(maxMessages: 1000, timeout: .seconds(20))
                if batch.isEmpty { break }
                taken += batch
                #expect(consumer.buffered.bytes < bound + size + 100)
            }
            let keys = taken.compactMap(\.key).map { String(decoding: $0, as: UTF8.self) }
            #expect(taken.count == 40 && Set(keys).count == 40, "the whole burst arrives, each message once")
            consumer.stopFetching()
            await consumer.close()
        }
    }
}
