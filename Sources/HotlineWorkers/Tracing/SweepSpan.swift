import Synchronization
import Tracing

/// The span of a sweep run (docs/TRACING.md), started when the run makes its first event:
/// a run that publishes something is a span, and every event it publishes carries it; the
/// idle runs, every sweep interval, leave none. `PeriodicSweep` binds one to each run, and
/// `EventHeaders.make` reads it where no message's trace is given.
final class SweepSpan: Sendable {
    @TaskLocal static var current: SweepSpan?

    private let name: String
    private let started: DefaultTracerClock.Instant
    private let span = Mutex<(any Span)?>(nil)

    init(name: String) {
        self.name = name
        self.started = DefaultTracerClock.now
    }

    /// The run's trace context, starting its span (back-dated to the run's start) on first use.
    var trace: TraceHeaders {
        span.withLock { span in
            let run = span ?? startSpan("\(name) sweep", context: .topLevel, ofKind: .internal, at: started)
            span = run
            return TraceHeaders(run.context)
        }
    }

    /// Ends the span, if the run started one.
    func end(handled: Int, failing error: (any Error)?) {
        span.withLock { span in
            guard let span else { return }
            span.attributes["hotline.sweep.handled"] = handled
            if let error {
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            }
            span.end()
        }
    }
}
