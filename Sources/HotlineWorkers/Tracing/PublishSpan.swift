import HotlineKafka
import HotlinePostgres
import Tracing

/// The relay's span for an outbox row that carries a trace (docs/TRACING.md): a child of
/// the span that queued the row, from hand-over to the broker's report. The message goes
/// out carrying the relay span's context, so the consumer's span is the relay's child. A
/// row without a trace (a sweep's event) gets no span.
struct PublishSpan: Sendable {
    let span: any Span

    init?(_ row: OutboxRow) {
        guard row.message.headers["traceparent"] != nil else { return nil }
        let span = startSpan(
            "relay \(row.message.headers["hotline-event-type"] ?? row.message.topic)",
            context: TraceHeaders.context(of: row.message.headers), ofKind: .producer)
        guard span.isRecording else {
            span.end()
            return nil
        }
        span.attributes["messaging.system"] = "kafka"
        span.attributes["messaging.operation.type"] = "publish"
        span.attributes["messaging.destination.name"] = row.message.topic
        if let eventID = row.message.headers["hotline-event-id"] { span.attributes["messaging.message.id"] = eventID }
        span.attributes["hotline.outbox_id"] = Int(row.id)
        self.span = span
    }

    /// The row's headers with the relay span's context in place of the one it was queued with.
    static func headers(of row: OutboxRow, span: PublishSpan?) -> [KafkaHeader] {
        var fields = row.message.headers
        if let span { fields.merge(TraceHeaders(span.span.context).fields) { _, relay in relay } }
        return fields.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, value: Array($0.value.utf8)) }
    }

    func end(failing error: KafkaError?) {
        if let error {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
        }
        span.end()
    }
}
