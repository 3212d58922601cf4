import Foundation
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// Gathers a `ClusterStatus`: members from `worker_members`, each consumer group's
/// position from the brokers (without joining the group), the outbox and the
/// clocks awaiting the deadline watcher from PostgreSQL.
public struct ClusterStatusReader: Sendable {
    let kafka: KafkaConfiguration
    let client: PostgresClient
    let clock: any HotlineClock
    let logger: Logger
    /// A member that reported within this many seconds is live (members report every 5 s).
    let liveWithin: Double = 15

    public init(kafka: KafkaConfiguration, client: PostgresClient, clock: any HotlineClock, logger: Logger) {
        self.kafka = kafka
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// `peek`: read the age of each lagging partition's oldest unprocessed message (what
    /// `stuck` judges); a wait for the lag to drain reads without.
    public func read(stuckAfter: Double, peek: Bool = true) async throws -> ClusterStatus {
        let sightings = try await WorkerMemberStore.all(client: client, logger: logger)
        let now = Date()
        let positions = try await positionsOfEveryGroup(peek: peek)
        var groups: [ClusterStatus.Group] = []
        for worker in WorkerName.allCases {
            var group = ClusterStatus.Group(
                worker: worker.rawValue, group: worker.subscription?.group,
                members: sightings.filter { $0.member.worker == worker.rawValue }.map(member), partitions: [],
                clocksDueUnannounced: nil)
            group.partitions = (positions[worker] ?? []).map { position in
                ClusterStatus.Partition(
                    topic: position.partition.topic, partition: position.partition.partition,
                    committedOffset: position.committedOffset, endOffset: position.endOffset, lag: position.lag,
                    oldestUnprocessedAgeSeconds: position.oldestUnprocessedAt.map { max(0, now.timeIntervalSince($0)) })
            }
            if worker == .deadlines {
                let hotlineNow = try await clock.now()
                group.clocksDueUnannounced = try await ClockStore.openByStage(now: hotlineNow, client: client, logger: logger)
                    .filter { $0.1 == "due_unannounced" }.reduce(0) { $0 + $1.2 }
            }
            groups.append(group)
        }
        let backlog = try await client.withConnection { try await OutboxStore.backlog(on: $0, logger: logger) }
        return ClusterStatus(
            checkedAt: now, stuckAfterSeconds: stuckAfter, groups: groups,
            outbox: .init(backlog: backlog.count, oldestAgeSeconds: backlog.oldest.map { max(0, now.timeIntervalSince($0)) }))
    }

    /// Every consumer group's positions, the groups read side by side: each is a handle of its
    /// own and a round trip per partition, so one after another they made `hotline status`
    /// (and every settle of the demo, which polls it) wait for the slowest sum.
    private func positionsOfEveryGroup(peek: Bool) async throws -> [WorkerName: [GroupPartitionPosition]] {
        try await withThrowingTaskGroup(of: (WorkerName, [GroupPartitionPosition]).self) { tasks in
            for worker in WorkerName.allCases {
                guard let subscription = worker.subscription else { continue }
                tasks.addTask {
                    (worker, try await KafkaGroupInspector.positions(
                        configuration: kafka, group: subscription.group, topics: subscription.topics, peek: peek))
                }
            }
            var positions: [WorkerName: [GroupPartitionPosition]] = [:]
            for try await (worker, read) in tasks { positions[worker] = read }
            return positions
        }
    }

    private func member(_ sighting: WorkerMemberSighting) -> ClusterStatus.Member {
        ClusterStatus.Member(
            memberID: sighting.member.memberID, host: sighting.member.host, pid: sighting.member.pid,
            startedAt: sighting.member.startedAt, secondsSinceSeen: sighting.secondsSinceSeen,
            live: sighting.secondsSinceSeen <= liveWithin, partitions: sighting.member.partitions, lag: sighting.member.lag)
    }
}
