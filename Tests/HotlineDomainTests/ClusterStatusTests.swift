import Foundation
@testable import HotlineWorkers
import Testing

/// When `hotline status` calls the cluster stuck (exit 1): work waits and nothing takes it.
struct ClusterStatusTests {
    func member(live: Bool) -> ClusterStatus.Member {
        .init(memberID: UUID(), host: "h", pid: 1, startedAt: Date(), secondsSinceSeen: live ? 2 : 40, live: live,
              partitions: ["hotline.cases.v1[0]"], lag: 0)
    }

    func partition(lag: Int64, age: Double?) -> ClusterStatus.Partition {
        .init(topic: "hotline.cases.v1", partition: 0, committedOffset: 10, endOffset: 10 + lag, lag: lag, oldestUnprocessedAgeSeconds: age)
    }

    func status(_ groups: [ClusterStatus.Group], outbox: ClusterStatus.Outbox = .init(backlog: 0, oldestAgeSeconds: nil)) -> ClusterStatus {
        ClusterStatus(checkedAt: Date(), stuckAfterSeconds: 120, groups: groups, outbox: outbox)
    }

    @Test func lagUnderLoadWithLiveMembersIsNotStuck() {
        let busy = ClusterStatus.Group(worker: "dispatch", group: "hotline-dispatch", members: [member(live: true)],
                                       partitions: [partition(lag: 5_000, age: 30)], clocksDueUnannounced: nil)
        #expect(!status([busy]).stuck)
    }

    @Test func waitingMessagesWithOnlyLostMembersAreStuck() {
        let orphaned = ClusterStatus.Group(worker: "dispatch", group: "hotline-dispatch", members: [member(live: false)],
                                           partitions: [partition(lag: 3, age: 5)], clocksDueUnannounced: nil)
        #expect(status([orphaned]).problems == ["dispatch: 3 messages wait in hotline-dispatch and no instance is running"])
    }

    @Test func anEventOlderThanTheBoundIsStuckEvenWithMembers() {
        let slow = ClusterStatus.Group(worker: "intake", group: "hotline-intake", members: [member(live: true)],
                                       partitions: [partition(lag: 2, age: 121), partition(lag: 0, age: nil)], clocksDueUnannounced: nil)
        let problems = status([slow]).problems
        #expect(problems.count == 1 && problems[0].hasPrefix("intake: 1 partition(s) hold messages older than 120 s"))
    }

    @Test func theOutboxAndUnannouncedClocksCountToo() {
        let deadlines = ClusterStatus.Group(worker: "deadlines", group: nil, members: [], partitions: [], clocksDueUnannounced: 4)
        let result = status([deadlines], outbox: .init(backlog: 12, oldestAgeSeconds: 300))
        #expect(result.problems == [
            "deadlines: 4 clocks are past due and no deadline watcher is running to announce them",
            "relay: 12 outbox events unpublished, the oldest for 300 s",
        ])
        let watched = ClusterStatus.Group(worker: "deadlines", group: nil, members: [member(live: true)], partitions: [], clocksDueUnannounced: 4)
        #expect(!status([watched], outbox: .init(backlog: 12, oldestAgeSeconds: 30)).stuck, "a running watcher and a young outbox are fine")
    }
}
