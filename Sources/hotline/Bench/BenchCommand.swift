import ArgumentParser
import Foundation

/// `hotline bench …`: the measuring parts of `Ops/dev bench` (Ops/tools/bench.py runs
/// them against a PostgreSQL server and dev broker of its own). Each prints one JSON
/// object: the figures it measured.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark parts run by Ops/dev bench (ceilings, load generator, preload, deadline stream, intake text rules).",
        subcommands: [
            BenchPostgresCeilingCommand.self, BenchKafkaCeilingCommand.self, BenchLoadCommand.self,
            BenchPreloadCommand.self, BenchDueClocksCommand.self, BenchLatenessCommand.self, BenchReceiptsCommand.self,
            BenchOutboxFillCommand.self, BenchIntakeTextCommand.self, BenchSealOrdersCommand.self, BenchSignaturesCommand.self,
        ])
}

/// One benchmark result: figures by name, printed as a JSON object with sorted keys.
struct BenchFigures {
    private var values: [String: Any] = [:]

    subscript(name: String) -> Any? {
        get { values[name] }
        set { values[name] = newValue }
    }

    func print() throws {
        let data = try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys, .withoutEscapingSlashes])
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}

extension Duration {
    /// Seconds as a floating-point number, for rates.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
