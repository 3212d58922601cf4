import Foundation
import HotlineKafka
import HotlineWorkers
import Testing

/// Issue 21 item 4: an appeal's path through intake, the relay and dispatch is one trace,
/// carried in W3C `traceparent` headers and exported over OTLP/HTTP by swift-otel; with the
/// real workers, the dev broker and an OTLP receiver where a collector would be
/// (`Ops/tools/otlp_sink.py`). docs/TRACING.md.
@Suite(.serialized)
struct TraceTests {
    /// The trace context a channel adapter that traces sends with an appeal.
    static let adapterTrace = "0af7651916cd43dd8448eb211c80319c"
    static let adapterSpan = "b7ad6b7169203331"
    static let badMessageTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

    struct ExportedSpan: Decodable {
        var service: String
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var name: String
        var attributes: [String: AttributeValue]

        enum CodingKeys: String, CodingKey {
            case service, name, attributes
            case traceID = "trace_id", spanID = "span_id", parentSpanID = "parent_span_id"
        }
    }

    enum AttributeValue: Decodable, Equatable {
        case text(String), number(Double), flag(Bool)

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let flag = try? value.decode(Bool.self) {
                self = .flag(flag)
            } else if let number = try? value.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try value.decode(String.self))
            }
        }
    }

    static func spans(in file: URL) -> [ExportedSpan] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(ExportedSpan.self, from: Data($0.utf8)) }
    }

    /// The trace id in a message's `traceparent` (`00-<trace id>-<span id>-<flags>`).
    static func traceID(of message: ConsumedMessage) -> String? {
        guard let header = message.headers.last(where: { $0.key == "traceparent" })?.value else { return nil }
        let fields = String(decoding: header, as: UTF8.self).split(separator: "-")
        return fields.count == 4 ? String(fields[1]) : nil
    }

    static let tracing = ["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100"]

    @Test func oneAppealIsOneTraceAcrossIntakeRelayAndDispatch() async throws {
        try await TestStack.with { stack in
            let port = try stack.freePort()
            let spansFile = try stack.startOTLPSink(port: port)
            let environment = Self.tracing.merging(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(port)"]) { $1 }
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker, extraEnvironment: environment) }
            var traced = IntakeEvents.appeal(1)
            traced.headers = ["traceparent": "00-\(Self.adapterTrace)-\(Self.adapterSpan)-01"]
            var bad = IntakeEvents.invalid[0].0
            bad.headers = ["traceparent": "00-\(Self.badMessageTrace)-00f067aa0ba902b7-01"]
            try stack.publish([traced, IntakeEvents.appeal(2), bad])
            try await stack.waitForPipeline(messages: 3)

            let expected: Set<String> = [
                "hotline-intake intake hotline.intake.v1", "hotline-relay relay case.accepted", "hotline-dispatch dispatch case.accepted",
                "hotline-relay relay case.dispatched", "hotline-relay relay work_order.issued", "hotline-relay relay receipt.accepted",
            ]
            try await stack.waitUntil(timeout: .seconds(60), "the appeal's spans from intake, relay and dispatch reached the receiver") {
                expected.isSubset(of: Set(Self.spans(in: spansFile).filter { $0.traceID == Self.adapterTrace }.map { "\($0.service) \($0.name)" }))
            }
            let trace = Self.spans(in: spansFile).filter { $0.traceID == Self.adapterTrace }
            func span(_ service: String, _ name: String) throws -> ExportedSpan {
                try #require(trace.first { $0.service == service && $0.name == name }, "no \(name) span from \(service)")
            }
            // Each hop is the child of the one before: adapter → intake → relay → dispatch → relay.
            let intake = try span("hotline-intake", "intake hotline.intake.v1")
            let relayAccepted = try span("hotline-relay", "relay case.accepted")
            let dispatch = try span("hotline-dispatch", "dispatch case.accepted")
            #expect(intake.parentSpanID == Self.adapterSpan, "intake continues the adapter's span")
            #expect(relayAccepted.parentSpanID == intake.spanID)
            #expect(dispatch.parentSpanID == relayAccepted.spanID)
            #expect(try span("hotline-relay", "relay case.dispatched").parentSpanID == dispatch.spanID)
            #expect(try span("hotline-relay", "relay work_order.issued").parentSpanID == dispatch.spanID)
            #expect(try span("hotline-relay", "relay receipt.accepted").parentSpanID == intake.spanID)

            // The trace is on the events themselves, so a consumer outside the project follows it too.
            let cases = try await stack.readTopic("hotline.cases.v1", expected: 4)
            let accepted = try #require(cases.first { Self.traceID(of: $0) == Self.adapterTrace && $0.eventType == "case.accepted" })
            let caseID = String(decoding: accepted.key ?? [], as: UTF8.self)
            #expect(dispatch.attributes["hotline.case_id"] == .text(caseID), "a case's spans can be found by its id")
            #expect(dispatch.attributes["messaging.destination.name"] == .text("hotline.cases.v1"))
            let receipts = try await stack.readTopic("hotline.intake.receipts.v1", expected: 2)
            let untraced = try #require(receipts.first { String(decoding: $0.key ?? [], as: UTF8.self) == "phone:T-00000002" })
            let ownTrace = try #require(Self.traceID(of: untraced), "an appeal sent without a trace starts one")
            #expect(ownTrace != Self.adapterTrace)
            try await stack.waitUntil(timeout: .seconds(30), "the untraced appeal's intake span reached the receiver") {
                Self.spans(in: spansFile).contains { $0.traceID == ownTrace && $0.service == "hotline-intake" && $0.parentSpanID.isEmpty }
            }
            let letters = try await stack.readTopic("hotline.intake.dlq.v1", expected: 1)
            #expect(letters.map(Self.traceID) == [Self.badMessageTrace], "a dead letter continues the trace of the message it sets aside")

            // Spans name topics, offsets, event types and ids, never what a caller said or who they are.
            let exported = try String(contentsOf: spansFile, encoding: .utf8)
            for personal in ["测试来电人1", "13900000001", "13900000002"] { #expect(!exported.contains(personal)) }
        }
    }

    /// A sweep that fires clocks is a span of its own, and what it publishes continues it:
    /// the overdue sign (长沙 第十七条) reaches supervision inside the deadline sweep's trace.
    @Test func aDeadlineSweepIsASpanItsEventsContinue() async throws {
        try await TestStack.with { stack in
            let port = try stack.freePort()
            let spansFile = try stack.startOTLPSink(port: port)
            try stack.startLifecycle(
                policy: "changsha-2020", at: "2026-10-09T09:00:00+08:00",
                extraEnvironment: Self.tracing.merging(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(port)"]) { $1 })
            let order = try #require(try await stack.dispatchedCases([IntakeEvents.appeal(3)]).first)
            try stack.setClock("2026-10-11T08:00:00+08:00")
            try await stack.waitUntil(timeout: .seconds(60), "the overdue sign went from the deadline sweep through the relay to supervision") {
                let spans = Self.spans(in: spansFile)
                let sweeps = Set(spans.filter { $0.service == "hotline-deadlines" && $0.name == "deadlines sweep" }.map(\.spanID))
                let relayed = spans.filter { $0.service == "hotline-relay" && $0.name == "relay deadline.overdue" && sweeps.contains($0.parentSpanID) }
                return spans.contains { span in
                    span.service == "hotline-supervision" && span.name == "supervision deadline.overdue"
                        && span.attributes["hotline.case_id"] == .text(order.id) && relayed.contains { $0.spanID == span.parentSpanID }
                }
            }
        }
    }

    /// A progress lookup is a span of the lookup service, continuing the trace the citizens'
    /// portal sent, with the method, the route and the status, and nothing of who asked or what.
    @Test func aProgressLookupIsASpanWithoutTheClientOrTheCode() async throws {
        try await TestStack.with { stack in
            let port = try stack.freePort()
            let spansFile = try stack.startOTLPSink(port: port)
            let lookupPort = try LookupClient.freePort(stack)
            try stack.startLookup(port: lookupPort, extraEnvironment: Self.tracing.merging(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(port)"]) { $1 })
            let answers = try LookupClient.post(stack, port: lookupPort, [
                .init("20991231-999999", "4821-0937-5516", headers: ["traceparent": "00-\(Self.adapterTrace)-\(Self.adapterSpan)-01"]),
            ])
            #expect(answers.map(\.status) == [404])
            try await stack.waitUntil(timeout: .seconds(30), "the lookup's span reached the receiver") {
                Self.spans(in: spansFile).contains { $0.traceID == Self.adapterTrace }
            }
            let spans = Self.spans(in: spansFile)
            let span = try #require(spans.first { $0.traceID == Self.adapterTrace })
            #expect(span.service == "hotline-lookup" && span.name == "lookup POST /v1/progress" && span.parentSpanID == Self.adapterSpan)
            #expect(span.attributes["http.response.status_code"] == .number(404) && span.attributes["http.route"] == .text("/v1/progress"))
            #expect(!spans.contains { $0.name.contains("ready") || $0.name.contains("health") }, "probes make no span")
            let exported = try String(contentsOf: spansFile, encoding: .utf8)
            for secret in ["127.0.0.1", "20991231-999999", "4821"] { #expect(!exported.contains(secret), "\(secret) in a span") }
            #expect(!span.attributes.keys.contains { $0.hasPrefix("client.") || $0.hasPrefix("user_agent.") || $0.hasPrefix("network.peer") })
        }
    }

    @Test func tracesAreOffUnlessAnEndpointIsSet() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            var traced = IntakeEvents.appeal(1)
            traced.headers = ["traceparent": "00-\(Self.adapterTrace)-\(Self.adapterSpan)-01"]
            try stack.publish([traced])
            try await stack.waitForPipeline(messages: 1)
            let cases = try await stack.readTopic("hotline.cases.v1", expected: 2)
            let receipts = try await stack.readTopic("hotline.intake.receipts.v1", expected: 1)
            #expect(cases.count >= 2)
            #expect((cases + receipts).allSatisfy { Self.traceID(of: $0) == nil }, "without an OTLP endpoint no trace context is carried")
        }
    }
}
