import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// `hotline retention status` (README "Retention"): per kind the running policy's period, what
/// is past it now (what the supervision worker's next sweep removes) and the last batch it
/// removed; rows deleted outside the sweep; archived cases the sweep cannot shred yet.
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "What the retention sweep removes and removed.", subcommands: [Status.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per kind: the policy's period, rows past it now, the last batch removed (HOTLINE_POLICY, DATABASE_URL).")

        @Option(help: "Policy id (default HOTLINE_POLICY, else changsha-2020).")
        var policy = ProcessInfo.processInfo.environment["HOTLINE_POLICY"] ?? "changsha-2020"

        @Option(help: "Folder of policies.")
        var policyDir = ProcessInfo.processInfo.environment["HOTLINE_POLICY_DIR"] ?? "Ops/policies"

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.retention")
            let loaded = try CommandSupport.reportingFileErrors { try PolicyLoader.load(id: policy, directory: policyDir) }
            guard let rules = loaded.retention else {
                throw CommandSupport.fail("policy \(policy) has no retention section (docs/POLICY-FORMAT.md \"Retention\")")
            }
            let mode: HotlineConfiguration.ClockMode
            do {
                mode = try .fromEnvironment(ProcessInfo.processInfo.environment)
            } catch {
                throw CommandSupport.fail("\(error)")
            }
            let url = try CommandSupport.databaseURL(session: .reader)
            let lines = try await withPostgres(url.configuration, logger: logger) { client in
                let now = try await makeClock(mode, client: client, logger: logger).now()
                let due = try await RetentionStore.dueCounts(
                    cutoff: { RetentionDecision.cutoff(for: $0, rules: rules, now: now) }, client: client, logger: logger)
                let last = try await RetentionStore.lastRuns(client: client, logger: logger)
                let outside = try await RetentionStore.deletedOutsideTheSweep(client: client, logger: logger)
                let waiting = try await RetentionStore.archivedWithoutOwnKey(
                    before: RetentionDecision.cutoff(for: .caseContents, rules: rules, now: now), client: client, logger: logger)
                var lines = ["retention under \(loaded.policy) \(loaded.version) at \(RFC3339.format(now)) (\(rules.article))"]
                for kind in RetentionKind.allCases {
                    let removed = last[kind].map {
                        "last removed \($0.removed) at \(RFC3339.format($0.runAt)) (dated \(RFC3339.format($0.oldest)) to \(RFC3339.format($0.newest)))"
                    } ?? "none removed yet"
                    lines.append("\(kind.rawValue): kept \(rules.days(of: kind)) days; past it now: \(due[kind] ?? 0); \(removed)")
                    if let count = outside[kind] {
                        lines.append(
                            "\(kind.rawValue): WARNING \(count) rows deleted outside the retention sweep (deletion_log has more than retention_runs); see RUNBOOK \"Retention\"")
                    }
                }
                if waiting > 0 {
                    lines.append(
                        "\(RetentionKind.caseContents.rawValue): \(waiting) archived cases past it have no data key of their own (accepted before migration 0030): run hotline keys reencrypt, then the sweep shreds them")
                }
                return lines
            }
            print(lines.joined(separator: "\n"))
        }
    }
}
