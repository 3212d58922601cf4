import Foundation
import Synchronization

/// Wakes a worker's sweeps when the simulated clock moves (`hotline clock set`), so on the
/// simulated clock a sweep runs as soon as time has jumped instead of polling for it every
/// few hundred milliseconds; the sweep interval still bounds how late it sees rows that fall
/// due without the clock moving. `SimulatedClockListener` signals it.
public final class SimulatedClockChanges: Sendable {
    private struct State {
        /// How many times the clock has moved since the worker started.
        var generation = 0
        var sleepers: [UUID: AsyncStream<Void>.Continuation] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Read before a sweep reads the clock: a move after it ends the sweep's next sleep at once,
    /// even one that came while the sweep was still working.
    var generation: Int { state.withLock { $0.generation } }

    /// How many sweeps are sleeping on it.
    var sleeping: Int { state.withLock { $0.sleepers.count } }

    /// The clock moved: wakes every sleeper now.
    func signal() {
        let woken = state.withLock { state in
            state.generation += 1
            defer { state.sleepers.removeAll() }
            return Array(state.sleepers.values)
        }
        for sleeper in woken { sleeper.finish() }
    }

    /// Returns after `duration`, or sooner when the clock has moved since `generation` was
    /// read; throws when cancelled.
    func sleep(for duration: Duration, unlessMovedSince generation: Int) async throws {
        let id = UUID()
        let (moved, continuation) = AsyncStream.makeStream(of: Void.self)
        let asleep = state.withLock { state in
            guard state.generation == generation else { return false }
            state.sleepers[id] = continuation
            return true
        }
        guard asleep else { return try Task.checkCancellation() }
        defer { state.withLock { $0.sleepers.removeValue(forKey: id) }?.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Task.sleep(for: duration) }
            group.addTask { for await _ in moved {} }
            try await group.next()
            group.cancelAll()
        }
        try Task.checkCancellation()
    }
}
