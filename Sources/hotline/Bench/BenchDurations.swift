import Histogram

/// Durations measured by a benchmark (latency, lateness), kept in an HDR histogram at
/// microsecond resolution up to an hour, reported as p50, p99, p99.9 and max in ms.
struct BenchDurations {
    private var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)

    mutating func record(seconds: Double) {
        _ = histogram.record(UInt64(max(0, seconds * 1_000_000)))
    }

    /// Adds `NAME_p50_ms`, `NAME_p99_ms`, `NAME_p999_ms` and `NAME_max_ms` to `figures`.
    func report(_ name: String, into figures: inout BenchFigures) {
        for (label, percentile) in [("p50", 50.0), ("p99", 99.0), ("p999", 99.9), ("max", 100.0)] {
            figures["\(name)_\(label)_ms"] = Double(histogram.valueAtPercentile(percentile)) / 1000
        }
    }
}
