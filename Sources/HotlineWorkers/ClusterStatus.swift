import Foundation
import HotlineDomain

/// What `hotline status` reports: per worker, its live and lost instances, and for a
/// consumer group each partition's committed offset, end, lag and the age of the
/// oldest message not yet processed; the outbox; and the problems that mean
/// something is stuck (Ops/RUNBOOK.md "Read lag").
public struct ClusterStatus: Sendable, Encodable {
    public struct Member: Sendable, Encodable {
        public var memberID: UUID
        public var host: String
        public var pid: Int32
        public var startedAt: Date
        public var secondsSinceSeen: Double
        /// Reported within the liveness window; a lost member died without leaving.
        public var live: Bool
        public var partitions: [String]
        public var lag: Int64?
    }

    public struct Partition: Sendable, Encodable {
        public var topic: String
        public var partition: Int32
        public var committedOffset: Int64?
        public var endOffset: Int64
        public var lag: Int64
        public var oldestUnprocessedAgeSeconds: Double?
    }

    public struct Group: Sendable, Encodable {
        public var worker: String
        /// The consumer group; nil for the deadline watcher and the relay.
        public var group: String?
        public var members: [Member]
        public var partitions: [Partition]
        /// Open clocks past their due instant whose overdue event is not out yet (deadlines only).
        public var clocksDueUnannounced: Int?

        public var lag: Int64 { partitions.reduce(0) { $0 + $1.lag } }
        public var liveMembers: Int { members.filter(\.live).count }
        public var oldestUnprocessedAgeSeconds: Double? { partitions.compactMap(\.oldestUnprocessedAgeSeconds).max() }
    }

    public struct Outbox: Sendable, Encodable {
        public var backlog: Int64
        public var oldestAgeSeconds: Double?
    }

    public var checkedAt: Date
    public var stuckAfterSeconds: Double
    public var groups: [Group]
    public var outbox: Outbox
    public var problems: [String]
    /// The working-day calendar's horizon; nil when no policy's calendar could be read.
    public var calendar: CalendarHorizon?
    /// Why the calendar could not be read (a malformed file, a missing policy).
    public var calendarProblem: String?
    /// The running policy's regulation is past its term (鄂尔多斯 第三十三条, 长沙 第四十二条); nil
    /// while in force. Shown, but not a warning that sets the exit status: the workers go on
    /// applying the text until its successor is loaded, which is a decision, not an outage.
    public var policyLapsed: String?
    /// Work orders published without their sealed content because the unit had no sealing
    /// key, not yet reissued, per unit id.
    public var withheldWorkOrders: [String: Int] = [:]
    /// What needs an operator soon though nothing is stuck yet (the calendar running out).
    public var warnings: [String] { [calendar?.warning, calendarProblem].compactMap { $0.map { "calendar: \($0)" } } }

    public var stuck: Bool { !problems.isEmpty }
    /// Nothing waits anywhere: every group caught up, the outbox empty, no clock due and
    /// unannounced. What a script that acts on the pipeline's results waits for
    /// (`hotline status --wait-idle`).
    public private(set) var idle: Bool

    public init(checkedAt: Date, stuckAfterSeconds: Double, groups: [Group], outbox: Outbox) {
        self.checkedAt = checkedAt
        self.stuckAfterSeconds = stuckAfterSeconds
        self.groups = groups
        self.outbox = outbox
        self.problems = Self.problems(groups: groups, outbox: outbox, stuckAfter: stuckAfterSeconds)
        self.idle = outbox.backlog == 0 && groups.allSatisfy { $0.lag == 0 && ($0.clocksDueUnannounced ?? 0) == 0 }
    }

    /// Every partition's end and committed offset and the outbox's count: two readings with
    /// the same mark saw nothing published, consumed or queued between them.
    var movementMark: [Int64] {
        groups.flatMap { group in
            group.partitions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.flatMap { [$0.endOffset, $0.committedOffset ?? -1] }
        } + [outbox.backlog]
    }

    /// Stuck means work waits and nothing takes it: messages wait in a group with no
    /// live instance; a partition's oldest unprocessed message is older than
    /// `stuckAfter`; the outbox's oldest row is older than `stuckAfter`; clocks fell
    /// due with no deadline watcher running. Lag alone is not stuck: under load it is normal.
    static func problems(groups: [Group], outbox: Outbox, stuckAfter: Double) -> [String] {
        var problems: [String] = []
        for group in groups {
            if group.lag > 0 && group.liveMembers == 0 {
                problems.append("\(group.worker): \(group.lag) messages wait in \(group.group ?? group.worker) and no instance is running")
            }
            let late = group.partitions.filter { ($0.oldestUnprocessedAgeSeconds ?? 0) > stuckAfter }
            if let worst = late.max(by: { ($0.oldestUnprocessedAgeSeconds ?? 0) < ($1.oldestUnprocessedAgeSeconds ?? 0) }) {
                problems.append(
                    "\(group.worker): \(late.count) partition(s) hold messages older than \(Int(stuckAfter)) s; worst \(worst.topic)[\(worst.partition)], lag \(worst.lag), oldest \(Int(worst.oldestUnprocessedAgeSeconds ?? 0)) s")
            }
            if let due = group.clocksDueUnannounced, due > 0, group.liveMembers == 0 {
                problems.append("\(group.worker): \(due) clocks are past due and no deadline watcher is running to announce them")
            }
        }
        if let age = outbox.oldestAgeSeconds, outbox.backlog > 0, age > stuckAfter {
            problems.append("relay: \(outbox.backlog) outbox events unpublished, the oldest for \(Int(age)) s")
        }
        return problems
    }
}
