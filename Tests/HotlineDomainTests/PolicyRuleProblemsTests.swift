import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// The lifecycle, supervision, reports and service-hours sections (docs/POLICY-FORMAT.md,
/// "Lifecycle, supervision, reports, hours"): a changed copy of changsha-2020.yaml is
/// refused with a problem naming the key at fault.
@Suite struct PolicyRuleProblemsTests {
    /// Loads a changed copy of changsha-2020.yaml (PolicyLoaderTests' helper) and returns the refusal.
    func refusal(_ change: (String) -> String) throws -> (keys: [String], description: String, file: String) {
        try PolicyLoaderTests().refusal(change)
    }

    /// Replaces only the first occurrence (a few lines of the model file occur twice).
    static func replacingFirst(_ text: String, _ target: String, with replacement: String) -> String {
        guard let range = text.range(of: target) else { return text }
        return text.replacingCharacters(in: range, with: replacement)
    }

    // MARK: limits.review

    @Test func aMissingReviewLimitIsRefused() throws {
        // The first "  review:" is limits.review; the second is lifecycle.review.
        let result = try refusal { Self.replacingFirst($0, "  review:\n", with: "  reveiw:\n") }
        #expect(result.keys.contains("limits.review"))
        #expect(result.keys.contains("limits.reveiw"))
        #expect(result.description.contains("\(result.file): limits.review: is missing"))
    }

    // MARK: lifecycle

    @Test func anUnknownKeyInsideExtensionsIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "    max_count: 1\n", with: "    max_count: 1\n    max_days: 3\n") }
        #expect(result.keys == ["lifecycle.extensions.max_days"])
        #expect(result.description.contains("\(result.file): lifecycle.extensions.max_days: unknown key"))
    }

    @Test(arguments: ["0", "-1"])
    func anExtensionCountBelowOneIsRefused(value: String) throws {
        let result = try refusal { $0.replacingOccurrences(of: "    max_count: 1\n", with: "    max_count: \(value)\n") }
        #expect(result.keys == ["lifecycle.extensions.max_count"])
        #expect(result.description.contains("found \(value)"))
    }

    @Test func anExtensionLengthOfZeroIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "    max_working_days: 10\n", with: "    max_working_days: 0\n") }
        #expect(result.keys == ["lifecycle.extensions.max_working_days"])
    }

    @Test func anInterimReplyBoundOfZeroIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "    allowed: true\n", with: "    allowed: true\n    max_working_days: 0\n") }
        #expect(result.keys == ["lifecycle.interim_reply.max_working_days"])
    }

    @Test func aWarningWithBothKeysIsRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "    working_days_before: 1\n", with: "    working_days_before: 1\n    hours_before: 4\n")
        }
        #expect(result.keys == ["lifecycle.warning"])
        #expect(result.description.contains("exactly one of working_days_before, hours_before"))
    }

    @Test func aWarningWithNeitherKeyIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "    working_days_before: 1\n", with: "") }
        #expect(result.keys == ["lifecycle.warning"])
    }

    @Test func aWarningOfZeroDaysIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "    working_days_before: 1\n", with: "    working_days_before: 0\n") }
        #expect(result.keys == ["lifecycle.warning.working_days_before"])
    }

    @Test func anEmptyArticleIsRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "    article: \"第十七条（二）、第十八条\"\n", with: "    article: \"\"\n")
        }
        #expect(result.keys == ["lifecycle.returns.article"])
    }

    @Test func anUnknownApproverIsRefused() throws {
        let result = try refusal { Self.replacingFirst($0, "    approver: centre\n", with: "    approver: mayor\n") }
        #expect(result.keys.count == 1)
        let key = try #require(result.keys.first)
        #expect(key.hasPrefix("lifecycle") && key.hasSuffix("approver"), "\(key)")
    }

    // MARK: callbacks

    /// 长沙 第二十六条: an automatic first callback needs its answer window, what silence
    /// means and the manual follow-up's limit.
    @Test func anAutomaticCallbackWithoutAnswerWindowIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  answer_window: {hours: 72}\n", with: "") }
        #expect(result.keys == ["callbacks.answer_window"])
        #expect(result.description.contains("an automatic first channel (automatic_call) needs it"))
    }

    @Test func automaticKeysOnAManualCallbackAreRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  first_channel: automatic_call\n", with: "  first_channel: manual\n") }
        #expect(result.keys == ["callbacks.answer_window", "callbacks.unanswered", "callbacks.follow_up_limit"])
    }

    @Test func aZeroFollowUpLimitIsRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "  follow_up_limit: {working_days: 1}\n", with: "  follow_up_limit: {working_days: 0}\n")
        }
        #expect(result.keys == ["callbacks.follow_up_limit"])
    }

    // MARK: notifications

    @Test func aMissingNotificationsSectionIsRefused() throws {
        let result = try refusal { text in
            let start = text.range(of: "notifications:\n")!
            let end = text.range(of: "\nsupervision:\n")!
            return text.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "")
        }
        #expect(result.description.contains("notifications"))
    }

    @Test func aResultSenderOtherThanCentreOrUnitIsRefused() throws {
        let result = try refusal { Self.replacingFirst($0, "  result_sender: unit", with: "  result_sender: mayor") }
        #expect(result.keys == ["notifications.result_sender"])
    }

    @Test func aNotificationsSectionWithoutResultArticleIsRefused() throws {
        let result = try refusal { Self.replacingFirst($0, "  result_article: \"第二十二条\"\n", with: "  result_article: \"\"\n") }
        #expect(result.keys == ["notifications.result_article"])
    }

    // MARK: supervision

    @Test func aLadderLevelOtherThanTheLastWithoutALimitIsRefused() throws {
        // supervision_letter, the second of four levels.
        let result = try refusal { $0.replacingOccurrences(of: "      limit: {working_days: 3}\n", with: "") }
        #expect(result.keys == ["supervision.ladder[1].limit"])
        #expect(result.description.contains("\(result.file): supervision.ladder[1].limit: is missing"))
    }

    @Test func aLadderLimitOfZeroIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "      limit: {working_days: 3}\n", with: "      limit: {working_days: 0}\n") }
        #expect(result.keys == ["supervision.ladder[1].limit"])
    }

    @Test func aLadderCodeUsedTwiceIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "- code: supervision_meeting\n", with: "- code: supervision_letter\n") }
        #expect(result.keys == ["supervision.ladder[2].code"])
    }

    @Test func aHotSpotWithoutThresholdIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "      threshold: 5\n", with: "") }
        #expect(result.keys == ["supervision.triggers[4].threshold"])
        #expect(result.description.contains("hot_spot needs threshold of at least 1"))
    }

    @Test func aHotSpotWithoutWindowIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "      window_working_days: 5\n", with: "") }
        #expect(result.keys == ["supervision.triggers[4].window_working_days"])
    }

    /// Adds a low_rates trigger (巴林左旗 第十五条（七）) with the given keys as the ninth trigger.
    func lowRates(_ keys: String) throws -> (keys: [String], description: String, file: String) {
        try refusal {
            $0.replacingOccurrences(of: "  ladder:\n", with: "    - trigger: low_rates\n      article: \"第十五条（七）\"\n\(keys)  ladder:\n")
        }
    }

    @Test func aLowRatesTriggerWithoutWindowOrThresholdIsRefused() throws {
        let result = try lowRates("      minimum_orders: 5\n")
        #expect(result.keys == ["supervision.triggers[8].window_working_days", "supervision.triggers[8]", "supervision.triggers[8].minimum_orders"])
        #expect(result.description.contains("low_rates needs min_response_rate, max_overdue_orders or both"))
    }

    @Test func aResponseRateAboveOneOrWithoutMinimumOrdersIsRefused() throws {
        let result = try lowRates("      window_working_days: 20\n      min_response_rate: 90\n")
        #expect(result.keys == ["supervision.triggers[8].min_response_rate", "supervision.triggers[8].minimum_orders"])
        #expect(result.description.contains("must be a share above 0 and at most 1, found 90.0"))
    }

    @Test func aNegativeOverdueCeilingIsRefused() throws {
        let result = try lowRates("      window_working_days: 20\n      max_overdue_orders: -1\n")
        #expect(result.keys == ["supervision.triggers[8].max_overdue_orders"])
    }

    @Test func rateThresholdsOnAnotherTriggerAreRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "    - trigger: overdue\n", with: "    - trigger: overdue\n      max_overdue_orders: 3\n")
        }
        #expect(result.keys == ["supervision.triggers[0].max_overdue_orders"])
        #expect(result.description.contains("only a low_rates trigger takes max_overdue_orders"))
    }

    /// 巴林左旗 第十五条（八）: a knowledge_late trigger needs its window and its most late uploads.
    @Test func aKnowledgeLateTriggerWithoutWindowOrMostIsRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "  ladder:\n", with: "    - trigger: knowledge_late\n      article: \"第十五条（八）\"\n  ladder:\n")
        }
        #expect(result.keys == ["supervision.triggers[8].window_working_days", "supervision.triggers[8].max_late_uploads"])
        #expect(result.description.contains("knowledge_late needs max_late_uploads of at least 0"))
    }

    /// A place of one character would be found in almost any question: refused with its index.
    @Test func aOneCharacterPlaceIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  places: [芙蓉区, ", with: "  places: [芙, ") }
        #expect(result.keys == ["knowledge.places[0]"])
        #expect(result.description.contains("must name a place in at least two characters, found '芙'"))
    }

    @Test func aLateUploadMostOnAnotherTriggerIsRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "    - trigger: overdue\n", with: "    - trigger: overdue\n      max_late_uploads: 0\n")
        }
        #expect(result.keys == ["supervision.triggers[0].max_late_uploads"])
        #expect(result.description.contains("only a knowledge_late trigger takes max_late_uploads"))
    }

    @Test func aThresholdOnAnotherTriggerIsRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "    - trigger: overdue\n", with: "    - trigger: overdue\n      threshold: 3\n")
        }
        #expect(result.keys == ["supervision.triggers[0].threshold"])
        #expect(result.description.contains("only a hot_spot trigger takes threshold"))
    }

    /// The ladder has four levels; leader_assigned (the sixth trigger) starts at level 2.
    @Test(arguments: ["5", "0"])
    func aStartLevelOutsideTheLadderIsRefused(value: String) throws {
        let result = try refusal { Self.replacingFirst($0, "      start_level: 2\n", with: "      start_level: \(value)\n") }
        #expect(result.keys == ["supervision.triggers[5].start_level"])
        #expect(result.description.contains("must be between 1 and 4"))
    }

    @Test func aTriggerListedTwiceIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "    - trigger: media_exposed\n", with: "    - trigger: leader_assigned\n") }
        #expect(result.keys == ["supervision.triggers[6].trigger"])
    }

    @Test func anUnknownTriggerIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "    - trigger: media_exposed\n", with: "    - trigger: petition\n") }
        #expect(result.keys.count == 1)
        let key = try #require(result.keys.first)
        #expect(key.hasPrefix("supervision.triggers") && key.hasSuffix("trigger"), "\(key)")
    }

    @Test func anUnknownKeyInALadderLevelIsRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "      limit: {working_days: 3}\n", with: "      limit: {working_days: 3}\n      deadline: 3\n")
        }
        #expect(result.keys == ["supervision.ladder[1].deadline"])
    }

    // MARK: assessment

    @Test func assessmentWeightsThatDoNotAddUpToOneAreRefused() throws {
        let result = try refusal {
            $0.replacingOccurrences(
                of: "weights: {response_rate: 0.1, resolution_rate: 0.5, satisfaction_rate: 0.4}",
                with: "weights: {response_rate: 0.2, resolution_rate: 0.5, satisfaction_rate: 0.4}")
        }
        #expect(result.keys == ["assessment.weights"])
        #expect(result.description.contains("must add up to 1"))
    }

    // MARK: reports and service hours

    @Test func noReportPeriodIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  periods: [monthly, annual]\n", with: "  periods: []\n") }
        #expect(result.keys == ["reports.periods"])
    }

    @Test func anUnknownReportPeriodIsRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  periods: [monthly, annual]\n", with: "  periods: [monthly, fortnightly]\n") }
        #expect(result.keys.count == 1)
        #expect(result.keys.first?.hasPrefix("reports.periods") == true, "\(result.keys)")
    }

    @Test func officeHoursWithoutTimesAreRefused() throws {
        let result = try refusal { $0.replacingOccurrences(of: "  all_day: true\n", with: "  all_day: false\n") }
        #expect(result.keys == ["service_hours.opens", "service_hours.closes"])
    }

    @Test(arguments: ["8:30", "24:00", "08:60", "noon"])
    func officeHoursThatAreNotHHMMAreRefused(opens: String) throws {
        let result = try refusal {
            $0.replacingOccurrences(of: "  all_day: true\n", with: "  all_day: false\n  opens: \"\(opens)\"\n  closes: \"17:00\"\n")
        }
        #expect(result.keys == ["service_hours.opens"])
    }

    @Test func officeHoursInHHMMLoad() throws {
        let (error, _) = try PolicyLoaderTests().loadChanged {
            $0.replacingOccurrences(of: "  all_day: true\n", with: "  all_day: false\n  opens: \"08:30\"\n  closes: \"17:00\"\n")
        }
        #expect(error == nil, "\(error.map(\.description) ?? "")")
    }
}

/// What each shipped policy says about orders, supervision, reports and hours, checked
/// against the regulation (DESIGN.md, "Where the seeds differ").
@Suite struct PresetLifecycleTests {
    static let files = Repository.files(in: "Ops/policies", suffix: ".yaml")
    /// The regulations the policies quote (`seed:`), beside the repository.
    static let seeds = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/seeds")

    func load(_ id: String) throws -> Policy {
        try PolicyLoader.load(id: id, directory: Repository.path("Ops/policies"))
    }

    /// 长沙 第二十条 "原则上只能延期1次", 第二十一条 the centre approves and the caller is told.
    @Test func changshaAllowsOneExtensionTheCentreApproves() throws {
        let extensions = try load("changsha-2020").lifecycle.extensions
        #expect(extensions.maxCount == 1)
        #expect(extensions.approver == .centre)
        #expect(extensions.beforeExpiry && extensions.callerTold)
    }

    /// 鄂尔多斯 第十九条（八）: before expiry, at most 15 working days, the caller told.
    @Test func ordosExtendsAtMostFifteenWorkingDaysAndTellsTheCaller() throws {
        let policy = try load("ordos-2019")
        let extensions = policy.lifecycle.extensions
        #expect(extensions.maxWorkingDays == 15)
        #expect(extensions.callerTold && extensions.beforeExpiry)
        #expect(extensions.article == "第十九条（八）")
        // 第二十二条（二）: the five ways of supervision, lightest first.
        #expect(policy.supervision.ladder.map(\.label) == ["系统督办", "电话督办", "书面督办", "会议督办", "现场督办"])
    }

    /// 巴林左旗 第十三条: "延长时限一般不超过10个工作日"; the 热线 reviews returns.
    @Test func bairinExtendsAtMostTenWorkingDays() throws {
        let policy = try load("bairin-left-banner")
        #expect(policy.lifecycle.extensions.maxWorkingDays == 10)
        #expect(policy.lifecycle.returns.approver == .centre)
        // 第十五条（三）: hot spots, with a number and a window.
        let hotSpot = try #require(policy.supervision.triggers.first { $0.trigger == .hotSpot })
        #expect(hotSpot.article == "第十五条（三）")
        #expect(hotSpot.threshold != nil && hotSpot.windowWorkingDays != nil)
    }

    /// 兰溪 四.3: the unit applies to the 市长热线 and tells the caller; no bound is set.
    /// 四.4: overdue without extension goes to the 效能监察建议书. 三: office hours.
    @Test func lanxiExtensionsAreAskedForAndOverdueGoesToTheEfficiencyLetter() throws {
        let policy = try load("lanxi-2010")
        let extensions = policy.lifecycle.extensions
        #expect(extensions.approver == .centre && extensions.callerTold)
        #expect(extensions.maxCount == nil && extensions.maxWorkingDays == nil)
        let overdue = try #require(policy.supervision.triggers.first { $0.trigger == .overdue })
        #expect(policy.supervision.ladder[overdue.startLevel - 1].label == "效能监察建议书")
        #expect(!policy.serviceHours.allDay && policy.serviceHours.opens != nil && policy.serviceHours.closes != nil)
        #expect(policy.reports.periods == [.quarterly, .halfYear, .annual])
    }

    /// 宜宾 第十一条（二）: a 承诺件 commits to a final date, which becomes the deadline;
    /// 第十一条（四）: 催办通知单 → 督办组 → 现场检查; reports every 旬 and weekly.
    @Test func yibinCommittedDateMovesTheDeadline() throws {
        let policy = try load("yibin-2007")
        #expect(policy.lifecycle.interimReply.allowed)
        #expect(policy.lifecycle.interimReply.movesDeadline)
        #expect(policy.supervision.ladder.map(\.label) == ["催办通知单", "督办组督办", "现场检查督办"])
        #expect(policy.reports.periods == [.tenDays, .weekly])
    }

    /// Every rule of the new sections names its article and carries a note.
    @Test(arguments: files)
    func everyRuleNamesItsArticleAndHasANote(file: String) throws {
        let policy = try load(String(file.dropLast(5)))
        let life = policy.lifecycle
        let rules: [(String, String, String?)] = [
            ("lifecycle.returns", life.returns.article, life.returns.note),
            ("lifecycle.extensions", life.extensions.article, life.extensions.note),
            ("lifecycle.interim_reply", life.interimReply.article, life.interimReply.note),
            ("lifecycle.review", life.review.article, life.review.note),
            ("lifecycle.warning", life.warning.article, life.warning.note),
            ("reports", policy.reports.article, policy.reports.note),
            ("service_hours", policy.serviceHours.article, policy.serviceHours.note),
        ] + policy.supervision.triggers.map { ("trigger \($0.trigger.rawValue)", $0.article, $0.note) }
          + policy.supervision.ladder.map { ("level \($0.code)", $0.article, $0.note) }
        for (name, article, note) in rules {
            #expect(!article.isEmpty, "\(file): \(name) has no article")
            #expect(!(note ?? "").isEmpty, "\(file): \(name) has no note")
        }
        #expect(policy.rule(for: .review) != nil)
        for level in policy.supervision.ladder {
            #expect(level.code.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }, "\(file): \(level.code)")
        }
    }

    /// Text in 「」 is the regulation's own words: every part between omission marks (…)
    /// occurs in one of the seeds (a note may quote another seed to justify a choice),
    /// whitespace ignored. Runs where ../shared/seeds is present.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: seeds.path)), arguments: files)
    func quotesAreTheSeedsOwnWords(file: String) throws {
        let squeeze = { (text: String) in text.components(separatedBy: .whitespacesAndNewlines).joined() }
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.seeds.path).filter { $0.hasSuffix(".txt") }
        let seeds = try names.map { squeeze(try String(contentsOf: Self.seeds.appendingPathComponent($0), encoding: .utf8)) }
        #expect(!seeds.isEmpty)
        let text = try Repository.text("Ops/policies/\(file)")
        let regex = try NSRegularExpression(pattern: "「(.*?)」", options: [.dotMatchesLineSeparators])
        let matches = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
        for match in matches {
            guard let range = Range(match.range(at: 1), in: text) else { continue }
            for part in text[range].components(separatedBy: "…") {
                let words = squeeze(part)
                if words.isEmpty { continue }
                #expect(seeds.contains { $0.contains(words) }, "\(file): 「\(part)」 is not in any seed")
            }
        }
    }
}
