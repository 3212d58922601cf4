import Foundation
import HotlineKafka
@testable import HotlineWorkers
import Testing

/// The relay's wake-ups (`RelayInbox`): deliveries wake its loop by the batch, and the last
/// report of what was in flight wakes it at once, however often the loop took the reports
/// meanwhile. Each wake-up is a turn, and a turn is a statement.
@Suite struct RelayInboxTests {
    /// Whether a wake-up is pending: a wait that returns before its (long) timeout.
    func woken(_ inbox: RelayInbox) async -> Bool {
        let start = ContinuousClock.now
        await inbox.wait(atMost: .seconds(2))
        return ContinuousClock.now - start < .seconds(1)
    }

    @Test func deliveriesWakeTheLoopByTheBatchAfterItTookTheReports() async {
        let inbox = RelayInbox(wakeAfterDeliveries: 3)
        inbox.sending(10)
        inbox.report(1, nil)
        #expect(inbox.take().delivered == [1])
        #expect(inbox.outstanding == 9, "taking the reports does not forget what is in flight")
        inbox.report(2, nil)
        inbox.report(3, nil)
        #expect(await !woken(inbox), "two reports of nine in flight: no turn yet")
        inbox.report(4, nil)
        #expect(await woken(inbox), "the third report of the batch wakes it")
        #expect(inbox.take().delivered == [2, 3, 4])
        for id in 5...9 { inbox.report(Int64(id), nil) }
        _ = await woken(inbox)
        _ = inbox.take()
        inbox.report(10, nil)
        #expect(inbox.outstanding == 0)
        #expect(await woken(inbox), "the last report of what was in flight wakes it at once")
    }

    @Test func aFailedDeliveryWakesTheLoopAtOnce() async {
        let inbox = RelayInbox(wakeAfterDeliveries: 100)
        inbox.sending(5)
        inbox.report(1, .deliveryFailed(topic: "hotline.cases.v1", code: -195, message: "broker transport failure"))
        #expect(await woken(inbox))
        #expect(inbox.take().failed.map(\.id) == [1])
    }
}
