import Foundation
import Synchronization

/// Wakes a worker's sweeps when the simulated clock moves (`hotline clock set`), so on the
/// simulated clock a sweep runs as soon as time has jumped instead of polling for it every
/// few hundred milliseconds; the sweep interval still bounds how late it sees rows that fall
/// due without the clock moving. `SimulatedClockListener` signals it.
public final class SimulatedClockChanges: Sendable {
    private let sleepers = Mutex<[UUID: AsyncStream<Void>.Continuation]>([:])

    public init() {}

    /// How many sweeps are sleeping on it.
    var sleeping: Int { sleepers.withLock { $0.count } }

    /// Wakes every sleeper now.
    func signal() {
        let woken = sleepers.withLock { sleepers in
            defer { sleepers.removeAll() }
            return Array(sleepers.values)
        }
        for sleeper in woken { sleeper.finish() }
    }

    /// Returns after `duration`, or sooner when the clock moves; throws when cancelled.
    func sleep(for duration: Duration) async throws {
        let id = UUID()
        let (moved, continuation) = AsyncStream.makeStream(of: Void.self)
        sleepers.withLock { $0[id] = continuation }
        defer { sleepers.withLock { $0.removeValue(forKey: id) }?.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Task.sleep(for: duration) }
            group.addTask { for await _ in moved {} }
            try await group.next()
            group.cancelAll()
        }
        try Task.checkCancellation()
    }
}
