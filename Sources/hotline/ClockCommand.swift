import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// The simulated clock every process reads when HOTLINE_CLOCK=simulated.
struct ClockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock", abstract: "Show or set the shared simulated clock.")

    @Argument(help: "show | set")
    var action: String = "show"

    @Argument(help: "For set: an RFC 3339 date-time, e.g. 2026-10-09T08:00:00+08:00")
    var time: String?

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.clock")
        let url = try CommandSupport.databaseURL()
        switch action {
        case "show":
            let now = try await withPostgres(url.configuration, logger: logger) { try await SimulatedClockStore.now(client: $0, logger: logger) }
            print(now.map(RFC3339.format) ?? "not set")
        case "set":
            guard let time, let instant = RFC3339.parse(time) else {
                throw CommandSupport.fail("clock set needs an RFC 3339 date-time with offset, e.g. 2026-10-09T08:00:00+08:00")
            }
            try await withPostgres(url.configuration, logger: logger) { try await SimulatedClockStore.set(instant, client: $0, logger: logger) }
            print(RFC3339.format(instant))
        default:
            throw CommandSupport.fail("unknown clock action '\(action)'; use show or set")
        }
    }
}
