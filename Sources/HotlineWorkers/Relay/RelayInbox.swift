import Foundation
import HotlineKafka
import Synchronization

/// Where the relay's delivery reports (from librdkafka's poll thread) and wake-ups (a
/// PostgreSQL notification that outbox rows were written) meet its publishing loop.
final class RelayInbox: Sendable {
    private struct Reports {
        var delivered: [Int64] = []
        var failed: [(id: Int64, error: KafkaError)] = []
        /// Rows handed to the producer and not yet reported.
        var outstanding = 0
    }

    /// A wake-up that came while nobody waited, or the loop waiting for one.
    private struct Waiter {
        var pending = false
        var continuation: CheckedContinuation<Void, Never>?
    }

    private let reports = Mutex(Reports())
    private let waiter = Mutex(Waiter())
    /// Deliveries that wake the loop: fewer wait for the next wake-up (a notification, or the
    /// loop's poll), so the rows they free are deleted with the next read instead of in a
    /// statement each; as many as one read takes, so a full pipeline keeps moving. The last
    /// report of what was in flight wakes it too, so an outbox with nothing left to publish is
    /// empty at once (`hotline status`' backlog, and whoever waits for it).
    let wakeAfterDeliveries: Int

    init(wakeAfterDeliveries: Int) {
        self.wakeAfterDeliveries = max(1, wakeAfterDeliveries)
    }

    /// `count` rows are about to be handed to the producer.
    func sending(_ count: Int) {
        reports.withLock { $0.outstanding += count }
    }

    /// A delivery report for outbox row `id`; nil: delivered. A failure wakes the loop at once.
    func report(_ id: Int64, _ error: KafkaError?) {
        let (waiting, outstanding) = reports.withLock { reports in
            if let error { reports.failed.append((id, error)) } else { reports.delivered.append(id) }
            reports.outstanding -= 1
            return (reports.delivered.count + reports.failed.count, reports.outstanding)
        }
        if error != nil || waiting >= wakeAfterDeliveries || outstanding <= 0 { wake() }
    }

    /// Something may be waiting to be published.
    func wake() {
        let waiting = waiter.withLock { waiter -> CheckedContinuation<Void, Never>? in
            guard let continuation = waiter.continuation else {
                waiter.pending = true
                return nil
            }
            waiter.continuation = nil
            return continuation
        }
        waiting?.resume()
    }

    /// The reports that arrived since the last call. What is still in flight stays counted,
    /// so the reports after this one wake the loop by the batch again, not each on its own.
    func take() -> (delivered: [Int64], failed: [(id: Int64, error: KafkaError)]) {
        reports.withLock { reports in
            defer {
                reports.delivered = []
                reports.failed = []
            }
            return (reports.delivered, reports.failed)
        }
    }

    /// Rows handed to the producer and not yet reported.
    var outstanding: Int {
        reports.withLock(\.outstanding)
    }

    /// Waits for a report or a wake-up, at most `timeout` (or until the task is cancelled).
    func wait(atMost timeout: Duration) async {
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.wake()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = waiter.withLock { waiter -> Bool in
                    if waiter.pending {
                        waiter.pending = false
                        return true
                    }
                    waiter.continuation = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            wake()
        }
        timer.cancel()
    }
}
