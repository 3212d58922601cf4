import Foundation
import HotlineKafka
import Hummingbird
import Logging
import NIOCore

/// Fault injection for the dev broker (`hotline dev-broker --control-port N`), used by
/// `Ops/dev chaos`: loopback-only POST endpoints over the mock cluster's own API.
///
/// - `/brokers/{id}/down`, `/brokers/{id}/up`: a broker stops or resumes answering;
/// - `/brokers/{id}/rtt/{ms}`: added round-trip latency (0 removes it);
/// - `/errors/{api}/{count}/{code}`: the next `count` requests of that API (name, e.g.
///   `Produce`, `Fetch`, `OffsetCommit`, `JoinGroup`, `Heartbeat`) fail with that Kafka error code.
public struct DevBrokerControl: Sendable {
    let cluster: MockKafkaCluster
    let brokers: Int
    let port: Int
    let logger: Logger

    public init(cluster: MockKafkaCluster, brokers: Int, port: Int, logger: Logger) {
        self.cluster = cluster
        self.brokers = brokers
        self.port = port
        self.logger = logger
    }

    /// Kafka protocol API keys the mock cluster serves, by name.
    static let apiKeys: [String: Int16] = [
        "Produce": 0, "Fetch": 1, "ListOffsets": 2, "Metadata": 3, "OffsetCommit": 8, "OffsetFetch": 9,
        "FindCoordinator": 10, "JoinGroup": 11, "Heartbeat": 12, "LeaveGroup": 13, "SyncGroup": 14, "InitProducerId": 22,
    ]

    public func run() async throws {
        let router = Router()
        router.post("brokers/:id/:state") { [cluster, logger] _, context -> Response in
            guard let id = try broker(context), let state = context.parameters.get("state"), ["up", "down"].contains(state) else {
                return Self.answer(.badRequest, "give /brokers/{1…\(brokers)}/up or /down\n")
            }
            cluster.setBroker(id, up: state == "up")
            logger.warning("fault injection: broker \(state)", metadata: ["broker": "\(id)"])
            return Self.answer(.ok, "broker \(id) \(state)\n")
        }
        router.post("brokers/:id/rtt/:ms") { [cluster, logger] _, context -> Response in
            guard let id = try broker(context), let ms = context.parameters.get("ms", as: Int32.self), ms >= 0 else {
                return Self.answer(.badRequest, "give /brokers/{id}/rtt/{milliseconds ≥ 0}\n")
            }
            cluster.setBrokerLatency(id, milliseconds: ms)
            logger.warning("fault injection: broker latency", metadata: ["broker": "\(id)", "rtt_ms": "\(ms)"])
            return Self.answer(.ok, "broker \(id) rtt \(ms) ms\n")
        }
        router.post("errors/:api/:count/:code") { [cluster, logger] _, context -> Response in
            guard let api = context.parameters.get("api"), let key = Self.apiKeys[api],
                  let count = context.parameters.get("count", as: Int.self), (1...10_000).contains(count),
                  let code = context.parameters.get("code", as: Int32.self)
            else {
                return Self.answer(.badRequest, "give /errors/{\(Self.apiKeys.keys.sorted().joined(separator: "|"))}/{count 1…10000}/{kafka error code}\n")
            }
            cluster.failRequests(apiKey: key, count: count, errorCode: code)
            logger.warning("fault injection: request errors", metadata: ["api": "\(api)", "count": "\(count)", "code": "\(code)"])
            return Self.answer(.ok, "next \(count) \(api) requests fail with \(code)\n")
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await application.run()
    }

    private func broker(_ context: BasicRequestContext) throws -> Int32? {
        guard let id = context.parameters.get("id", as: Int32.self), (1...Int32(brokers)).contains(id) else { return nil }
        return id
    }

    static func answer(_ status: HTTPResponse.Status, _ text: String) -> Response {
        OperationsServer.response(status, "text/plain; charset=utf-8", text)
    }
}
