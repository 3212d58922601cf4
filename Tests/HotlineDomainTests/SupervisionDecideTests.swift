import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import Testing
@testable import HotlineWorkers

/// The supervision worker decides a batch of lifecycle events over the state loaded for
/// it, with no PostgreSQL: which supervisions (督办) open and close, and what is announced.
@Suite struct SupervisionDecideTests {
    let handler: SupervisionHandler
    let edition: PolicyArchive.Edition
    static let policy = CaseEvent.PolicyRef(id: "changsha-2020", version: "2020.12")
    static let caseID = UUID(uuidString: "6f1c3b2e-0c4e-4a53-9d2a-1e7f3a9b8c02")!
    static let now = CaseLifecycleTests.at("2026-11-16T10:00:00+08:00")
    static let spot = HotSpotKey(category: "complaint", areaCode: "430104007")

    init() throws {
        let archive = try PolicyArchive(
            policyFile: Fixtures.changshaPolicyFile, policyID: "changsha-2020", calendarDirectory: Repository.path("Ops/calendars"))
        edition = archive.running
        handler = SupervisionHandler(archive: archive, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func view(open: [SupervisionRow] = [], counts: [HotSpotKey: Int] = [:], caseIDs: [UUID] = [caseID]) -> SupervisionHandler.View {
        var view = SupervisionHandler.View()
        for id in caseIDs {
            view.cases[id] = SupervisedCase(
                caseNumber: "20261113-000001", policyID: Self.policy.id, policyVersion: Self.policy.version, leadUnitID: "city-housing",
                leadUnitName: "市住建局")
        }
        view.open = open
        view.editions[Self.policy] = edition
        view.appealCounts[Self.policy] = counts
        return view
    }

    func event(_ offset: Int64, _ type: String, obligation: String? = nil, caseID: UUID = caseID, area: String? = nil) -> Delivery<SupervisionHandler.Event> {
        Delivery(
            message: ConsumedMessage(topic: TopicName.cases, partition: 0, offset: offset, timestampMilliseconds: nil, key: nil, value: [], headers: []),
            event: SupervisionHandler.Event(
                type: type, eventID: "evt-\(offset)", caseID: caseID, obligation: obligation, category: area == nil ? nil : "complaint",
                areaCode: area, rating: nil, reopened: nil, policy: Self.policy),
            eventID: "evt-\(offset)")
    }

    func escalations(_ effects: SupervisionHandler.Effects) -> [String] {
        effects.outbox.map { String(decoding: $0.payload, as: UTF8.self) }.map { text in
            let kind = text.firstMatch(of: /"type":"supervision\.(\w+)"/)?.1 ?? "?"
            let trigger = text.firstMatch(of: /"trigger":"(\w+)"/)?.1 ?? "?"
            return "\(kind) \(trigger)"
        }
    }

    /// 长沙 第三十四条（一） 「逾期未办结事项」: an overdue handling clock opens a supervision on the
    /// first rung, with the unit that holds the case.
    @Test func anOverdueHandlingClockOpensASupervision() throws {
        let effects = try handler.decide([event(1, "deadline.overdue", obligation: "handling")], view: view(), now: Self.now)
        #expect(effects.opened.map { "\($0.trigger) \($0.level) \($0.unitID ?? "-")" } == ["overdue 1 city-housing"])
        #expect(effects.opened.first?.levelDueAt != nil)
        #expect(escalations(effects) == ["opened overdue"])
    }

    /// A supervision opened and ended in one batch (not signed, then signed) is written once,
    /// closed, and both steps are announced.
    @Test func aSupervisionOpenedAndClosedInOneBatchIsWrittenClosed() throws {
        let effects = try handler.decide(
            [event(1, "deadline.overdue", obligation: "sign"), event(2, "case.signed")], view: view(), now: Self.now)
        #expect(effects.opened.count == 1)
        #expect(effects.opened.first?.closed?.reason == "signed")
        #expect(effects.closed.isEmpty)
        #expect(escalations(effects) == ["opened not_signed", "closed not_signed"])
    }

    /// Resolving a case closes the supervisions loaded for it.
    @Test func resolvingACaseClosesItsOpenSupervisions() throws {
        let open = SupervisionRow(
            id: 41, publicID: UUID(), caseID: Self.caseID, caseNumber: "20261113-000001", policyID: Self.policy.id,
            policyVersion: Self.policy.version, trigger: "overdue", article: "第三十四条（一）", unitID: "city-housing", unitName: "市住建局",
            level: 2, levelDueAt: Self.now)
        let effects = try handler.decide([event(1, "case.resolved")], view: view(open: [open]), now: Self.now)
        #expect(effects.closed.map(\.id) == [41])
        #expect(effects.closed.map(\.reason) == ["resolved"])
        #expect(escalations(effects) == ["closed overdue"])
    }

    /// 长沙 第三十四条（二） 「热点、难点事项」: the appeal that brings a category and area to the policy's
    /// threshold opens one hot-spot supervision; the next one of the batch opens none.
    @Test func aHotSpotOpensOnceInABatch() throws {
        let second = UUID()
        let effects = try handler.decide(
            [event(1, "case.accepted", area: Self.spot.areaCode), event(2, "case.accepted", caseID: second, area: Self.spot.areaCode)],
            view: view(counts: [Self.spot: 5], caseIDs: [Self.caseID, second]), now: Self.now)
        #expect(effects.opened.map { "\($0.trigger) \($0.caseID == Self.caseID)" } == ["hot_spot true"])
    }

    /// Below the threshold nothing opens.
    @Test func fewerAppealsThanTheThresholdOpenNoHotSpot() throws {
        let effects = try handler.decide([event(1, "case.accepted", area: Self.spot.areaCode)], view: view(counts: [Self.spot: 4]), now: Self.now)
        #expect(effects.opened.isEmpty && effects.outbox.isEmpty)
    }
}
