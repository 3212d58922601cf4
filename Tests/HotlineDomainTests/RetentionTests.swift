import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Retention (README "Retention"; 《个人信息保护法》第十九条 “个人信息的保存期限应当为实现处理目的所
/// 必要的最短时间”, 第四十七条): which rows the sweep removes, and the policy section's checks.
@Suite struct RetentionTests {
    static let rules = RetentionRules(
        article: "《个人信息保护法》第十九条", lookupAuditDays: 180, unacceptedAppealTextDays: 90, parkedMessageDays: 30,
        caseContentAfterArchiveDays: 1095)
    static let now = Date(timeIntervalSince1970: 1_791_512_100)
    static let day: TimeInterval = 86_400

    static func aged(_ seconds: TimeInterval, key: Int64) -> RetentionCandidate<Int64> {
        RetentionCandidate(key: key, date: now.addingTimeInterval(-seconds))
    }

    @Test func aRowExactlyAtTheLimitIsKeptAndOneSecondOlderIsRemoved() throws {
        let limit = 180 * Self.day
        let removal = try #require(RetentionDecision.due(
            [Self.aged(limit + 1, key: 1), Self.aged(limit, key: 2), Self.aged(limit - 1, key: 3)],
            kind: .lookupAttempts, rules: Self.rules, now: Self.now))
        #expect(removal.keys == [1])
        #expect(removal.cutoff == Self.now.addingTimeInterval(-limit))
        #expect(removal.oldest == Self.now.addingTimeInterval(-limit - 1) && removal.newest == removal.oldest)
        #expect(removal.retentionDays == 180)
    }

    /// Each preset keeps a parked message (which may be a dead letter carrying an intake
    /// original) no longer than `hotline.intake.dlq.v1` keeps the originals themselves, as their
    /// notes say: the parked copy must not outlive the topic's.
    @Test(arguments: ["changsha-2020", "yibin-2007", "ordos-2019", "lanxi-2010", "bairin-left-banner"])
    func parkedMessagesAreKeptNoLongerThanTheDeadLetterTopicKeepsOriginals(policy: String) throws {
        let rules = try #require(try PolicyLoader.load(file: Repository.path("Ops/policies/\(policy).yaml")).retention)
        let topic = try #require(try TopicCatalog.load(directory: Repository.path("Topics")).first { $0.name == "hotline.intake.dlq.v1" })
        let topicDays = try #require(topic.retentionDays)
        #expect(Double(rules.parkedMessageDays) <= topicDays, "\(policy): parked_message_days \(rules.parkedMessageDays) > the topic's \(topicDays) days")
    }

    @Test func nothingPastTheLimitIsNothingToDo() {
        #expect(RetentionDecision.due([Self.aged(30 * Self.day, key: 1)], kind: .lookupAttempts, rules: Self.rules, now: Self.now) == nil)
        #expect(RetentionDecision.due([RetentionCandidate<Int64>](), kind: .parkedMessages, rules: Self.rules, now: Self.now) == nil)
    }

    /// Each kind counts its own period: a 60-day-old row is past the parked messages' 30 days,
    /// within the appeal texts' 90 and the audit's 180.
    @Test func eachKindKeepsItsOwnPeriod() throws {
        let rows = [Self.aged(400 * Self.day, key: 1), Self.aged(60 * Self.day, key: 2), Self.aged(100 * Self.day, key: 3)]
        #expect(RetentionDecision.due(rows, kind: .lookupAttempts, rules: Self.rules, now: Self.now)?.keys == [1])
        #expect(RetentionDecision.due(rows, kind: .unacceptedAppealTexts, rules: Self.rules, now: Self.now)?.keys == [1, 3])
        let parked = try #require(RetentionDecision.due(rows, kind: .parkedMessages, rules: Self.rules, now: Self.now))
        #expect(parked.keys == [1, 2, 3])
        #expect(parked.oldest == Self.now.addingTimeInterval(-400 * Self.day))
        #expect(parked.newest == Self.now.addingTimeInterval(-60 * Self.day))
    }

    /// The sweep sleeps until the first held row passes its own kind's period: a parked
    /// message from 20 days ago (30 days kept) is due before an appeal text from 85 days ago
    /// (90 kept); with nothing held there is nothing to wake for.
    @Test func theNextDueRowIsTheFirstToPassItsOwnPeriod() {
        let oldest: [RetentionKind: Date] = [
            .unacceptedAppealTexts: Self.now.addingTimeInterval(-85 * Self.day),
            .parkedMessages: Self.now.addingTimeInterval(-20 * Self.day),
            .lookupAttempts: Self.now.addingTimeInterval(-1 * Self.day),
        ]
        #expect(RetentionDecision.nextDue(oldest: oldest, rules: Self.rules) == Self.now.addingTimeInterval(5 * Self.day))
        #expect(RetentionDecision.nextDue(oldest: [:], rules: Self.rules) == nil)
        // At that instant the row is still kept (its period in full); a moment later it is due.
        let due = Self.now.addingTimeInterval(5 * Self.day)
        let texts = [RetentionCandidate(key: Int64(1), date: Self.now.addingTimeInterval(-85 * Self.day))]
        #expect(RetentionDecision.due(texts, kind: .unacceptedAppealTexts, rules: Self.rules, now: due) == nil)
        #expect(RetentionDecision.due(texts, kind: .unacceptedAppealTexts, rules: Self.rules, now: due.addingTimeInterval(1))?.keys == [1])
    }

    @Test func everyPresetStatesItsRetention() throws {
        for file in Repository.files(in: "Ops/policies", suffix: ".yaml") {
            let policy = try PolicyLoader.load(file: Repository.path("Ops/policies/\(file)"))
            let retention = try #require(policy.retention, "\(file)")
            #expect(retention.article.contains("第十九条"), "\(file)")
            #expect(retention.lookupAuditDays >= RetentionRules.minimumLookupAuditDays, "\(file)")
        }
    }

    // MARK: the policy section

    static func refusal(_ change: (String) -> String) throws -> (keys: [String], description: String, file: String) {
        try PolicyLoaderTests().refusal(change)
    }

    @Test func aLookupAuditShorterThanSixMonthsIsRefused() throws {
        let result = try Self.refusal { $0.replacingOccurrences(of: "  lookup_audit_days: 180\n", with: "  lookup_audit_days: 179\n") }
        #expect(result.keys == ["retention.lookup_audit_days"])
        #expect(result.description.contains("retention.lookup_audit_days: must be at least 180 days (《网络安全法》第二十一条（三）"))
        #expect(result.description.contains("found 179"))
    }

    @Test(arguments: ["unaccepted_appeal_text_days: 180", "parked_message_days: 30", "case_content_after_archive_days: 1095"])
    func aPeriodBelowOneDayIsRefused(line: String) throws {
        let key = String(line.prefix { $0 != ":" })
        let result = try Self.refusal { $0.replacingOccurrences(of: "  \(line)\n", with: "  \(key): 0\n") }
        #expect(result.keys.contains("retention.\(key)"))
        #expect(result.description.contains("retention.\(key): must be at least 1 day, found 0"))
    }

    @Test func caseContentKeptShorterThanTheClosedCaseRepeatLooksBackIsRefused() throws {
        let result = try Self.refusal {
            $0.replacingOccurrences(of: "  case_content_after_archive_days: 1095\n", with: "  case_content_after_archive_days: 60\n")
        }
        #expect(result.keys == ["retention.case_content_after_archive_days"])
        #expect(result.description.contains("must be at least repeat.closed_case.within_days (90)"))
    }

    @Test func aPolicyFileWithoutRetentionIsRefused() throws {
        let result = try Self.refusal { text in
            String(text[..<text.range(of: "\n# Retention (README")!.lowerBound]) + "\n"
        }
        #expect(result.keys == ["retention"])
        #expect(result.description.contains("retention: is required"))
    }

    /// A version recorded before the section existed still judges the cases accepted under it.
    @Test func aRecordedVersionWithoutRetentionStillLoads() throws {
        let text = try String(contentsOfFile: Fixtures.changshaPolicyFile, encoding: .utf8)
        let older = String(text[..<text.range(of: "\n# Retention (README")!.lowerBound]) + "\n"
        let policy = try PolicyLoader.parse(older, origin: "policy_versions(changsha-2020, 2020.13)", expectedID: "changsha-2020", recorded: true)
        #expect(policy.retention == nil)
    }

    @Test func aDurationThatIsNotANumberIsRefused() throws {
        let result = try Self.refusal { $0.replacingOccurrences(of: "  parked_message_days: 30\n", with: "  parked_message_days: 30d\n") }
        #expect(result.keys == ["retention.parked_message_days"])
    }
}
