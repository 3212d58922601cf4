import Foundation
import Prometheus

/// The progress lookup's series on its `/metrics` (README "Progress lookup"): how its answers
/// go, so an operator sees a guesser (no_match and locked rising) or a database outage
/// (unavailable) without reading the audit. Never a case number or a client address.
enum LookupMetrics {
    /// Every answer the lookup gives, in `hotline_lookup_attempts_total`'s `outcome` label.
    enum Outcome: String, CaseIterable {
        case answered
        case noMatch = "no_match"
        case locked
        case malformed
        case unavailable
    }

    static func attempt(_ outcome: Outcome) {
        attempts(outcome).increment()
    }

    /// Every outcome's series exists at 0 from the start, so `increase()` sees the first one.
    static func started() {
        for outcome in Outcome.allCases { attempts(outcome).increment(by: Int64(0)) }
    }

    private static func attempts(_ outcome: Outcome) -> Counter {
        WorkerMetrics.registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "hotline_lookup_attempts_total", unitName: "",
                helpText: "Progress lookup attempts by how they were answered (answered, no_match, locked, malformed, unavailable)."),
            labels: [("outcome", outcome.rawValue)])
    }
}

extension ProgressLookup.Answer {
    var outcome: LookupMetrics.Outcome {
        switch self {
        case .progress: .answered
        case .noMatch: .noMatch
        case .locked: .locked
        case .malformed: .malformed
        }
    }
}
