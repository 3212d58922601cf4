import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Which message the caller gets for a step of their case, under the shipped presets
/// (巴林左旗 第二十四条 the right to know; 鄂尔多斯 第十九条（八）; 兰溪 四.3).
@Suite struct NotificationPlannerTests {
    static func planner(_ id: String) throws -> NotificationPlanner {
        NotificationPlanner(policy: try PolicyLoader.load(file: Repository.path("Ops/policies/\(id).yaml")))
    }

    static let presets = ["bairin-left-banner", "changsha-2020", "lanxi-2010", "ordos-2019", "yibin-2007"]
    let street = HandlingResult(outcome: .resolved, unitID: "yuelu-wangyuehu", unitName: "岳麓区望月湖街道办事处")
    let caseID = UUID(uuidString: "88EE787C-3396-5FB9-9F88-E99BF404320B")!

    /// A lifecycle step as the dispatch worker publishes it, read back as the planner reads it.
    func published(_ notice: LifecycleNotice, policy: String) throws -> CaseEventFacts {
        let event = CaseEvent(
            eventID: UUID(), caseID: caseID, caseNumber: "20261009-000871", occurredAt: Fixtures.receivedAt,
            policy: .init(id: policy, version: "1"), body: .lifecycle(notice))
        return try JSONDecoder().decode(CaseEventFacts.self, from: Data(try EventJSON.encode(event)))
    }

    func sender(_ plan: NotificationPlan?) -> NotificationSender? {
        guard case let .result(_, sender)? = plan?.content else { return nil }
        return sender
    }

    /// 兰溪 四.3 「来电人要求保密的,办理结果由市长热线直接向来电人反馈」; otherwise 「办理结果由承办的
    /// 网络成员单位…反馈给来电人」.
    @Test func lanxiTellsAConfidentialCallerTheResultFromTheCentre() throws {
        let planner = try Self.planner("lanxi-2010")
        let resolved = CaseEventFacts(type: "case.resolved")
        let confidential = planner.plan(for: resolved, confidential: true, result: street)
        #expect(sender(confidential) == .centre)
        #expect(confidential?.article == "四.3")
        #expect(sender(planner.plan(for: resolved, confidential: false, result: street)) == .unit)
    }

    /// Whoever the policy names, the unit never contacts a confidential caller.
    @Test(arguments: presets)
    func aConfidentialCallerHearsTheResultFromTheCentreEverywhere(policy: String) throws {
        let plan = try Self.planner(policy).plan(for: CaseEventFacts(type: "case.resolved"), confidential: true, result: street)
        #expect(sender(plan) == .centre)
    }

    /// 长沙 第二十二条 the unit tells the result; 鄂尔多斯 第八条、第二十条 the office answers.
    @Test func theResultSenderFollowsThePolicy() throws {
        let resolved = CaseEventFacts(type: "case.resolved")
        #expect(sender(try Self.planner("changsha-2020").plan(for: resolved, confidential: false, result: street)) == .unit)
        #expect(sender(try Self.planner("ordos-2019").plan(for: resolved, confidential: false, result: street)) == .centre)
        let plan = try Self.planner("changsha-2020").plan(for: resolved, confidential: false, result: street)
        #expect(plan?.content == .result(street, sender: .unit))
        #expect(plan?.article == "第二十二条")
    }

    /// 鄂尔多斯 第十九条（八） 「同时告知来电人」: the approved extension's new date is told, with
    /// the extension article, as the lifecycle publishes it.
    @Test func anExtensionIsToldWhereThePolicySaysSo() throws {
        let due = try #require(RFC3339.parse("2026-10-30T23:59:59+08:00"))
        let notice = LifecycleNotice(
            step: .extended, round: 1, unitID: "ordos-dongsheng", status: .signed, handlingDue: due, article: "第十九条（八）",
            callerToBeTold: true)
        let plan = try Self.planner("ordos-2019").plan(for: try published(notice, policy: "ordos-2019"), confidential: false, result: nil)
        #expect(plan == NotificationPlan(content: .extended(handlingDue: due), article: "第十九条（八）"))
        var untold = notice
        untold.callerToBeTold = false
        #expect(try Self.planner("ordos-2019").plan(for: try published(untold, policy: "ordos-2019"), confidential: false, result: nil) == nil)
    }

    @Test func anAcceptedCaseIsToldItsNumberUnderThePolicysArticle() throws {
        let plan = try Self.planner("bairin-left-banner").plan(for: CaseEventFacts(type: "case.accepted"), confidential: true, result: nil)
        #expect(plan == NotificationPlan(content: .accepted, article: "第二十四条"))
    }

    @Test func theCallbackRequestNamesTheTaskAndChannel() throws {
        let taskID = UUID()
        let plan = try Self.planner("changsha-2020").callbackRequest(taskID: taskID, channel: .automaticCall)
        #expect(plan.content == .callbackRequest(taskID: taskID, channel: .automaticCall))
        #expect(plan.article == "第二十五条、第二十六条")
    }

    /// Signing, returns, reviews and deadlines are the centre's and the unit's business.
    @Test func stepsTheCallerNeedNotHearOfGetNoNotification() throws {
        let planner = try Self.planner("changsha-2020")
        let quiet = LifecycleNotice.Step.allCases.filter { $0 != .extended && $0 != .resolved }.map(\.rawValue)
            + ["case.dispatched", "case.urged", "case.rated", "deadline.overdue", "deadline.warning"]
        for type in quiet {
            #expect(planner.plan(for: CaseEventFacts(type: type), confidential: false, result: street) == nil, "\(type)")
        }
        #expect(planner.plan(for: CaseEventFacts(type: "case.resolved"), confidential: false, result: nil) == nil, "no result, nothing to tell")
    }
}
