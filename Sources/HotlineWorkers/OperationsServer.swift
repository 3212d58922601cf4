import Foundation
import HTTPTypes
import Hummingbird
import HotlineKafka
import Logging
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// What a worker's readiness depends on; each check returns a problem, or nil when fine.
public struct ReadinessCheck: Sendable {
    let check: @Sendable () async -> String?

    /// PostgreSQL answers `SELECT 1` within 2 seconds.
    static func postgres(_ client: PostgresClient, logger: Logger) -> ReadinessCheck {
        ReadinessCheck {
            do {
                try await withTimeout(.seconds(2)) { _ = try await client.query("SELECT 1", logger: logger).collect() }
                return nil
            } catch {
                return "postgresql: not reachable within 2 s"
            }
        }
    }

    /// The Kafka client reports at least one broker up in a statistics report of the
    /// last 10 s (reports come every 2 s from the poll thread, so silence means it is stuck).
    static func kafka(_ statistics: @escaping @Sendable () -> KafkaStatistics?) -> ReadinessCheck {
        ReadinessCheck {
            guard let report = statistics() else { return "kafka: no statistics report from the client yet" }
            let age = Date().timeIntervalSince(report.receivedAt)
            if age > 10 { return "kafka: the client's last statistics report is \(Int(age)) s old; its poll thread may be stuck" }
            if report.brokersUp == 0 { return "kafka: none of the \(report.brokersKnown) known brokers is connected" }
            return nil
        }
    }

    /// The consumer holds partitions of its group (so the group formed and this member takes part).
    static func assignment(_ consumer: KafkaConsumer) -> ReadinessCheck {
        ReadinessCheck { consumer.assignment.isEmpty ? "kafka: no partitions assigned to this member of \(consumer.groupID)" : nil }
    }
}

/// The worker's small HTTP surface for operators and orchestrators, on
/// `HOTLINE_HTTP_HOST:HOTLINE_HTTP_PORT`: `/health` (the process answers), `/ready`
/// (its checks pass: 200, else 503 with the problems as JSON) and `/metrics` (the
/// Prometheus text format).
struct OperationsServer: Service {
    /// The worker's name, the `worker` label of `hotline_ready`.
    let worker: String
    let host: String
    let port: Int
    let registry: PrometheusCollectorRegistry
    let checks: [ReadinessCheck]
    /// Gauges read at scrape time (partitions held, outbox backlog).
    let collect: @Sendable () async -> Void
    let logger: Logger

    func run() async throws {
        let router = Router()
        router.get("health") { _, _ in "ok\n" }
        router.get("ready") { [checks] _, _ -> Response in
            let problems = await Self.problems(checks)
            guard !problems.isEmpty else { return Self.response(.ok, "text/plain; charset=utf-8", "ready\n") }
            let body = (try? JSONSerialization.data(withJSONObject: ["ready": false, "problems": problems], options: [.sortedKeys])) ?? Data()
            return Self.response(.serviceUnavailable, "application/json", String(decoding: body, as: UTF8.self))
        }
        router.get("metrics") { [registry, collect, checks, worker] _, _ -> Response in
            await collect()
            let ready = await Self.problems(checks).isEmpty
            WorkerMetrics.ready(worker: worker, ready)
            return Self.response(.ok, "text/plain; version=0.0.4; charset=utf-8", registry.emitToString())
        }
        let application = Application(router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
        logger.info("serving /health, /ready and /metrics", metadata: ["host": "\(host)", "port": "\(port)"])
        // `run`, not `runService`: the latter traps SIGTERM itself, so the server could stop
        // before the worker's service group asked it to, and the group would cancel every
        // service instead of shutting them down in order.
        try await application.run()
    }

    /// What the failing checks say, in order; empty when the worker is ready.
    static func problems(_ checks: [ReadinessCheck]) async -> [String] {
        var problems: [String] = []
        for check in checks { if let problem = await check.check() { problems.append(problem) } }
        return problems
    }

    static func response(_ status: HTTPResponse.Status, _ contentType: String, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
