/// `hotline status --wait-idle`: the pipeline has settled once a reading is idle and nothing
/// moved (no partition's end or committed offset, no outbox count) for `quietFor`. One idle
/// reading is not enough: an event the relay just published may not be fetched yet, and a
/// sweep the clock woke may not have written yet.
public struct IdleWait: Sendable {
    let quietFor: Duration
    private var quietSince: (mark: [Int64], at: ContinuousClock.Instant)?

    public init(quietFor: Duration) {
        self.quietFor = quietFor
    }

    /// Takes the next reading, made at `now`; true once the pipeline has settled.
    public mutating func settled(_ status: ClusterStatus, at now: ContinuousClock.Instant) -> Bool {
        guard status.idle else {
            quietSince = nil
            return false
        }
        let mark = status.movementMark
        guard let quietSince, quietSince.mark == mark else {
            quietSince = (mark, now)
            return false
        }
        return now - quietSince.at >= quietFor
    }
}
