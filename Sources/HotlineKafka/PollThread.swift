import Foundation

/// A dedicated OS thread that runs one librdkafka poll step until stopped, so
/// librdkafka's blocking polls never occupy the Swift cooperative pool.
final class PollThread: Sendable {
    private let stopping = StopFlag()
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, step: @escaping @Sendable () -> Void) {
        let thread = Thread { [stopping, finished] in
            while !stopping.isRaised {
                step()
            }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the loop to end and waits for the current step to return.
    func stop() {
        if stopping.raise() {
            finished.wait()
        }
    }
}
