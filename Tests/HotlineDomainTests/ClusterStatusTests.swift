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

    /// `hotline status --wait-idle`: what the demo waits for before its next simulated step.
    @Test func idleMeansNothingWaitsAnywhere() {
        func group(lag: Int64 = 0, due: Int? = nil) -> ClusterStatus.Group {
            .init(worker: "dispatch", group: "hotline-dispatch", members: [member(live: true)], partitions: [partition(lag: lag, age: nil)],
                  clocksDueUnannounced: due)
        }
        #expect(status([group()]).idle)
        #expect(!status([group(lag: 1)]).idle, "a message not yet processed")
        #expect(!status([group(due: 1)]).idle, "a clock due and unannounced")
        #expect(!status([group()], outbox: .init(backlog: 1, oldestAgeSeconds: 0)).idle, "an event not yet published")
    }

    @Test func settledOnlyOnceIdleAndUnmovedForTheQuietPeriod() {
        let start = ContinuousClock.now
        func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }
        func reading(end: Int64, committed: Int64) -> ClusterStatus {
            status([.init(worker: "dispatch", group: "hotline-dispatch", members: [member(live: true)],
                          partitions: [.init(topic: "hotline.cases.v1", partition: 0, committedOffset: committed, endOffset: end,
                                             lag: end - committed, oldestUnprocessedAgeSeconds: nil)],
                          clocksDueUnannounced: nil)])
        }
        var wait = IdleWait(quietFor: .milliseconds(500))
        let readings = [
            (reading(end: 10, committed: 9), 0), (reading(end: 10, committed: 10), 100), (reading(end: 10, committed: 10), 400),
            (reading(end: 11, committed: 11), 700), (reading(end: 11, committed: 11), 1_100), (reading(end: 11, committed: 11), 1_200),
        ]
        let settled = readings.map { wait.settled($0.0, at: at($0.1)) }
        // Lag; the first idle reading; idle but not yet for 500 ms; idle again, but a message came and
        // went meanwhile; 400 ms unmoved; 500 ms unmoved.
        #expect(settled == [false, false, false, false, false, true])
    }
}
