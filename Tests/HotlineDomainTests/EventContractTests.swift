import Crypto
import Foundation
import HotlineDomain
@testable import HotlineWorkers
import Testing

/// What the domain publishes has the shape of the topics' own valid examples
/// (docs/CONTRACTS.md; `additionalProperties: false` at every level), so a monitoring
/// consumer reading with plain `kcat` sees what the contract promises.
@Suite struct EventContractTests {
    /// Every key path in a JSON document; array elements are merged under "[]".
    static func keyPaths(_ value: Any, _ prefix: String = "") -> Set<String> {
        var paths: Set<String> = []
        if let object = value as? [String: Any] {
            for (key, child) in object {
                paths.insert("\(prefix)/\(key)")
                paths.formUnion(keyPaths(child, "\(prefix)/\(key)"))
            }
        } else if let array = value as? [Any] {
            for element in array { paths.formUnion(keyPaths(element, "\(prefix)[]")) }
        }
        return paths
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    static func example(_ topic: String, _ name: String) throws -> [String: Any] {
        try object(try Repository.bytes("Topics/\(topic)/examples/\(name)"))
    }

    func expectSameShape(_ encoded: [UInt8], as topic: String, _ example: String) throws {
        let ours = Self.keyPaths(try Self.object(encoded))
        let theirs = Self.keyPaths(try Self.example(topic, example))
        #expect(ours.subtracting(theirs).isEmpty, "fields \(topic)/\(example) does not have: \(ours.subtracting(theirs).sorted())")
        #expect(theirs.subtracting(ours).isEmpty, "fields missing compared with \(topic)/\(example): \(theirs.subtracting(ours).sorted())")
    }

    let caseID = UUID(uuidString: "88EE787C-3396-5FB9-9F88-E99BF404320B")!
    let policy = CaseEvent.PolicyRef(id: "changsha-2020", version: "2020.1")
    let occurredAt = Date(timeIntervalSince1970: 1_791_512_101.198)

    func caseEvent(_ body: CaseEvent.Body) -> CaseEvent {
        CaseEvent(eventID: UUID(), caseID: caseID, caseNumber: "20261009-000871", occurredAt: occurredAt, policy: policy, body: body)
    }

    let street = HandlingUnit(id: "yuelu-wangyuehu", name: "岳麓区望月湖街道办事处", level: .township, parent: "yuelu", areas: ["430104001"])
    let bureau = HandlingUnit(id: "city-housing", name: "长沙市住房和城乡建设局", level: .bureau, parent: "changsha", areas: [])

    // MARK: hotline.cases.v1

    @Test func caseAcceptedHasTheContractFields() throws {
        let event = caseEvent(.accepted(category: .complaint, channel: .phone, areaCode: "430104007", urgent: false,
                                        confidential: true, receivedAt: Fixtures.receivedAt))
        let bytes = try EventJSON.encode(event)
        try expectSameShape(bytes, as: "hotline.cases.v1", "valid-case-accepted.json")
        let json = try Self.object(bytes)
        #expect(json["type"] as? String == "case.accepted")
        #expect(json["case_id"] as? String == "88ee787c-3396-5fb9-9f88-e99bf404320b", "case ids are lower case")
        #expect(json["received_at"] as? String == "2026-10-09T10:15:00.000+08:00")
        #expect(json["confidential"] as? Bool == true)
    }

    @Test func caseAcceptedWithoutAreaCodeSaysNull() throws {
        let event = caseEvent(.accepted(category: .suggestion, channel: .letter, areaCode: nil, urgent: false,
                                        confidential: false, receivedAt: Fixtures.receivedAt))
        let bytes = try EventJSON.encode(event)
        try expectSameShape(bytes, as: "hotline.cases.v1", "valid-case-accepted-no-area-code.json")
        #expect(try Self.object(bytes)["area_code"] is NSNull)
    }

    @Test func caseDispatchedCarriesLeadAndCoUnits() throws {
        // 长沙 第十六条（二）: one lead unit, the others co-handle.
        let event = caseEvent(.dispatched(round: 1, lead: .init(street), coUnits: [.init(bureau), .init(bureau)], ruleID: "property-management-street"))
        let bytes = try EventJSON.encode(event)
        try expectSameShape(bytes, as: "hotline.cases.v1", "valid-case-dispatched.json")
        let json = try Self.object(bytes)
        let lead = try #require(json["lead_unit"] as? [String: Any])
        #expect(lead["level"] as? String == "township")
        #expect((json["co_units"] as? [Any])?.count == 2)
    }

    @Test func caseUrgedAndDispatchPending() throws {
        let basis = PolicyBasis(policy: "changsha-2020", policyVersion: "2020.1", article: "第十三条（六）")
        try expectSameShape(try EventJSON.encode(caseEvent(.urged(urgeCount: 2, channel: .email, basis: basis))),
                            as: "hotline.cases.v1", "valid-case-urged.json")
        let pending = try EventJSON.encode(caseEvent(.dispatchPending(reason: "没有匹配的派单规则")))
        try expectSameShape(pending, as: "hotline.cases.v1", "valid-case-dispatch-pending.json")
        #expect(try Self.object(pending)["queue"] as? String == "manual")
    }

    /// A step carries the article, never the free text of the action behind it: a unit
    /// may paste a caller's phone into a result (DESIGN: lifecycle topics carry no personal data).
    @Test func lifecycleStepsHaveTheContractFieldsAndNoFreeText() throws {
        let due = try #require(RFC3339.parse("2026-10-30T23:59:59+08:00"))
        let extended = caseEvent(.lifecycle(LifecycleNotice(
            step: .extended, round: 1, unitID: street.id, status: .signed, handlingDue: due, article: "第二十条、第二十一条",
            callerToBeTold: true)))
        try expectSameShape(try EventJSON.encode(extended), as: "hotline.cases.v1", "valid-case-extended.json")
        let resolved = caseEvent(.lifecycle(LifecycleNotice(
            step: .resolved, round: 1, unitID: street.id, status: .resolved, article: "第二十五条")))
        let bytes = try EventJSON.encode(resolved)
        try expectSameShape(bytes, as: "hotline.cases.v1", "valid-case-resolved.json")
        #expect(try Self.object(bytes)["handling_due"] is NSNull)
    }

    @Test func deadlineNoticesHaveTheContractFields() throws {
        let notice = DeadlineNotice(
            kind: .overdue, clockID: 1042, obligation: .handling, round: 1, unitID: street.id,
            dueAt: try #require(RFC3339.parse("2026-10-30T23:59:59+08:00")), article: "第十九条（二）", provisional: false)
        let bytes = try EventJSON.encode(caseEvent(.deadline(notice)))
        try expectSameShape(bytes, as: "hotline.cases.v1", "valid-deadline-overdue.json")
        let json = try Self.object(bytes)
        #expect(json["type"] as? String == "deadline.overdue")
        #expect(json["due_at"] as? String == "2026-10-30T23:59:59+08:00")
    }

    /// A due instant counted on a year with no notice yet says so, and only then: the flag is
    /// present when true and absent otherwise, never false.
    @Test func aProvisionalDeadlineNoticeSaysSoAndOnlyThen() throws {
        var notice = DeadlineNotice(
            kind: .overdue, clockID: 2240, obligation: .handling, round: 1, unitID: street.id,
            dueAt: try #require(RFC3339.parse("2027-01-15T23:59:59+08:00")), article: "第十九条（二）", provisional: true)
        let bytes = try EventJSON.encode(caseEvent(.deadline(notice)))
        try expectSameShape(bytes, as: "hotline.cases.v1", "valid-deadline-overdue-provisional.json")
        #expect(try Self.object(bytes)["provisional"] as? Bool == true)
        notice.provisional = false
        let confirmed = try EventJSON.encode(caseEvent(.deadline(notice)))
        try expectSameShape(confirmed, as: "hotline.cases.v1", "valid-deadline-overdue.json")
        #expect(try Self.object(confirmed)["provisional"] == nil, "present only when true")
    }

    @Test func aProvisionalHandlingDueSaysSo() throws {
        var signed = LifecycleNotice(
            step: .signed, round: 1, unitID: street.id, status: .signed,
            handlingDue: RFC3339.parse("2027-01-15T23:59:59+08:00"), article: "第十七条")
        signed.handlingDueProvisional = true
        let bytes = try EventJSON.encode(caseEvent(.lifecycle(signed)))
        try expectSameShape(bytes, as: "hotline.cases.v1", "valid-case-signed-provisional.json")
        #expect(try Self.object(bytes)["handling_due_provisional"] as? Bool == true)
        signed.handlingDueProvisional = false
        let confirmed = try EventJSON.encode(caseEvent(.lifecycle(signed)))
        try expectSameShape(confirmed, as: "hotline.cases.v1", "valid-case-signed.json")
    }

    /// `hotline calendar replan`: the 2027 notice's worked Saturday (2027-01-02, 调休 for 元旦)
    /// moves a 长沙 handling clock (第十九条（二）, 10 working days from signing on 2026-12-28)
    /// one working day earlier; `provisional` is always present.
    @Test func aReplannedClockHasTheContractFields() throws {
        let notice2026 = "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"
        let notice2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
        let clock = CountedClock(
            id: 2217, caseID: caseID, caseNumber: "20261009-000871", policy: policy, round: 1, obligation: .handling,
            unitID: street.id, countedFrom: try #require(RFC3339.parse("2026-12-28T10:00:00+08:00")), limit: .workingDays(10),
            dueAt: try #require(RFC3339.parse("2027-01-12T23:59:59+08:00")), warnAt: RFC3339.parse("2027-01-11T23:59:59+08:00"),
            warnedAt: nil, overdueAt: nil,
            basis: CalendarBasis(notices: [notice2026], provisionalYears: [2027]).description)
        let recount = ClockRecount(
            clock: clock, dueAt: try #require(RFC3339.parse("2027-01-11T23:59:59+08:00")),
            warnAt: RFC3339.parse("2027-01-08T23:59:59+08:00"), nextFireAt: RFC3339.parse("2027-01-08T23:59:59+08:00"),
            basis: CalendarBasis(notices: [notice2026, notice2027], provisionalYears: []), article: "第十九条（二）")
        let bytes = try EventJSON.encode(caseEvent(.replanned(ReplanNotice(recount))))
        try expectSameShape(bytes, as: "hotline.cases.v1", "valid-deadline-replanned.json")
        let json = try Self.object(bytes)
        #expect(json["type"] as? String == "deadline.replanned")
        #expect(json["clock_id"] as? Int == 2217)
        #expect(json["obligation"] as? String == "handling")
        #expect(json["unit_id"] as? String == street.id)
        #expect(json["previous_due_at"] as? String == "2027-01-12T23:59:59+08:00")
        #expect(json["due_at"] as? String == "2027-01-11T23:59:59+08:00")
        #expect(json["provisional"] as? Bool == false, "present also when false")
        #expect(json["calendar_basis"] as? String == "\(notice2026); \(notice2027)")
        #expect(json["article"] as? String == "第十九条（二）")

        var still = recount
        still.basis = CalendarBasis(notices: [notice2026], provisionalYears: [2027])
        let provisional = try EventJSON.encode(caseEvent(.replanned(ReplanNotice(still))))
        try expectSameShape(provisional, as: "hotline.cases.v1", "valid-deadline-replanned-still-provisional.json")
        let stillJSON = try Self.object(provisional)
        #expect(stillJSON["provisional"] as? Bool == true)
        #expect((stillJSON["calendar_basis"] as? String)?.hasSuffix("2027 provisional (\(CalendarBasis.statutoryRules), no 调休)") == true)
    }

    @Test func theSameEventAlwaysHasTheSameBytes() throws {
        let event = caseEvent(.dispatched(round: 2, lead: .init(bureau), coUnits: [], ruleID: "housing"))
        let first = try EventJSON.encode(event)
        #expect(first == (try EventJSON.encode(event)))
        let text = String(decoding: first, as: UTF8.self)
        #expect(!text.contains("\\/"), "slashes are not escaped")
        // Keys are sorted: case_id comes before type.
        let caseIDAt = try #require(text.range(of: "\"case_id\""))
        let typeAt = try #require(text.range(of: "\"type\""))
        #expect(caseIDAt.lowerBound < typeAt.lowerBound)
    }

    // MARK: hotline.escalations.v1

    func escalation(_ kind: EscalationEvent.Kind, caseID: UUID?, trigger: String, rates: UnitRateFigures? = nil) -> EscalationEvent {
        EscalationEvent(
            eventID: UUID(), kind: kind, supervisionID: UUID(), caseID: caseID, caseNumber: caseID.map { _ in "20260926-000318" },
            unitID: "cs-market-regulation", unitName: "长沙市市场监督管理局", rank: 1, levelCode: "reminder", levelName: "电话催办",
            trigger: trigger, basis: PolicyBasis(policy: "changsha-2020", policyVersion: "2020.1", article: "第三十四条（一）"),
            deadline: occurredAt, closeReason: kind == .closed ? "resolved" : nil, rates: rates, occurredAt: occurredAt)
    }

    @Test func aCaseSupervisionIsKeyedByCaseAndCarriesItsNumber() throws {
        let opened = escalation(.opened, caseID: caseID, trigger: "overdue")
        try expectSameShape(try EventJSON.encode(opened), as: "hotline.escalations.v1", "valid-supervision-opened.json")
        #expect(opened.key == "88ee787c-3396-5fb9-9f88-e99bf404320b")
        let closed = try Self.object(try EventJSON.encode(escalation(.closed, caseID: caseID, trigger: "overdue")))
        #expect(closed["deadline"] is NSNull, "a closed supervision has no deadline")
        #expect(closed["close_reason"] as? String == "resolved")
    }

    /// 巴林左旗 第十五条（七）: a unit's supervision has no case; it says why in figures.
    @Test func aUnitSupervisionIsKeyedByUnitAndCarriesItsFigures() throws {
        let figures = UnitRateFigures(
            windowFrom: "2026-10-09", windowTo: "2026-11-01", ordersDue: 12, signedInTime: 7, responseRate: 0.5833,
            minResponseRate: 0.9, overdueOrders: 4, maxOverdueOrders: 3, below: [.responseRate, .overdueOrders])
        let opened = escalation(.opened, caseID: nil, trigger: "low_rates", rates: figures)
        let bytes = try EventJSON.encode(opened)
        try expectSameShape(bytes, as: "hotline.escalations.v1", "valid-supervision-opened-low-rates.json")
        #expect(opened.key == "cs-market-regulation")
        let json = try Self.object(bytes)
        #expect(json["case_id"] == nil && json["case_number"] == nil)
        #expect((json["rates"] as? [String: Any])?["below"] as? [String] == ["response_rate", "overdue_orders"])
        var recovered = figures
        recovered.below = []
        recovered.maxOverdueOrders = nil
        let closed = try EventJSON.encode(escalation(.closed, caseID: nil, trigger: "low_rates", rates: recovered))
        try expectSameShape(closed, as: "hotline.escalations.v1", "valid-supervision-closed-rates-recovered.json")
        #expect((try Self.object(closed)["rates"] as? [String: Any])?["max_overdue_orders"] is NSNull, "a threshold the policy lacks is null")
    }

    // MARK: hotline.reports.v1

    func octoberReport() throws -> PeriodReport {
        var housing = UnitFigures(unitID: "city-housing", unitName: "长沙市住房和城乡建设局")
        (housing.ordersReceived, housing.signDue, housing.signedOnTime, housing.satisfied) = (5, 5, 5, 5)
        var urban = UnitFigures(unitID: "city-urban", unitName: "长沙市城市管理和综合执法局")
        (urban.ordersReceived, urban.signDue, urban.signedOnTime, urban.dissatisfied) = (6, 6, 3, 1)
        (urban.supervisions, urban.highestLevel, urban.supervisionsByLevel) = (1, 2, [SupervisionLevelCount(level: 2, count: 1)])
        let spots = HotSpotRanking().rank(
            [HotSpotCount(areaCode: "430104", category: "complaint", count: 4), HotSpotCount(areaCode: nil, category: "help", count: 2)],
            previous: [HotSpotCount(areaCode: "430104", category: "complaint", count: 1)])
        return PeriodReport(
            period: try AssessmentPeriod.parse("2026-10"), policyID: "changsha-2020", policyVersion: "2020.1",
            units: Assessment(rules: try Fixtures.changsha().assessment).rank([urban, housing]), hotSpots: spots)
    }

    /// 长沙 第三十七条: the monthly report, keyed by policy, with the ranking, top and bottom and the hot spots.
    @Test func aClosedPeriodsReportHasTheContractFields() throws {
        let event = PeriodClosedEvent(eventID: UUID(), report: try octoberReport(), occurredAt: occurredAt)
        let bytes = try EventJSON.encode(event)
        try expectSameShape(bytes, as: "hotline.reports.v1", "valid-monthly-changsha.json")
        #expect(event.key == "changsha-2020")
        let json = try Self.object(bytes)
        #expect(json["type"] as? String == "report.period_closed" && json["schema_version"] as? Int == 1)
        #expect(json["period"] as? String == "2026-10" && json["period_kind"] as? String == "monthly")
        #expect(json["first_day"] as? String == "2026-10-01" && json["last_day"] as? String == "2026-10-31")
        #expect((json["top"] as? [String: Any])?["unit_id"] as? String == "city-housing")
        #expect((json["bottom"] as? [String: Any])?["unit_id"] as? String == "city-urban")
        let spots = try #require(json["hot_spots"] as? [[String: Any]])
        #expect(spots.map { $0["new"] as? Bool } == [false, true])
        #expect(spots.last?["area_code"] is NSNull, "the appeals without an area are their own bucket")
    }

    /// The event is the report `hotline report --format json` prints, plus the envelope.
    @Test func theEventCarriesExactlyTheReport() throws {
        let report = try octoberReport()
        var event = try Self.object(try EventJSON.encode(PeriodClosedEvent(eventID: UUID(), report: report, occurredAt: occurredAt)))
        for envelope in ["schema_version", "event_id", "type", "occurred_at"] { #expect(event.removeValue(forKey: envelope) != nil) }
        let printed = try Self.object(try EventJSON.encode(report))
        #expect(NSDictionary(dictionary: event).isEqual(to: printed))
    }

    /// 宜宾 第十一条: a 旬 in which no unit could be scored has no top or bottom, and unscored rates are null.
    @Test func aPeriodWithoutScoredUnitsSaysNull() throws {
        let report = PeriodReport(
            period: try AssessmentPeriod.parse("2026-10-D3"), policyID: "yibin-2007", policyVersion: "2007.2",
            units: Assessment(rules: try Fixtures.changsha().assessment).rank([UnitFigures(unitID: "yb-cuiping", unitName: "翠屏区人民政府")]),
            hotSpots: [HotSpot(rank: 1, areaCode: "511502", category: "help", count: 1, previousCount: 0)])
        let bytes = try EventJSON.encode(PeriodClosedEvent(eventID: UUID(), report: report, occurredAt: occurredAt))
        try expectSameShape(bytes, as: "hotline.reports.v1", "valid-ten-days-nobody-scored.json")
        let json = try Self.object(bytes)
        #expect(json["top"] is NSNull && json["bottom"] is NSNull)
        #expect((json["units"] as? [[String: Any]])?.first?["score"] is NSNull)
    }

    // MARK: callbacks

    /// 长沙 第二十五、二十六条: the automatic call, its 72-hour answer window and the sealed phone.
    @Test func callbackTasksHaveTheContractFields() throws {
        let plan = CallbackTaskPlan(
            attempt: 1, channel: .automaticCall, performerUnitID: nil,
            dueAt: try #require(RFC3339.parse("2026-10-13T23:59:59+08:00")), answerBy: RFC3339.parse("2026-10-15T15:02:11+08:00"),
            limit: .workingDays(2))
        let task = CallbackTaskEvent(
            eventID: UUID(), taskID: UUID(), caseID: caseID, caseNumber: "20261009-000871", round: 1, plan: plan,
            contact: .init(keyID: "c1", sealed: "q3JzdHV2d3h5ent8LhI9x1Wk0sYtq8Uu0Hc2k1aVxq9Pp0mZ7wE="),
            basis: PolicyBasis(policy: "changsha-2020", policyVersion: "2020.3", article: "第二十五条"), occurredAt: occurredAt)
        try expectSameShape(try EventJSON.encode(task), as: "hotline.callback-tasks.v1", "valid-automatic-call.json")
        var unit = task
        unit.plan = CallbackTaskPlan(attempt: 1, channel: .manual, performerUnitID: "yb-cuiping", dueAt: plan.dueAt, answerBy: nil, limit: .workingDays(1))
        unit.contact = nil
        let bytes = try EventJSON.encode(unit)
        try expectSameShape(bytes, as: "hotline.callback-tasks.v1", "valid-unit-calls-back-no-phone.json")
        let json = try Self.object(bytes)
        #expect(json["answer_by"] is NSNull && json["contact"] is NSNull)
        #expect((json["performer"] as? [String: String]) == ["kind": "unit", "unit_id": "yb-cuiping"])
    }

    @Test func callbackOutcomesHaveTheContractFields() throws {
        let accepted = CallbackOutcome(
            eventID: UUID(), resultEventID: "ivr:20261012:000118", taskID: UUID(), caseID: caseID, caseNumber: "20261009-000871",
            refusal: nil, occurredAt: occurredAt)
        try expectSameShape(try EventJSON.encode(accepted), as: "hotline.callback-outcomes.v1", "valid-accepted.json")
        var refused = accepted
        refused.refusal = .init(.alreadyRated, "Callback task … is already rated; a result changes nothing now.")
        let bytes = try EventJSON.encode(refused)
        try expectSameShape(bytes, as: "hotline.callback-outcomes.v1", "valid-refused-already-rated.json")
        #expect(try Self.object(bytes)["reason_code"] as? String == "already_rated")
        // A malformed result's long event id and message are cut to the topic's limits.
        var malformed = accepted
        malformed.resultEventID = String(repeating: "x", count: 5000)
        malformed.refusal = .init(.malformed, String(repeating: "字", count: 3000))
        let cut = try Self.object(try EventJSON.encode(malformed))
        #expect((cut["result_event_id"] as? String)?.unicodeScalars.count == 200)
        #expect((cut["reason"] as? String)?.unicodeScalars.count == 500)
    }

    /// The rating goes out as codes; the citizen's comment never does.
    @Test func aRatingHasTheContractFields() throws {
        let rating = CaseRating(
            round: 1, unitID: street.id, rating: .basicallySatisfied, resolved: true, source: .caller, channel: .manual, attempt: 2,
            article: "第二十五条、第二十六条")
        try expectSameShape(try EventJSON.encode(caseEvent(.rated(rating))), as: "hotline.cases.v1", "valid-case-rated.json")
        var deemed = rating
        deemed.resolved = nil
        deemed.source = .deemed
        let json = try Self.object(try EventJSON.encode(caseEvent(.rated(deemed))))
        #expect(json["resolved"] is NSNull && json["source"] as? String == "deemed")
    }

    // MARK: hotline.notifications.v1

    func notification(_ content: NotificationPlan.Content, article: String, reply: SealedContact? = nil) -> CitizenNotification {
        CitizenNotification(
            id: UUID(), caseID: caseID, caseNumber: "20261009-000871", plan: NotificationPlan(content: content, article: article),
            contact: .init(keyID: "c1", sealed: "q3JzdHV2d3h5ent8LhI9x1Wk0sYtq8Uu0Hc2k1aVxq9Pp0mZ7wE="), reply: reply,
            basis: PolicyBasis(policy: "changsha-2020", policyVersion: "2020.7", article: article), occurredAt: occurredAt)
    }

    /// Each kind has its example's fields and no other (巴林左旗 第二十四条).
    @Test func notificationsHaveTheContractFieldsOfTheirKind() throws {
        let topic = "hotline.notifications.v1"
        let accepted = try EventJSON.encode(notification(.accepted, article: "第二十一条、第二十二条"))
        try expectSameShape(accepted, as: topic, "valid-accepted.json")
        #expect(try Self.object(accepted)["lookup_verifier"] as? String == "query_code")
        let due = try #require(RFC3339.parse("2026-10-30T23:59:59+08:00"))
        let extended = try EventJSON.encode(notification(.extended(handlingDue: due), article: "第二十条、第二十一条"))
        try expectSameShape(extended, as: topic, "valid-extended.json")
        #expect(try Self.object(extended)["handling_due"] as? String == "2026-10-30T23:59:59+08:00")
        let result = HandlingResult(outcome: .resolved, unitID: street.id, unitName: street.name)
        let sealedReply = SealedContact(keyID: "c1", sealed: "9mQxR2h0dUtQYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=")
        try expectSameShape(
            try EventJSON.encode(notification(.result(result, sender: .unit), article: "第二十二条", reply: sealedReply)),
            as: topic, "valid-result-unit.json")
        let confidential = try EventJSON.encode(notification(.result(result, sender: .centre), article: "四.3"))
        try expectSameShape(confidential, as: topic, "valid-result-confidential-centre.json")
        let json = try Self.object(confidential)
        #expect(json["sender"] as? String == "centre" && json["reply"] is NSNull)
        try expectSameShape(
            try EventJSON.encode(notification(.callbackRequest(taskID: UUID(), channel: .automaticCall), article: "第二十五条、第二十六条")),
            as: topic, "valid-callback-request.json")
    }

    /// An adapter opens contact and reply with the contact key and the notification's
    /// event_id; sealed for another message, they do not open.
    @Test func aNotificationsSealedFieldsOpenWithItsEventID() throws {
        let sealer = ContactSealer(key: .init(id: "c1", key: Array(repeating: 7, count: 32)))
        var event = notification(.accepted, article: "第二十四条")
        event.contact = try sealer.seal("13874812345", for: event.id)
        let json = try Self.object(try EventJSON.encode(event))
        let contact = try #require(json["contact"] as? [String: String])
        let id = try #require(UUID(uuidString: json["event_id"] as? String ?? ""))
        let opened = SealedContact(keyID: contact["key_id"] ?? "", sealed: contact["sealed"] ?? "")
        #expect(try sealer.open(opened, for: id) == "13874812345")
        #expect(throws: (any Error).self) { try sealer.open(opened, for: UUID()) }
        #expect(!String(decoding: try EventJSON.encode(event), as: UTF8.self).contains("13874812345"))
    }

    // MARK: hotline.intake.receipts.v1

    let appeal = Fixtures.event(content: "望月湖小区旁道路夜间施工噪音扰民")

    @Test func receiptsHaveTheContractFieldsForEachOutcome() throws {
        let basis = PolicyBasis(policy: "changsha-2020", policyVersion: "2020.1", article: "第十三条（二）")
        var accepted = IntakeReceipt(eventID: UUID(), replyingTo: appeal, outcome: .accepted, caseID: caseID,
                                     caseNumber: "20261009-000871", category: .complaint, issuedAt: occurredAt)
        accepted.queryCode = "4821-0937-5516"
        try expectSameShape(try EventJSON.encode(accepted), as: "hotline.intake.receipts.v1", "valid-accepted.json")
        let merged = IntakeReceipt(eventID: UUID(), replyingTo: appeal, outcome: .merged, caseID: caseID,
                                   caseNumber: "20261009-000871", category: .complaint, reasonCode: "repeat_of_open_case",
                                   reason: "您反映的问题已在办理中", basis: basis, issuedAt: occurredAt)
        try expectSameShape(try EventJSON.encode(merged), as: "hotline.intake.receipts.v1", "valid-merged.json")
        let notAccepted = IntakeReceipt(eventID: UUID(), replyingTo: appeal, outcome: .notAccepted, reasonCode: "legal_procedure",
                                        reason: "请按法定途径办理", basis: basis, issuedAt: occurredAt)
        try expectSameShape(try EventJSON.encode(notAccepted), as: "hotline.intake.receipts.v1", "valid-not-accepted.json")
        let redirected = IntakeReceipt(eventID: UUID(), replyingTo: appeal, outcome: .redirected, reasonCode: "emergency_fire",
                                       reason: "请拨打119", redirectTo: "119", basis: basis, issuedAt: occurredAt)
        try expectSameShape(try EventJSON.encode(redirected), as: "hotline.intake.receipts.v1", "valid-redirected.json")
        #expect(try Self.object(try EventJSON.encode(notAccepted))["outcome"] as? String == "not_accepted")
    }

    @Test func aReissuedReceiptIsMarkedDuplicateAndKeepsTheAnswer() throws {
        let original = IntakeReceipt(eventID: UUID(), replyingTo: appeal, outcome: .accepted, caseID: caseID,
                                     caseNumber: "20261009-000871", category: .complaint, issuedAt: occurredAt)
        var republished = appeal
        republished.eventID = "ivr-republished-0001"
        let newID = UUID()
        let again = original.reissued(eventID: newID, replyingTo: republished, issuedAt: occurredAt.addingTimeInterval(60))
        #expect(again.duplicate)
        #expect(again.eventID == newID.uuidString.lowercased())
        #expect(again.inReplyTo.eventID == "ivr-republished-0001")
        #expect(again.caseNumber == original.caseNumber && again.caseID == original.caseID && again.outcome == .accepted)
        #expect(!original.duplicate)
    }

    // MARK: hotline.intake.dlq.v1

    /// The centre's sealing key the dead letters below are sealed to.
    let centreKey = Curve25519.KeyAgreement.PrivateKey()
    var centre: PartySealingKey {
        PartySealingKey(keyID: "centre:sealing:1", publicKey: Array(centreKey.publicKey.rawRepresentation))
    }

    @Test func deadLettersSealTheOriginalAndNameTheField() throws {
        let rejection = IntakeRejection(.schemaViolation, "/caller/phone must be digits", field: "/caller/phone")
        let value = Array(#"{"schema_version":1,"caller":{"phone":"138 7481 2345"}}"#.utf8)
        let letter = try DeadLetterSealing.sealed(DeadLetter(
            eventID: UUID(), worker: "intake", rejection: rejection,
            source: .init(topic: "hotline.intake.v1", partition: 7, offset: 104_233, timestamp: occurredAt),
            originalKey: Array("phone:CALL-1".utf8), originalValue: value,
            originalHeaders: [.init(key: "content-type", value: Array("application/json".utf8)), .init(key: "adapter", value: nil)],
            deadLetteredAt: occurredAt), to: centre)
        let bytes = try EventJSON.encode(letter)
        try expectSameShape(bytes, as: "hotline.intake.dlq.v1", "valid-schema-violation.json")
        #expect(!String(decoding: bytes, as: UTF8.self).contains(Data(value).base64EncodedString()), "the original is not in clear")
        let json = try Self.object(bytes)
        #expect(json["schema_version"] as? Int == 2)
        #expect(json["reason_code"] as? String == "schema_violation")
        #expect(json["field"] as? String == "/caller/phone")
        let original = try #require(json["original"] as? [String: Any])
        #expect(original["withheld"] is NSNull)
        let sealedObject = try #require(original["sealed"])
        let sealed = try JSONDecoder().decode(SealedToParty.self, from: JSONSerialization.data(withJSONObject: sealedObject))
        #expect(sealed.keyID == "centre:sealing:1")
        let opened = try DeadLetterSealing.open(sealed, of: letter.eventID, with: centreKey)
        #expect(opened.value == value)
        #expect(opened.key == Array("phone:CALL-1".utf8))
        #expect(opened.headers == [.init(key: "content-type", value: Array("application/json".utf8)), .init(key: "adapter", value: nil)])
    }

    /// Without a centre sealing key the original is withheld, never carried in clear.
    @Test func aDeadLetterWithoutACentreKeyWithholdsTheOriginal() throws {
        let letter = try DeadLetterSealing.sealed(DeadLetter(
            eventID: UUID(), worker: "intake", rejection: IntakeRejection(.schemaViolation, "/caller must be an object", field: "/caller"),
            source: .init(topic: "hotline.intake.v1", partition: 0, offset: 3312, timestamp: nil),
            originalKey: nil, originalValue: Array(#"{"caller":{"name":"刘建华"}}"#.utf8), originalHeaders: [], deadLetteredAt: occurredAt), to: nil)
        let bytes = try EventJSON.encode(letter)
        try expectSameShape(bytes, as: "hotline.intake.dlq.v1", "valid-withheld-no-sealing-key.json")
        #expect(!String(decoding: bytes, as: UTF8.self).contains("刘建华"))
        let original = try #require(try Self.object(bytes)["original"] as? [String: Any])
        #expect(original["sealed"] is NSNull)
        #expect(original["withheld"] as? String == "no_sealing_key")
    }

    @Test func aDeadLetterWithoutKeyValueOrFieldSaysSo() throws {
        let letter = try DeadLetterSealing.sealed(DeadLetter(
            eventID: UUID(), worker: "intake", rejection: IntakeRejection(.emptyValue, "The message has no value."),
            source: .init(topic: "hotline.intake.v1", partition: 0, offset: 3312, timestamp: nil),
            originalKey: nil, originalValue: nil, originalHeaders: [], deadLetteredAt: occurredAt), to: centre)
        let bytes = try EventJSON.encode(letter)
        try expectSameShape(bytes, as: "hotline.intake.dlq.v1", "valid-empty-value.json")
        let json = try Self.object(bytes)
        #expect(json["field"] == nil)
        #expect((try #require(json["original"] as? [String: Any]))["size_bytes"] as? Int == 0)
        #expect((try #require(json["source"] as? [String: Any]))["timestamp"] is NSNull)
        let opened = try DeadLetterSealing.open(try #require(letter.sealed), of: letter.eventID, with: centreKey)
        #expect(opened.key == nil && opened.value.isEmpty)
    }

    /// A dead letter of a huge message must itself fit in a Kafka message (1 MB by default):
    /// only the first 256 KiB of the original travel, sealed (base64 inside and outside the
    /// seal grows them to about 1.8 times), and the letter says how big it was.
    @Test func aHugeOriginalIsTruncatedAndSaysSo() throws {
        let value = Array(repeating: UInt8(ascii: "x"), count: 1_000_000)
        let letter = try DeadLetterSealing.sealed(DeadLetter(
            eventID: UUID(), worker: "intake", rejection: IntakeRejection(.tooLarge, "too large"),
            source: .init(topic: "hotline.intake.v1", partition: 0, offset: 1, timestamp: nil),
            originalKey: nil, originalValue: value, originalHeaders: [], deadLetteredAt: occurredAt), to: centre)
        let bytes = try EventJSON.encode(letter)
        #expect(bytes.count < 700_000)
        let original = try #require(try Self.object(bytes)["original"] as? [String: Any])
        #expect(original["truncated"] as? Bool == true)
        #expect(original["size_bytes"] as? Int == 1_000_000)
        let opened = try DeadLetterSealing.open(try #require(letter.sealed), of: letter.eventID, with: centreKey)
        #expect(opened.value.count == 262_144)
    }

    /// A sealed original opens only with the centre's key and only in its own letter.
    @Test func aSealedOriginalOpensOnlyWithTheCentresKeyInItsOwnLetter() throws {
        let letter = try DeadLetterSealing.sealed(DeadLetter(
            eventID: UUID(), worker: "dispatch", rejection: IntakeRejection(.processingError, "failed"),
            source: .init(topic: "hotline.unit-actions.v1", partition: 2, offset: 9, timestamp: nil),
            originalKey: nil, originalValue: Array("{}".utf8), originalHeaders: [], deadLetteredAt: occurredAt), to: centre)
        let sealed = try #require(letter.sealed)
        #expect(throws: DeadLetterOpeningError(eventID: letter.eventID, keyID: "centre:sealing:1")) {
            try DeadLetterSealing.open(sealed, of: letter.eventID, with: Curve25519.KeyAgreement.PrivateKey())
        }
        let other = UUID()
        #expect(throws: DeadLetterOpeningError(eventID: other, keyID: "centre:sealing:1"), "moved to another letter, it does not open") {
            try DeadLetterSealing.open(sealed, of: other, with: centreKey)
        }
    }

    /// `hotline dlq show` and `replay` read a letter back from the topic: a sealed one opened
    /// with the centre's key, a withheld one as such, and one written before originals were
    /// sealed (schema version 1, in clear) still, until the topic's retention removes it.
    @Test func theReaderOpensSealedWithheldAndEarlierLetters() throws {
        let letter = try DeadLetterSealing.sealed(DeadLetter(
            eventID: UUID(), worker: "intake", rejection: IntakeRejection(.invalidJSON, "not JSON"),
            source: .init(topic: "hotline.intake.v1", partition: 0, offset: 5, timestamp: nil),
            originalKey: Array("web:W-1".utf8), originalValue: Array("{oops".utf8), originalHeaders: [], deadLetteredAt: occurredAt), to: centre)
        guard case let .opened(original, truncated)? = DeadLetterReader.read(try EventJSON.encode(letter), with: centreKey)?.original else {
            Issue.record("a sealed letter opens with the centre's key")
            return
        }
        #expect(original.value == Array("{oops".utf8) && original.key == Array("web:W-1".utf8) && !truncated)
        guard case .notOpened? = DeadLetterReader.read(try EventJSON.encode(letter), with: Curve25519.KeyAgreement.PrivateKey())?.original else {
            Issue.record("another key does not open it")
            return
        }
        var withheld = letter
        withheld.sealed = nil
        guard case .withheld? = DeadLetterReader.read(try EventJSON.encode(withheld), with: centreKey)?.original else {
            Issue.record("a withheld letter reads as withheld")
            return
        }
        let earlier = Array("""
            {"schema_version": 1, "event_id": "\(letter.eventID.uuidString.lowercased())", "original": {"key_base64": null,
             "value_base64": "\(Data("{oops".utf8).base64EncodedString())", "headers": [{"key": "adapter", "value_base64": null}],
             "size_bytes": 5, "truncated": false}}
            """.utf8)
        guard case let .opened(clear, _)? = DeadLetterReader.read(earlier, with: centreKey)?.original else {
            Issue.record("a version 1 letter reads in clear")
            return
        }
        #expect(clear.value == Array("{oops".utf8) && clear.key == nil && clear.headers == [.init(key: "adapter", value: nil)])
        #expect(DeadLetterReader.read(Array(#"{"type": "case.accepted"}"#.utf8), with: centreKey) == nil)
    }

    /// Dead letters go to the centre's key: of the centre parties with a valid sealing key,
    /// the first by id; a unit's key never receives them.
    @Test func deadLettersAreSealedToTheCentre() {
        let now = occurredAt
        let key = { (party: String, from: Date) in
            PartyKey(keyID: "\(party):sealing", partyID: party, purpose: .sealing, publicKey: Array(repeating: 1, count: 32), validFrom: from)
        }
        let directory = PartyDirectory(
            parties: [Party(id: "city-urban", kind: .unit, displayName: "城管"), Party(id: "centre-b", kind: .centre, displayName: "B"),
                      Party(id: "centre-a", kind: .centre, displayName: "A")],
            keys: [key("city-urban", now.addingTimeInterval(-60)), key("centre-b", now.addingTimeInterval(-60)), key("centre-a", now.addingTimeInterval(60))])
        #expect(directory.deadLetterRecipient(at: now)?.keyID == "centre-b:sealing", "centre-a's key is not valid yet")
        #expect(directory.deadLetterRecipient(at: now.addingTimeInterval(120))?.keyID == "centre-a:sealing")
        #expect(PartyDirectory(parties: directory.parties, keys: [key("city-urban", now)]).deadLetterRecipient(at: now) == nil)
    }

    // MARK: hotline.history-digests.v1

    @Test func aDayDigestHasTheContractFields() throws {
        let digest = HistoryHashing.sha256(Array("day".utf8))
        let event = HistoryDigestEvent(
            eventID: UUID(), day: CalendarDate("2026-10-19")!, digest: digest, previousDay: CalendarDate("2026-10-18"),
            previousDigest: HistoryDigest.first, heads: 412, occurredAt: occurredAt)
        let bytes = try EventJSON.encode(event)
        try expectSameShape(bytes, as: "hotline.history-digests.v1", "valid-day.json")
        let object = try Self.object(bytes)
        #expect(object["digest"] as? String == Hex.string(digest))
        #expect(object["previous_digest"] as? String == String(repeating: "0", count: 64))
        #expect(object["type"] as? String == "history.day_digested")
    }

    /// The first digest says it has no predecessor with null, not by leaving the field out.
    @Test func theFirstDigestSaysNull() throws {
        let event = HistoryDigestEvent(
            eventID: UUID(), day: CalendarDate("2026-10-19")!, digest: HistoryDigest.first, previousDay: nil,
            previousDigest: HistoryDigest.first, heads: 0, occurredAt: occurredAt)
        let bytes = try EventJSON.encode(event)
        try expectSameShape(bytes, as: "hotline.history-digests.v1", "valid-first-digest.json")
        #expect(try Self.object(bytes)["previous_day"] is NSNull)
    }
}
