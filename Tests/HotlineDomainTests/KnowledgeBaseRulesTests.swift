import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// The knowledge-base rules without Kafka or PostgreSQL: what a publication must carry,
/// whose duty an entry may answer for, version order, late uploads, reviews, and the
/// search terms of Chinese text.
@Suite struct KnowledgeBaseRulesTests {
    static func message(_ fields: [String: JSONValue]) -> [UInt8] {
        var value: [String: JSONValue] = [
            "schema_version": .integer(1), "event_id": .string("kb-test-0001"), "type": .string("knowledge.entry_published"),
            "entry_id": .string("water-cut-furong"), "version": .integer(1), "unit_id": .string("water"), "staff_id": .string("kb-water"),
            "occurred_at": .string("2026-10-21T10:00:00+08:00"), "kind": .string("notice"), "duty": .string("water-supply"),
            "title": .string("芙蓉区计划停水通知"), "body": .string("10月23日9:00至18:00停水。"), "review_by": .string("2026-10-24"),
        ]
        value.merge(fields) { $1 }
        return Array(try! JSONEncoder().encode(JSONValue.object(value)))
    }

    func entry(_ fields: [String: JSONValue] = [:]) throws -> KnowledgeEntry {
        guard case let .published(entry) = try KnowledgeEventDecoder().decode(Self.message(fields)).get() else {
            throw NotPublished()
        }
        return entry
    }

    struct NotPublished: Error {}

    func code(_ result: Result<KnowledgePublication, KnowledgeRefusal>) -> KnowledgeRefusal.Code? {
        if case let .failure(refusal) = result { return refusal.code }
        return nil
    }

    func decider(_ approver: KnowledgeRules.Approver = .centre) throws -> KnowledgeDecider {
        KnowledgeDecider(ownership: KnowledgeOwnership(router: try Fixtures.changshaRouter()), rules: KnowledgeRules(article: "第八条（二）", approver: approver))
    }

    @Test func aReviewByDateOnOrBeforeTheDayOfPublicationIsMalformed() {
        for day in ["2026-10-21", "2026-10-20", "2030-01-01"] {
            guard case let .failure(failure) = KnowledgeEventDecoder().decode(Self.message(["review_by": .string(day)])) else {
                Issue.record("review_by \(day) was accepted")
                continue
            }
            #expect(failure.rejection.field == "/review_by")
            #expect(failure.eventID == "kb-test-0001" && failure.entryID == "water-cut-furong")
        }
    }

    @Test func aReviewCarriesNoEntryFieldsAndARejectionNeedsAReason() throws {
        let review: [String: JSONValue] = [
            "schema_version": .integer(1), "event_id": .string("kb-review-01"), "type": .string("knowledge.entry_rejected"),
            "entry_id": .string("water-cut-furong"), "version": .integer(1), "staff_id": .string("zx"),
            "occurred_at": .string("2026-10-21T11:00:00+08:00"),
        ]
        func decode(_ fields: [String: JSONValue]) -> Result<KnowledgeEvent, KnowledgeEventDecoder.Failure> {
            KnowledgeEventDecoder().decode(Array(try! JSONEncoder().encode(JSONValue.object(review.merging(fields) { $1 }))))
        }
        #expect(throws: KnowledgeEventDecoder.Failure.self) { try decode([:]).get() }
        #expect(throws: KnowledgeEventDecoder.Failure.self) { try decode(["reason": .string("不一致"), "title": .string("新标题")]).get() }
        guard case let .reviewed(rejected) = try decode(["reason": .string("不一致")]).get() else { throw NotPublished() }
        #expect(!rejected.approved && rejected.reason == "不一致")
    }

    @Test func aUnitPublishesOnlyForItsOwnDuties() throws {
        let decider = try decider()
        #expect(try decider.publish(entry(), existing: []) == .success(KnowledgePublication(state: .pending, late: false)))
        let foreign = try entry(["duty": .string("power-supply")])
        #expect(code(decider.publish(foreign, existing: [])) == .notEntryOwner)
        // 物业 street duties are held by each street office territorially (第十六条（二）).
        let street = try entry(["unit_id": .string("yuelu-wangyuehu"), "duty": .string("property-management-street")])
        #expect(throws: Never.self) { try decider.publish(street, existing: []).get() }
        let unknown = try entry(["unit_id": .string("nobody")])
        #expect(code(decider.publish(unknown, existing: [])) == .unknownUnit)
    }

    @Test func versionsFollowEachOtherAndALateOneIsCounted() throws {
        let decider = try decider(.unit)
        let v1 = PublishedKnowledgeVersion(version: 1, unitID: "water", state: .approved, reviewBy: CalendarDate("2026-10-25")!)
        let again = try entry()
        #expect(code(decider.publish(again, existing: [v1])) == .versionConflict)
        let onTime = try entry(["version": .integer(2), "occurred_at": .string("2026-10-25T18:00:00+08:00"), "review_by": .string("2026-11-30")])
        #expect(decider.publish(onTime, existing: [v1]) == .success(KnowledgePublication(state: .approved, late: false)), "鄂尔多斯: the unit's review is enough")
        let late = try entry(["version": .integer(2), "occurred_at": .string("2026-10-26T08:00:00+08:00"), "review_by": .string("2026-11-30")])
        #expect(decider.publish(late, existing: [v1]) == .success(KnowledgePublication(state: .approved, late: true)), "巴林左旗 第十五条（八）")
    }

    @Test func onlyAPendingPublishedVersionCanBeDecided() throws {
        let decider = try decider()
        let pending = PublishedKnowledgeVersion(version: 1, unitID: "water", state: .pending, reviewBy: CalendarDate("2026-10-25")!)
        func review(_ version: Int) -> KnowledgeReview {
            KnowledgeReview(eventID: "kb-r-0001", entryID: "water-cut-furong", version: version, staffID: "zx", approved: true, reason: nil, occurredAt: Date())
        }
        #expect(decider.refusal(for: review(1), existing: [pending]) == nil)
        #expect(decider.refusal(for: review(2), existing: [pending])?.code == .unknownEntryVersion)
        var decided = pending
        decided.state = .rejected
        #expect(decider.refusal(for: review(1), existing: [decided])?.code == .alreadyDecided)
    }

    @Test func chineseTextIsSearchedByCharactersAndAdjacentPairs() {
        let terms = KnowledgeTerms.of("小区明天停水吗？ＡＰＰ 12345")
        #expect(terms.contains("停水") && terms.contains("明天") && terms.contains("水"))
        #expect(terms.contains("app") && terms.contains("12345"), "full-width letters count as ASCII words")
        #expect(!terms.contains("？") && !terms.contains("水吗？"))
        #expect(KnowledgeTerms.of("，。！").isEmpty)
    }

    @Test func thePresetsSayWhoApproves() throws {
        let approvers = try ["changsha-2020", "bairin-left-banner", "ordos-2019", "yibin-2007", "lanxi-2010"].map {
            try PolicyLoader.load(file: Repository.path("Ops/policies/\($0).yaml")).knowledgeRules.approver
        }
        #expect(approvers == [.centre, .centre, .unit, .centre, .centre], "鄂尔多斯 第十四条（三）: the unit 审核 its own; 兰溪 says nothing")
    }
}
