import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// The callback rules of the presets as decisions (长沙 第二十五、二十六条; 宜宾 第十一条（五）2).
@Suite struct CallbackPlannerTests {
    static func planner(_ id: String) throws -> CallbackPlanner {
        let policy = try PolicyLoader.load(file: Repository.path("Ops/policies/\(id).yaml"))
        return CallbackPlanner(policy: policy, calendar: try CalendarLoader.load(name: policy.calendar, directory: Repository.path("Ops/calendars")))
    }

    func instant(_ text: String) throws -> Date { try #require(RFC3339.parse(text)) }

    func result(_ outcome: CallbackResult.Outcome, _ rating: CallbackRating? = nil) throws -> CallbackResult {
        CallbackResult(
            eventID: "ivr-res-0001", taskID: UUID(), outcome: outcome, rating: rating, resolved: rating.map { _ in true }, comment: nil,
            calledBy: "ivr-01", calledAt: try instant("2026-10-09T16:00:00+08:00"))
    }

    /// Friday 2026-10-09 15:00: the callback is due by the next working day, the 调休
    /// Saturday 10-10; the citizen has 72 hours to answer the automatic call.
    @Test func changshaCallsAutomaticallyFirst() throws {
        let plan = try Self.planner("changsha-2020").firstTask(
            approvedAt: try instant("2026-10-09T15:00:00+08:00"), submittedAt: nil, leadUnitID: "yuelu-wangyuehu", confidential: false)
        #expect(plan.channel == .automaticCall && plan.attempt == 1)
        #expect(plan.performerUnitID == nil, "the centre calls back")
        #expect(RFC3339.formatSeconds(plan.dueAt) == "2026-10-10T23:59:59+08:00")
        #expect(plan.answerBy.map(RFC3339.formatSeconds) == "2026-10-12T15:00:00+08:00")
    }

    @Test func anAutomaticDissatisfiedIsCalledAgainByAPersonWithinOneWorkingDay() throws {
        let planner = try Self.planner("changsha-2020")
        let task = OpenCallbackTask(attempt: 1, channel: .automaticCall, performerUnitID: nil)
        let decision = try planner.decide(try result(.answered, .dissatisfied), on: task, now: try instant("2026-10-09T16:00:00+08:00"))
        guard case let .followUp(automatic, plan) = decision else { Issue.record("expected a follow-up, got \(decision)"); return }
        #expect(automatic == .dissatisfied)
        #expect(plan.channel == .manual && plan.attempt == 2 && plan.answerBy == nil)
        #expect(RFC3339.formatSeconds(plan.dueAt) == "2026-10-10T23:59:59+08:00")
    }

    @Test func aManualDissatisfiedIsFinalAndSatisfiedIsFinalAnywhere() throws {
        let planner = try Self.planner("changsha-2020")
        let now = try instant("2026-10-09T16:00:00+08:00")
        let manual = OpenCallbackTask(attempt: 2, channel: .manual, performerUnitID: nil)
        #expect(try planner.decide(try result(.answered, .dissatisfied), on: manual, now: now) == .rated(.dissatisfied, resolved: true, source: .caller))
        let automatic = OpenCallbackTask(attempt: 1, channel: .automaticCall, performerUnitID: nil)
        #expect(try planner.decide(try result(.answered, .satisfied), on: automatic, now: now) == .rated(.satisfied, resolved: true, source: .caller))
        #expect(try planner.decide(try result(.noAnswer), on: automatic, now: now) == .stillOpen)
    }

    @Test func silenceThroughTheWindowIsBasicallySatisfied() throws {
        let task = OpenCallbackTask(attempt: 1, channel: .automaticCall, performerUnitID: nil)
        #expect(try Self.planner("changsha-2020").expire(task, now: try instant("2026-10-12T15:00:00+08:00"))
                == .rated(.basicallySatisfied, resolved: nil, source: .deemed))
    }

    /// 宜宾: the unit follows up, by a person; a confidential caller is called by the centre.
    @Test func yibinsUnitCallsBackUnlessTheCallerIsConfidential() throws {
        let planner = try Self.planner("yibin-2007")
        let approved = try instant("2026-10-09T15:00:00+08:00")
        let plan = try planner.firstTask(approvedAt: approved, submittedAt: nil, leadUnitID: "yb-cuiping", confidential: false)
        #expect(plan.performerUnitID == "yb-cuiping" && plan.channel == .manual && plan.answerBy == nil)
        #expect(try planner.firstTask(approvedAt: approved, submittedAt: nil, leadUnitID: "yb-cuiping", confidential: true).performerUnitID == nil)
    }
}

/// What `hotline.callback-results.v1` accepts (Topics/hotline.callback-results.v1/schema.json).
@Suite struct CallbackResultDecoderTests {
    func decode(_ fields: [String: Any]) throws -> Result<CallbackResult, CallbackResultDecoder.Failure> {
        var message: [String: Any] = [
            "schema_version": 1, "event_id": "ivr-res-0001", "task_id": "629bdbb6-314e-4a0d-bcb1-a4d65194f155",
            "called_by": "ivr-01", "called_at": "2026-10-12T11:00:00+08:00",
        ]
        message.merge(fields) { $1 }
        return CallbackResultDecoder().decode(Array(try JSONSerialization.data(withJSONObject: message)))
    }

    @Test func anAnsweredCallCarriesItsRating() throws {
        let result = try decode(["outcome": "answered", "rating": "basically_satisfied", "resolved": false, "comment": "路修好了"]).get()
        #expect(result.rating == .basicallySatisfied && result.resolved == false && result.comment == "路修好了")
    }

    @Test(arguments: [
        (["outcome": "answered", "resolved": true] as [String: any Sendable], "/rating"),
        (["outcome": "answered", "rating": "satisfied"], "/resolved"),
        (["outcome": "no_answer", "rating": "satisfied"], "/rating"),
        (["outcome": "hung_up"], "/outcome"),
        (["outcome": "no_answer", "phone": "13900000041"], "/phone"),
        (["outcome": "no_answer", "event_id": "short"], "/event_id"),
    ])
    func aMalformedResultIsRefusedNamingTheField(fields: [String: any Sendable], field: String) throws {
        guard case let .failure(failure) = try decode(fields) else { Issue.record("accepted \(fields)"); return }
        #expect(failure.rejection.field == field)
        #expect(failure.taskID != nil, "the refusal can name the task")
    }
}
