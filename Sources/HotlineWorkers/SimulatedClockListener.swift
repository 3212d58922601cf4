import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens on `hotline_simulated_clock` (migration 0036: every write to the simulated clock
/// notifies it) and wakes the worker's sweeps through `SimulatedClockChanges`. Only a worker
/// on the simulated clock runs it.
struct SimulatedClockListener: Service {
    let client: PostgresClient
    let jumps: SimulatedClockChanges
    let logger: Logger

    func run() async throws {
        let listener = NotificationListener(
            client: client, channel: "hotline_simulated_clock", meanwhile: "sweeps look again at their interval", logger: logger)
        await cancelWhenGracefulShutdown { [jumps] in
            await listener.run { jumps.signal() }
        }
    }
}
