import Foundation
import Testing
@testable import HotlineWorkers

/// A sweep on the simulated clock sleeps until its interval ends or the clock is set,
/// whichever comes first, and stops sleeping when its worker stops.
@Suite struct SimulatedClockChangesTests {
    @Test func aSignalWakesEverySleeperBeforeItsInterval() async throws {
        let changes = SimulatedClockChanges()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { try await changes.sleep(for: .seconds(600)) } }
            // The sleepers register before the signal; one that registered after would sleep on.
            while changes.sleeping < 3 { try await Task.sleep(for: .milliseconds(5)) }
            changes.signal()
            try await group.waitForAll()
        }
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(changes.sleeping == 0)
    }

    @Test func withoutASignalItSleepsItsInterval() async throws {
        let changes = SimulatedClockChanges()
        let started = ContinuousClock.now
        try await changes.sleep(for: .milliseconds(200))
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(changes.sleeping == 0)
    }

    @Test func aStoppedWorkerStopsSleeping() async throws {
        let changes = SimulatedClockChanges()
        let sleeper = Task { try await changes.sleep(for: .seconds(600)) }
        while changes.sleeping < 1 { try await Task.sleep(for: .milliseconds(5)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(changes.sleeping == 0)
    }
}
