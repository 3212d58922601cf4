import Foundation
import HotlinePostgres
import Logging
import PostgresNIO

/// Where workers get the time. Time is an input: the domain never reads a clock.
public protocol HotlineClock: Sendable {
    func now() async throws -> Date
    /// What wakes a sleeping sweep when this clock jumps; nil for a clock that only runs.
    var jumps: SimulatedClockChanges? { get }
}

extension HotlineClock {
    public var jumps: SimulatedClockChanges? { nil }
}

/// The clock `HOTLINE_CLOCK` names: the machine's, or the simulated one in PostgreSQL
/// (`jumps`: what wakes a worker's sweeps when it is set).
public func makeClock(
    _ mode: HotlineConfiguration.ClockMode, client: PostgresClient, logger: Logger, jumps: SimulatedClockChanges? = nil
) -> any HotlineClock {
    mode == .simulated ? SimulatedClock(client: client, logger: logger, jumps: jumps) : SystemClock()
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
    public let jumps: SimulatedClockChanges?

    public init(client: PostgresClient, logger: Logger, jumps: SimulatedClockChanges? = nil) {
        self.client = client
        self.logger = logger
        self.jumps = jumps
    }

    public func now() async throws -> Date {
        guard let now = try await SimulatedClockStore.now(client: client, logger: logger) else {
            throw ConfigurationError(setting: "HOTLINE_CLOCK", problem: "is 'simulated' but the simulated clock is not set; run hotline clock set <ISO 8601>")
        }
        return now
    }
}
