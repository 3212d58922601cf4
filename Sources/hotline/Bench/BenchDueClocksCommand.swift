import ArgumentParser
import Foundation
import HotlinePostgres
import HotlineWorkers
import Logging

/// Makes open clocks fall due: a steady stream (`--per-second` on each whole second)
/// or a burst (all at one instant), among the many open clocks preloaded.
struct BenchDueClocksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due-clocks", abstract: "Make preloaded open clocks fall due from a few seconds from now.")

    @Option(help: "Clocks to make due.")
    var count = 10_000

    @Option(help: "Clocks falling due on each whole second (equal to --count for a burst).")
    var perSecond = 200

    @Option(help: "Seconds from now until the first falls due.")
    var startIn = 5

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.bench")
        let database = try CommandSupport.databaseURL()
        let first = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + Double(startIn)).rounded(.up))
        let (count, perSecond) = (count, perSecond)
        let moved = try await withPostgres(database.configuration, logger: logger) { client in
            try await BenchStore.scheduleDue(count: count, perSecond: perSecond, first: first, client: client, logger: logger)
        }
        guard moved == count else { throw CommandSupport.fail("only \(moved) open clocks could be moved; preload more cases") }
        var figures = BenchFigures()
        figures["clocks"] = moved
        figures["per_second"] = perSecond
        figures["first_due"] = first.timeIntervalSince1970
        try figures.print()
    }
}
