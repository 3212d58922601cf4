import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import Testing
@testable import HotlineWorkers

/// Intake decides a whole batch over the state loaded for it, with no PostgreSQL: the
/// second appeal of a batch sees what the first did, exactly as if each had its own batch.
@Suite struct IntakeBatchTests {
    let policy: Policy
    let handler: IntakeHandler
    let vault: PersonalDataVault
    static let complaint = "望月湖小区东门外的道路施工每天晚上十一点以后还在用破碎机作业，噪音很大，家里老人和小孩都没法休息。"
    static let day = CaseNumber.day(of: Fixtures.receivedAt)

    init() throws {
        policy = try Fixtures.changsha()
        vault = try PersonalDataVaultTests.vault()
        handler = IntakeHandler(
            policy: policy, calendar: try CalendarLoader.load(name: policy.calendar, directory: Repository.path("Ops/calendars")),
            vault: vault, queryCodes: QueryCodeIssuerTests.issuer, caseNumbers: UnusedCaseNumbers(), maximumEventBytes: 65_536, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func message(_ offset: Int64, _ event: IntakeEvent, republishedFrom: FirstDelivery? = nil) -> Delivery<IntakeEvent> {
        Delivery(
            message: ConsumedMessage(topic: "hotline.intake.v1", partition: 0, offset: offset, timestampMilliseconds: nil, key: nil, value: [], headers: []),
            event: event, eventID: event.eventID, republishedFrom: republishedFrom)
    }

    func appeal(_ externalID: String, content: String = complaint, phone: String = "13874812345", eventID: String? = nil) -> IntakeEvent {
        var event = Fixtures.event(content: content, category: .complaint, areaCode: "430104007", externalID: externalID, phone: phone)
        if let eventID { event.eventID = eventID }
        return event
    }

    func decide(_ batch: [Delivery<IntakeEvent>], view: IntakeView = IntakeView()) throws -> IntakeEffects {
        try handler.decide(batch, view: view, now: Fixtures.receivedAt)
    }

    /// 长沙 第十三条（六）, 鄂尔多斯 第十八条（四）: the caller's second call in the same batch is
    /// a repeat of the case the first call opened, an urge on it, not a second case.
    @Test func aCallersSecondAppealInTheBatchIsMergedIntoTheCaseTheFirstOpened() throws {
        let effects = try decide([message(1, appeal("CALL-1")), message(2, appeal("CALL-2", content: "再次反映：" + Self.complaint))])
        #expect(effects.outcomes == [.decided(.accepted, caseNumber: "\(Self.day)-000001"), .decided(.merged, caseNumber: "\(Self.day)-000001")])
        #expect(effects.cases.count == 1)
        #expect(effects.urges.map(\.caseID) == effects.cases.map(\.id))
        #expect(effects.requests.count == 2)
        #expect(effects.history.map(\.action) == ["accepted", "urged"])
        let urged = try #require(try effects.outbox().last { $0.topic == TopicName.cases })
        #expect(urged.headers["hotline-event-type"] == "case.urged")
        #expect(String(decoding: urged.payload, as: UTF8.self).contains("\"urge_count\":1"))
    }

    /// An adapter publishing the same appeal twice in one batch gets the same receipt twice
    /// (idempotency key channel + external id) and one case.
    @Test func anAppealPublishedTwiceInTheBatchGetsTheSameReceiptAndOneCase() throws {
        let effects = try decide([message(1, appeal("CALL-1", eventID: "evt-a")), message(2, appeal("CALL-1", eventID: "evt-b"))])
        #expect(effects.outcomes == [.decided(.accepted, caseNumber: "\(Self.day)-000001"), .republished])
        #expect(effects.cases.count == 1 && effects.requests.count == 1)
        #expect(effects.republished == [IntakeRequestKey(channel: .phone, externalID: "CALL-1"): 1])
        let receipts = try effects.outbox().filter { $0.topic == TopicName.receipts }.map { try JSONDecoder().decode(IntakeReceipt.self, from: Data($0.payload)) }
        #expect(receipts.count == 2)
        #expect(receipts[0].caseNumber == receipts[1].caseNumber && receipts[0].outcome == receipts[1].outcome)
        #expect(receipts[0].eventID != receipts[1].eventID)
    }

    /// 巴林左旗 第二十四条: the caller follows the case with its number and query code. The
    /// receipt of an accepted case carries the code and the re-issued receipt the same one,
    /// though the record intake keeps has no code: only its verifier, which checks it.
    @Test func anAcceptedReceiptCarriesTheQueryCodeAndARepublishedOneTheSameCode() throws {
        let effects = try decide([message(1, appeal("CALL-1", eventID: "evt-a")), message(2, appeal("CALL-1", eventID: "evt-b"))])
        let receipts = try effects.outbox().filter { $0.topic == TopicName.receipts }.map { try JSONDecoder().decode(IntakeReceipt.self, from: Data($0.payload)) }
        let caseID = try #require(effects.cases.first?.id)
        #expect(receipts.map(\.queryCode) == Array(repeating: QueryCodeIssuerTests.issuer.code(for: caseID).description, count: 2))
        #expect(effects.requests.map(\.receipt.withoutQueryCode.queryCode) == [nil])
        #expect(effects.verifiers.map(\.caseID) == [caseID])
        let stored = LookupVerifier(caseID: caseID, verifier: effects.verifiers[0].verifier, keyID: effects.verifiers[0].keyID)
        #expect(QueryCodeIssuerTests.verifier.check(try #require(QueryCode(parsing: receipts[0].queryCode ?? "")), against: stored))
    }

    /// The same event published again (its event id applied before at another offset) is
    /// answered with the receipt it got the first time.
    @Test func anEventPublishedAgainIsAnsweredWithItsReceipt() throws {
        let first = appeal("CALL-1", eventID: "evt-a")
        let earlier = FirstDelivery(topic: "hotline.intake.v1", partition: 0, offset: 1)
        let effects = try decide([message(1, first), message(9, first, republishedFrom: earlier)])
        #expect(effects.outcomes == [.decided(.accepted, caseNumber: "\(Self.day)-000001"), .republished])
        #expect(effects.cases.count == 1)
    }

    /// Numbers continue the day's sequence loaded for the batch, one per accepted case;
    /// an appeal not accepted takes none.
    @Test func caseNumbersContinueTheDaysSequenceWithoutGaps() throws {
        let effects = try decide([
            message(1, appeal("CALL-1", phone: "13800000001")),
            message(2, appeal("CALL-2", content: "株洲市某小区门口的路灯坏了", phone: "13800000002")),
            message(3, appeal("CALL-3", phone: "13800000003")),
        ])
        #expect(effects.caseNumbersNeeded == [Self.day: 2])
        let numbered = effects.numbered(after: [Self.day: 41])
        #expect(numbered.cases.map(\.caseNumber) == ["\(Self.day)-000042", "\(Self.day)-000043"])
        #expect(effects.outcomes[1] == .decided(.notAccepted, caseNumber: nil))
        #expect(effects.requests.map { $0.keptText != nil } == [false, true, false], "only the appeal not accepted keeps its text")
        let kept = try #require(effects.requests[1].keptText)
        #expect(!String(decoding: kept.sealed, as: UTF8.self).contains("株洲"), "sealed at rest")
        #expect(try vault.open(requestText: kept, of: effects.requests[1].event.requestKey) == "株洲市某小区门口的路灯坏了")
        #expect(throws: (any Error).self, "bound to its request") {
            try vault.open(requestText: kept, of: effects.requests[0].event.requestKey)
        }
    }

    /// A case's final number reaches everything that names it: its receipt, its event, and
    /// the receipt of a repeat merged into it in the same batch.
    @Test func theFinalNumberReachesEveryReceiptAndEventOfTheCase() throws {
        let effects = try decide([message(1, appeal("CALL-1")), message(2, appeal("CALL-2", content: "再次反映：" + Self.complaint))])
            .numbered(after: [Self.day: 99])
        let number = "\(Self.day)-000100"
        #expect(effects.cases.map(\.caseNumber) == [number])
        #expect(effects.requests.map(\.receipt.caseNumber) == [number, number])
        let outbox = try effects.outbox()
        #expect(outbox.count == 4)
        #expect(outbox.allSatisfy { String(decoding: $0.payload, as: UTF8.self).contains("\"case_number\":\"\(number)\"") })
    }

    /// A repeat of a case opened in an earlier batch counts on from the urges it already has.
    @Test func anUrgeCountsOnFromTheStoredCount() throws {
        let stored = StoredOpenCase(
            candidate: OpenCaseCandidate(caseID: UUID(), caseNumber: "20261008-000003", category: .complaint, areaCode: "430104007", text: Self.complaint),
            callerPhoneIndex: vault.phoneIndex(Caller(phone: "13874812345")), urgeCount: 2)
        let effects = try decide(
            [message(1, appeal("CALL-9", content: "再次反映：" + Self.complaint))],
            view: IntakeView(openCases: [stored]))
        #expect(effects.outcomes == [.decided(.merged, caseNumber: "20261008-000003")])
        #expect(effects.urges.map(\.caseID) == [stored.candidate.caseID])
        let detail = try #require(effects.history.first).detailJSON
        #expect(detail.contains("\"urge_count\":\"3\""))
    }
}

/// Deciding never reserves numbers; only a flush does.
struct UnusedCaseNumbers: CaseNumberReservation {
    func reserve(_ counts: [String: Int]) async throws -> [String: Int] {
        Issue.record("decide reserved case numbers")
        return [:]
    }
}
