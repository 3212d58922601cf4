import ArgumentParser
import Foundation
import HotlineDomain
import HotlineWorkers

/// CPU of intake's text rules per appeal: each valid line of a fixture decoded once, then
/// decided again and again by `IntakeDecider` with no open cases (normalisation, scope
/// rules, category), and normalisation alone, on one core. No database, no broker; the
/// figures are printed, never asserted (issue 18).
struct BenchIntakeTextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake-text", abstract: "Microseconds per appeal for intake's text rules over a fixture (no database, no broker).")

    @Argument(help: "A JSON-lines fixture, as hotline publish reads it.")
    var file = "Ops/fixtures/demo-intake.jsonl"

    @Option(help: "Policy id, as the workers' HOTLINE_POLICY.")
    var policy = ProcessInfo.processInfo.environment["HOTLINE_POLICY"] ?? "changsha-2020"

    @Option(help: "Folder of policies, as HOTLINE_POLICY_DIR.")
    var policyDir = ProcessInfo.processInfo.environment["HOTLINE_POLICY_DIR"] ?? "Ops/policies"

    @Option(help: "Times each appeal is decided.")
    var rounds = 50

    func run() async throws {
        let decider = IntakeDecider(policy: try PolicyLoader.load(id: policy, directory: policyDir))
        let decoder = IntakeEventDecoder(maximumBytes: IntakeEventDecoder.defaultMaximumBytes)
        let events = try FixtureFile(path: file).lines.compactMap { try? decoder.decode($0.value).get() }
        guard !events.isEmpty else { throw CommandSupport.fail("\(file): no valid intake event to decide") }
        let clock = ContinuousClock()
        var redirected = 0
        let decide = clock.measure {
            for _ in 0..<rounds {
                for event in events {
                    if case .redirect = decider.decide(event, openCases: []) { redirected += 1 }
                }
            }
        }
        var characters = 0
        let normalise = clock.measure {
            for _ in 0..<rounds { for event in events { characters += NormalizedText(event.text).scalars.count } }
        }
        let decisions = Double(rounds * events.count)
        var figures = BenchFigures()
        figures["appeals"] = events.count
        figures["rounds"] = rounds
        figures["decide_us_per_appeal"] = (decide.seconds * 1e6 / decisions * 100).rounded() / 100
        figures["normalise_us_per_appeal"] = (normalise.seconds * 1e6 / decisions * 100).rounded() / 100
        figures["redirected_share"] = (Double(redirected) / decisions * 1000).rounded() / 1000
        figures["mean_scalars"] = characters / Int(decisions)
        try figures.print()
    }
}
