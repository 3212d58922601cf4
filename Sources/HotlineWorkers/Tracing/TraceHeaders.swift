import HotlineKafka
import HotlinePostgres
import Tracing

/// The W3C trace context (`traceparent`, `tracestate`) an event hands on to the events it
/// leads to, so that an appeal's path through intake, the relay and dispatch is one trace
/// (docs/TRACING.md). Empty when tracing is off: the no-op instrument writes nothing.
public struct TraceHeaders: Sendable, Equatable {
    public var fields: [String: String]

    public static let none = TraceHeaders(fields: [:])

    /// What an event carries where no message's trace is given: the context of the sweep
    /// run that makes it (`SweepSpan`), else none.
    public static var ofSweep: TraceHeaders { SweepSpan.current?.trace ?? .none }

    public init(fields: [String: String]) {
        self.fields = fields
    }

    /// The context of the span in `context`, as the configured propagator writes it.
    public init(_ context: InstrumentationContext) {
        var fields: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &fields, using: FieldsInjector())
        self.fields = fields
    }

    /// The trace a consumed message continues: its `traceparent`, or none (a new trace starts).
    public static func context(of headers: [KafkaHeader]) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        InstrumentationSystem.instrument.extract(headers, into: &context, using: KafkaHeadersExtractor())
        return context
    }

    /// The trace an outbox row continues, from the headers it was queued with.
    public static func context(of fields: [String: String]) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        InstrumentationSystem.instrument.extract(fields, into: &context, using: FieldsExtractor())
        return context
    }
}

private struct FieldsInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

private struct FieldsExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}

/// Kafka header names are case-sensitive; W3C's are lower case, as the adapters are told to send them.
private struct KafkaHeadersExtractor: Extractor {
    func extract(key: String, from carrier: [KafkaHeader]) -> String? {
        carrier.header(key)
    }
}

extension Array where Element == KafkaHeader {
    /// The text of the last header named `name` (Kafka allows repeats; the last one wins).
    func header(_ name: String) -> String? {
        last { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}

extension Array where Element == OutboxMessage {
    /// The messages from `start` on carry `trace`: what one event led to continues its
    /// trace. A message that already carries a context keeps it.
    mutating func carry(_ trace: TraceHeaders, from start: Int) {
        guard !trace.fields.isEmpty else { return }
        for index in start..<count {
            self[index].headers.merge(trace.fields) { own, _ in own }
        }
    }
}
