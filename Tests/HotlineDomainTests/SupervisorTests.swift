import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Which events open which supervision under 长沙 (第三十四条).
@Suite struct SupervisorTests {
    let supervisor: Supervisor

    init() throws {
        let policy = try Fixtures.changsha()
        supervisor = Supervisor(policy: policy, calendar: try CalendarLoader.load(name: policy.calendar, directory: Repository.path("Ops/calendars")))
    }

    /// 第三十四条（三）「发回重办后诉求人仍不满意」: only a case the centre sent back after a
    /// 不满意; a second round that came from a return or a re-dispatch does not count.
    @Test func onlyADissatisfiedRatingAfterAReopeningIsARepeatedDissatisfaction() {
        let rated = { (rating: String, reopened: Bool) in
            supervisor.trigger(forEventType: "case.rated", obligation: nil, rating: rating, reopened: reopened)?.trigger
        }
        #expect(rated("dissatisfied", true) == .repeatDissatisfied)
        #expect(rated("dissatisfied", false) == nil)
        #expect(rated("satisfied", true) == nil)
    }

    @Test func closingTheCaseClosesEveryCaseSupervisionButResolvingKeepsTheRepeatedDissatisfaction() throws {
        let closed = try #require(supervisor.closes(onEventType: "case.closed"))
        #expect(closed.triggers.contains(.repeatDissatisfied) && closed.reason == "closed")
        let resolved = try #require(supervisor.closes(onEventType: "case.resolved"))
        #expect(!resolved.triggers.contains(.repeatDissatisfied) && resolved.triggers.contains(.overdue))
    }
}
