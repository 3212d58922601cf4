import Foundation
import Testing
@testable import HotlineWorkers

/// A sweep on the simulated clock sleeps until its interval ends or the clock is set,
/// whichever comes first, never missing a move that came while it was still sweeping, and
/// stops sleeping when its worker stops.
@Suite struct SimulatedClockChangesTests {
    @Test func aMoveWakesEverySleeperBeforeItsInterval() async throws {
        let changes = SimulatedClockChanges()
        let seen = changes.generation
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { try await changes.sleep(for: .seconds(600), unlessMovedSince: seen) } }
            while changes.sleeping < 3 { try await Task.sleep(for: .milliseconds(5)) }
            changes.signal()
            try await group.waitForAll()
        }
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(changes.sleeping == 0)
    }

    /// The clock set while the sweep was still working on the time before: it sweeps again at once.
    @Test func aMoveDuringTheSweepIsNotMissed() async throws {
        let changes = SimulatedClockChanges()
        let seen = changes.generation
        changes.signal()
        let started = ContinuousClock.now
        try await changes.sleep(for: .seconds(600), unlessMovedSince: seen)
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(changes.sleeping == 0)
    }

    @Test func withoutAMoveItSleepsItsInterval() async throws {
        let changes = SimulatedClockChanges()
        changes.signal()
        let started = ContinuousClock.now
        try await changes.sleep(for: .milliseconds(200), unlessMovedSince: changes.generation)
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(changes.sleeping == 0)
    }

    @Test func aStoppedWorkerStopsSleeping() async throws {
        let changes = SimulatedClockChanges()
        let seen = changes.generation
        let sleeper = Task { try await changes.sleep(for: .seconds(600), unlessMovedSince: seen) }
        while changes.sleeping < 1 { try await Task.sleep(for: .milliseconds(5)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(changes.sleeping == 0)
    }
}
