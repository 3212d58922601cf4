import HotlineKafka
import HotlinePostgres
import Tracing

/// A consumed batch's spans (docs/TRACING.md): one for the batch, and one per message that
/// continues the trace the message carried in `traceparent` (an adapter's, or the relay's
/// for an event the project published), or starts one, and links to the batch's span. What
/// a message leads to carries its span's context on (`trace(of:)`). With tracing off these
/// are the no-op tracer's spans: nothing is recorded and nothing carried.
struct BatchSpans: Sendable {
    private let batch: any Span
    private let messages: [FirstDelivery: any Span]

    init(worker: String, _ consumed: [ConsumedMessage]) {
        let batch = startSpan("\(worker) batch", context: .topLevel, ofKind: .consumer)
        var messages: [FirstDelivery: any Span] = [:]
        if batch.isRecording {
            batch.attributes["messaging.system"] = "kafka"
            batch.attributes["messaging.operation.type"] = "process"
            batch.attributes["messaging.batch.message_count"] = consumed.count
            for message in consumed {
                let span = startSpan(
                    "\(worker) \(message.eventType ?? message.topic)", context: TraceHeaders.context(of: message.headers), ofKind: .consumer)
                span.attributes["messaging.system"] = "kafka"
                span.attributes["messaging.operation.type"] = "process"
                span.attributes["messaging.destination.name"] = message.topic
                span.attributes["messaging.destination.partition.id"] = "\(message.partition)"
                span.attributes["messaging.kafka.offset"] = Int(message.offset)
                if let eventID = message.header("hotline-event-id") { span.attributes["messaging.message.id"] = eventID }
                if let caseID = message.caseID { span.attributes["hotline.case_id"] = caseID.uuidString.lowercased() }
                span.addLink(SpanLink(context: batch.context, attributes: [:]))
                messages[FirstDelivery(topic: message.topic, partition: message.partition, offset: message.offset)] = span
            }
        }
        self.batch = batch
        self.messages = messages
    }

    /// The context the events `message` leads to carry; none when tracing is off.
    func trace(of message: ConsumedMessage) -> TraceHeaders {
        guard let span = messages[FirstDelivery(topic: message.topic, partition: message.partition, offset: message.offset)] else { return .none }
        return TraceHeaders(span.context)
    }

    /// Ends every span; a batch that could not be applied marks them failed.
    func end(failing error: (any Error)?) {
        for span in messages.values + [batch] {
            if let error {
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            }
            span.end()
        }
    }
}
