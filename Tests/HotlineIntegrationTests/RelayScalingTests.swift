import Foundation
import HotlineDomain
import HotlinePostgres
import PostgresNIO
import Testing

/// The relay scales out by shards (Ops/RUNBOOK.md "Outbox relay"): a second instance takes
/// half the shards from the first; one killed -9 has its shards taken over when its leases
/// expire; every outbox row is published, and each key's events reach Kafka in the order
/// they were written.
@Suite(.serialized)
struct RelayScalingTests {
    /// Outbox rows: `keys` keys, `perKey` events each, the sequence number in the payload.
    static func rows(keys: Int, perKey: Int, from start: Int) -> [OutboxMessage] {
        (0..<perKey).flatMap { sequence in
            (0..<keys).map { key in
                OutboxMessage(
                    topic: "hotline.cases.v1", key: Array("relay-key-\(key)".utf8), payload: Array("\(start + sequence)".utf8),
                    headers: ["hotline-event-type": "relay.test"])
            }
        }
    }

    @Test func twoRelaysShareTheShardsAndTheSurvivorTakesOverInOrder() async throws {
        try await TestStack.with { stack in
            let enqueue = { (messages: [OutboxMessage]) in
                try await stack.client.withTransaction(logger: stack.logger) { connection in
                    try await OutboxStore.enqueue(messages, on: connection, logger: stack.logger)
                }
            }
            try stack.startWorker("relay", id: "relay-1")
            try await stack.waitUntil(timeout: .seconds(60), "relay-1 holds every shard") {
                try await stack.count("SELECT count(*) FROM outbox_shard_leases WHERE owner IS NOT NULL") == Int64(OutboxShards.count)
            }
            try stack.startWorker("relay", id: "relay-2")
            try await stack.waitUntil(timeout: .seconds(60), "the two relays hold half the shards each") {
                let owners = try await stack.count("SELECT count(DISTINCT owner) FROM outbox_shard_leases WHERE owner IS NOT NULL")
                let most = try await stack.count("SELECT max(n) FROM (SELECT count(*) AS n FROM outbox_shard_leases GROUP BY owner) AS c")
                return owners == 2 && most == Int64(OutboxShards.count / 2)
            }
            try await enqueue(Self.rows(keys: 40, perKey: 10, from: 0))
            try await stack.waitUntil(timeout: .seconds(60), "the first rows are published") {
                try await stack.count("SELECT count(*) FROM outbox") == 0
            }
            stack.kill9("relay-1")
            try await enqueue(Self.rows(keys: 40, perKey: 10, from: 10))
            try await stack.waitUntil(timeout: .seconds(90), "the survivor takes over the killed relay's shards and publishes their rows") {
                try await stack.count("SELECT count(*) FROM outbox") == 0
            }
            #expect(try await stack.count("SELECT count(DISTINCT owner) FROM outbox_shard_leases WHERE owner IS NOT NULL AND expires_at > now()") == 1)

            let published = try stack.runTool(
                "/usr/bin/kcat", ["-C", "-b", stack.kafkaBrokers, "-t", "hotline.cases.v1", "-e", "-q", "-f", "%k\t%s\n"])
            var sequences: [String: [Int]] = [:]
            for line in published.split(separator: "\n") {
                let parts = line.split(separator: "\t")
                guard parts.count == 2, parts[0].hasPrefix("relay-key-"), let sequence = Int(parts[1]) else { continue }
                sequences[String(parts[0]), default: []].append(sequence)
            }
            #expect(sequences.count == 40)
            for (key, seen) in sequences {
                #expect(seen == Array(0..<20), "key \(key) arrived as \(seen)")
            }
        }
    }
}
