import Foundation
import HotlinePostgres
import Logging
import PostgresNIO

/// Where workers get the time. Time is an input: the domain never reads a clock.
public protocol HotlineClock: Sendable {
    func now() async throws -> Date
    /// Waits `duration` of the machine's time between sweeps; a clock that can jump may return sooner.
    func sleep(for duration: Duration) async throws
}

extension HotlineClock {
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// The clock `HOTLINE_CLOCK` names: the machine's, or the simulated one in PostgreSQL.
public func makeClock(_ mode: HotlineConfiguration.ClockMode, client: PostgresClient, logger: Logger) -> any HotlineClock {
    mode == .simulated ? SimulatedClock(client: client, logger: logger) : SystemClock()
}

/// The machine's clock, for production.
public struct SystemClock: HotlineClock {
    public init() {}
    public func now() async throws -> Date { Date() }
}

/// The simulated clock in PostgreSQL that every process shares; `hotline clock`
/// sets and advances it.
public struct SimulatedClock: HotlineClock {
    let client: PostgresClient
    let logger: Logger
    /// Set in a worker (`SimulatedClockListener`): its sweeps then wake when the clock is set.
    let changes: SimulatedClockChanges?

    public init(client: PostgresClient, logger: Logger, changes: SimulatedClockChanges? = nil) {
        self.client = client
        self.logger = logger
        self.changes = changes
    }

    public func sleep(for duration: Duration) async throws {
        guard let changes else { return try await Task.sleep(for: duration) }
        try await changes.sleep(for: duration)
    }

    public func now() async throws -> Date {
        guard let now = try await SimulatedClockStore.now(client: client, logger: logger) else {
            throw ConfigurationError(setting: "HOTLINE_CLOCK", problem: "is 'simulated' but the simulated clock is not set; run hotline clock set <ISO 8601>")
        }
        return now
    }
}
