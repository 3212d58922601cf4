import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import Testing
@testable import HotlineWorkers

/// Work orders drawn, sealed and opened without PostgreSQL or Kafka: what each unit's
/// order says, that only its unit's key opens it, that a confidential caller's contact is
/// never in it, and that a unit without a sealing key gets the order withheld, never in clear.
@Suite struct WorkOrderSealingTests {
    static let caseID = UUID(uuidString: "6f1c3b2e-0c4e-4a53-9d2a-1e7f3a9b8c01")!
    static let now = CaseLifecycleTests.at("2026-11-13T09:00:00+08:00")
    static let housing = HandlingUnit(id: "city-housing", name: "长沙市住房和城乡建设局", level: .bureau, parent: nil, areas: [])
    static let urban = HandlingUnit(id: "city-urban", name: "长沙市城市管理和综合执法局", level: .bureau, parent: nil, areas: [])
    static let caller = Caller(name: "王女士", phone: "13700001111", address: "岳麓区望月湖小区3栋")
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func round(_ number: Int, confidential: Bool = false) -> LifecycleCase {
        LifecycleCase(
            id: caseID, caseNumber: "20261113-000001", policy: .init(id: "changsha-2020", version: "2020.12"), status: .dispatched,
            category: .complaint, urgent: true, source: "leader", round: number, leadUnitID: housing.id, coUnitIDs: [urban.id], dispatchedAt: now)
    }

    static func appeal(confidential: Bool = false) -> WorkOrderAppeal {
        WorkOrderAppeal(subject: "工地夜间施工", content: "望月湖小区旁边的工地夜间施工，噪音很大，影响休息。", areaCode: "430104007", confidential: confidential)
    }

    static let signPlan = ClockPlan(
        obligation: .sign, unitID: housing.id, startedAt: now, dueAt: CaseLifecycleTests.at("2026-11-16T23:59:59+08:00"), warnAt: nil,
        limit: .workingDays(1), basis: CalendarBasis(notices: ["cn-2026"], provisionalYears: []))

    static func drafts(kind: WorkOrder.Kind = .dispatch, round: Int = 1, confidential: Bool = false, earlier: [RoundReport] = []) -> [WorkOrderDraft] {
        WorkOrderPlanner.drafts(
            kind: kind, round: Self.round(round), lead: housing, coUnits: [urban], clocks: [.cancelAll, .start(signPlan)],
            appeal: appeal(confidential: confidential), earlierRounds: earlier, now: now, newID: UUID.init)
    }

    static func vault() throws -> PersonalDataVault { try PersonalDataVaultTests.vault() }

    /// The case as intake seals it at rest.
    static func sealed(_ vault: PersonalDataVault) throws -> SealedCase {
        try vault.sealNewCase(caseID, caller: caller, subject: appeal().subject, content: appeal().content)
    }

    /// 长沙 第十六条（二）「明确1个责任单位牵头办理，其他单位会同办理」: the lead and each co-unit
    /// get an order of their own, each naming the round's lead, co-units and due instants.
    @Test func eachUnitOfTheRoundGetsItsOwnOrder() {
        let drafts = Self.drafts()
        #expect(drafts.map { "\($0.order.unitID) \($0.order.role.rawValue)" } == ["city-housing lead", "city-urban co"])
        #expect(Set(drafts.map(\.order.eventID)).count == 2)
        for draft in drafts {
            #expect(draft.order.caseNumber == "20261113-000001")
            #expect(draft.order.kind == .dispatch && draft.order.round == 1)
            #expect(draft.order.category == .complaint && draft.order.urgent && draft.order.source == "leader")
            #expect(draft.order.areaCode == "430104007")
            #expect(draft.order.lead.id == "city-housing" && draft.order.coUnits.map(\.id) == ["city-urban"])
            #expect(draft.order.signDue.map(RFC3339.formatSeconds) == "2026-11-16T23:59:59+08:00")
            #expect(draft.order.handlingDue == nil, "长沙 counts handling from signing")
            #expect(draft.content.content == Self.appeal().content && draft.content.subject == "工地夜间施工")
            #expect(draft.includesCaller)
            #expect(draft.order.earlierRounds.isEmpty && draft.content.earlierResults.isEmpty)
        }
    }

    /// 长沙 第十五条, 兰溪 四.3: a confidential caller's contact is never drawn into an order.
    @Test func aConfidentialCallerIsNotInTheOrder() {
        for draft in Self.drafts(confidential: true) {
            #expect(!draft.includesCaller)
            #expect(draft.order.callerConfidential)
        }
    }

    /// 发回重办: the reopened round's orders carry every earlier round's result, oldest first,
    /// codes in clear and the units' words sealed; a re-dispatch carries none.
    @Test func aReopenCarriesTheEarlierRounds() {
        let earlier = [
            RoundReport(round: 2, unitID: "city-urban", outcome: .resolved, handledAt: Self.now, handledBy: "王某", actionTaken: "已修复", rating: .dissatisfied),
            RoundReport(round: 1, unitID: "city-housing", outcome: nil, handledAt: nil, handledBy: nil, actionTaken: nil, rating: nil),
            RoundReport(round: 3, unitID: "city-housing", outcome: nil, handledAt: nil, handledBy: nil, actionTaken: nil, rating: nil),
        ]
        let reopened = Self.drafts(kind: .reopen, round: 3, earlier: earlier)[0]
        #expect(reopened.order.earlierRounds.map { "\($0.round) \($0.unitID) \($0.outcome?.rawValue ?? "-") \($0.rating?.rawValue ?? "-")" }
            == ["1 city-housing - -", "2 city-urban resolved dissatisfied"])
        #expect(reopened.content.earlierResults.map { "\($0.round) \($0.actionTaken ?? "-")" } == ["1 -", "2 已修复"])
        #expect(Self.drafts(kind: .redispatch, round: 3, earlier: earlier)[0].order.earlierRounds.isEmpty)
    }

    /// The order's encoding is its contract: the schema's fields, instants in RFC 3339, and
    /// it decodes back to the same order (what the reference client reads).
    @Test func anOrderEncodesAndDecodesAsTheContractSays() throws {
        var order = Self.drafts()[0].order
        order.withheld = .noSealingKey
        let bytes = try EventJSON.encode(order)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["type"] as? String == "work_order.issued")
        #expect(object["sign_due"] as? String == "2026-11-16T23:59:59+08:00")
        #expect(object["withheld"] as? String == "no_sealing_key")
        #expect(object["sealed"] is NSNull)
        #expect(object["content"] == nil && object["caller"] == nil)
        #expect(try JSONDecoder().decode(WorkOrder.self, from: Data(bytes)) == order)
    }

    /// What the issuer publishes has the fields of the topic's valid examples, sealed,
    /// withheld and reopened alike (additionalProperties is false at every level).
    @Test func issuedOrdersHaveTheShapeOfTheTopicsExamples() throws {
        let vault = try Self.vault()
        let key = Curve25519.KeyAgreement.PrivateKey()
        let unitKey = PartySealingKey(keyID: "city-housing:sealing:1", publicKey: Array(key.publicKey.rawRepresentation))
        let stored = StoredAppeal(appeal: Self.appeal(), sealed: try Self.sealed(vault))
        let reopen = WorkOrderPlanner.drafts(
            kind: .reopen, round: Self.round(2), lead: Self.housing, coUnits: [], clocks: [.start(Self.signPlan)], appeal: Self.appeal(),
            earlierRounds: [RoundReport(round: 1, unitID: "city-housing", outcome: .resolved, handledAt: Self.now, handledBy: "王某", actionTaken: "已处理", rating: .dissatisfied)],
            now: Self.now, newID: UUID.init)[0]
        let issued = try WorkOrderIssuer(vault: vault, logger: Self.logger).issue([
            PendingWorkOrder(draft: Self.drafts()[0], key: unitKey, appeal: stored),
            PendingWorkOrder(draft: Self.drafts()[0], key: nil, appeal: stored),
            PendingWorkOrder(draft: reopen, key: unitKey, appeal: stored),
        ], at: Self.now)
        let contract = EventContractTests()
        try contract.expectSameShape(issued.messages[0].payload, as: "hotline.work-orders.v1", "valid-dispatch-lead.json")
        try contract.expectSameShape(issued.messages[1].payload, as: "hotline.work-orders.v1", "valid-withheld-no-sealing-key.json")
        try contract.expectSameShape(issued.messages[2].payload, as: "hotline.work-orders.v1", "valid-reopen-with-earlier-round.json")
    }

    /// Sealed to one unit's key, an order opens with that key as that unit, and with no other
    /// key or as no other unit; its caller is the one the intake sealed at rest.
    @Test func onlyTheUnitsKeyOpensItsOrder() throws {
        let vault = try Self.vault()
        let housingKey = Curve25519.KeyAgreement.PrivateKey()
        let urbanKey = Curve25519.KeyAgreement.PrivateKey()
        let keys = [
            "city-housing": PartySealingKey(keyID: "city-housing:sealing:1", publicKey: Array(housingKey.publicKey.rawRepresentation)),
            "city-urban": PartySealingKey(keyID: "city-urban:sealing:1", publicKey: Array(urbanKey.publicKey.rawRepresentation)),
        ]
        let stored = StoredAppeal(appeal: Self.appeal(), sealed: try Self.sealed(vault))
        let pending = Self.drafts().map { PendingWorkOrder(draft: $0, key: keys[$0.order.unitID], appeal: stored) }
        let issued = try WorkOrderIssuer(vault: vault, logger: Self.logger).issue(pending, at: Self.now)
        #expect(issued.withheld.isEmpty)
        #expect(issued.messages.map { String(decoding: $0.key ?? [], as: UTF8.self) } == ["city-housing", "city-urban"])
        #expect(issued.messages.allSatisfy { $0.topic == "hotline.work-orders.v1" && $0.headers["hotline-event-type"] == "work_order.issued" })
        let orders = try issued.messages.map { try JSONDecoder().decode(WorkOrder.self, from: Data($0.payload)) }
        for message in issued.messages {
            let text = String(decoding: message.payload, as: UTF8.self)
            #expect(!text.contains("王女士") && !text.contains("13700001111") && !text.contains("噪音"), "nothing personal or of the appeal in clear")
        }
        let opened = try WorkOrderSealer.open(orders[0], as: "city-housing", with: housingKey)
        #expect(opened.caller == WorkOrderContent.Contact(name: "王女士", phone: "13700001111", address: "岳麓区望月湖小区3栋"))
        #expect(opened.content == Self.appeal().content)
        #expect(orders[0].sealed?.keyID == "city-housing:sealing:1")
        #expect(throws: WorkOrderSealingError.notOpened(order: orders[0].eventID, keyID: "city-housing:sealing:1")) {
            try WorkOrderSealer.open(orders[0], as: "city-housing", with: urbanKey)
        }
        #expect(throws: WorkOrderSealingError.otherUnit(order: orders[0].eventID, addressedTo: "city-housing")) {
            try WorkOrderSealer.open(orders[0], as: "city-urban", with: urbanKey)
        }
        var moved = orders[1]
        moved.sealed = orders[0].sealed
        moved.unitID = "city-housing"
        #expect(throws: WorkOrderSealingError.self, "a sealed content moved to another order does not open") {
            try WorkOrderSealer.open(moved, as: "city-housing", with: housingKey)
        }
    }

    /// 长沙 第十五条: a confidential caller's sealed data is not even opened for the order.
    @Test func aConfidentialCallersOrderOpensWithoutTheContact() throws {
        let vault = try Self.vault()
        let key = Curve25519.KeyAgreement.PrivateKey()
        let unitKey = PartySealingKey(keyID: "k", publicKey: Array(key.publicKey.rawRepresentation))
        let stored = StoredAppeal(
            appeal: Self.appeal(confidential: true),
            sealed: SealedCase(caseID: Self.caseID, dataKey: nil, callerSealed: [1, 2, 3], callerKeyID: "unknown-key", appealSealed: nil))
        let draft = Self.drafts(confidential: true)[0]
        let issued = try WorkOrderIssuer(vault: vault, logger: Self.logger).issue([PendingWorkOrder(draft: draft, key: unitKey, appeal: stored)], at: Self.now)
        let order = try JSONDecoder().decode(WorkOrder.self, from: Data(issued.messages[0].payload))
        let opened = try WorkOrderSealer.open(order, as: "city-housing", with: key)
        #expect(opened.caller == nil)
        #expect(order.callerConfidential)
    }

    /// A unit with no sealing key gets its order without content (never in clear), and the
    /// order is kept for the centre to reissue.
    @Test func anOrderForAUnitWithoutAKeyIsWithheld() throws {
        let vault = try Self.vault()
        let stored = StoredAppeal(appeal: Self.appeal(), sealed: try Self.sealed(vault))
        let draft = Self.drafts()[1]
        let issued = try WorkOrderIssuer(vault: vault, logger: Self.logger).issue([PendingWorkOrder(draft: draft, key: nil, appeal: stored)], at: Self.now)
        let text = String(decoding: issued.messages[0].payload, as: UTF8.self)
        #expect(text.contains("\"withheld\":\"no_sealing_key\"") && text.contains("\"sealed\":null"))
        #expect(!text.contains("噪音") && !text.contains("王女士"))
        #expect(issued.withheld.map { "\($0.unitID) \($0.round) \($0.reason)" } == ["city-urban 1 no_sealing_key"])
        #expect(issued.withheld.first?.eventID == draft.order.eventID)
    }
}
