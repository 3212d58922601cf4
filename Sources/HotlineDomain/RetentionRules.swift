/// How long personal data kept beside the case record is kept (the policy's `retention:`
/// section, README "Retention"): 《个人信息保护法》第十九条 “除法律、行政法规另有规定外，个人信息
/// 的保存期限应当为实现处理目的所必要的最短时间”, and 第四十七条 makes the handler delete it once
/// “处理目的已实现、无法实现或者为实现处理目的不再必要”. No seed gives a number; each period is the
/// centre's choice, stated in the policy file with its reason. A period is plain elapsed time
/// (N × 24 hours), like the hour limits.
public struct RetentionRules: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// The progress lookup's audit (`lookup_attempts`: client addresses, case numbers tried).
    public var lookupAuditDays: Int
    /// The text of appeals redirected or not accepted (`intake_requests.content`).
    public var unacceptedAppealTextDays: Int
    /// Outbox messages the broker refused (`outbox_parked`): their bytes may carry a
    /// dead-lettered intake original, personal data included.
    public var parkedMessageDays: Int
    /// A case's content and personal data after it is archived: then the sweep shreds the case
    /// (`RetentionKind.caseContents`).
    public var caseContentAfterArchiveDays: Int

    /// 《网络安全法》第二十一条（三）“按照规定留存相关的网络日志不少于六个月”: the lookup's audit is
    /// that log, and an investigation of a guesser needs it for at least as long.
    public static let minimumLookupAuditDays = 180

    public init(
        article: String, note: String? = nil, lookupAuditDays: Int, unacceptedAppealTextDays: Int, parkedMessageDays: Int,
        caseContentAfterArchiveDays: Int
    ) {
        self.article = article
        self.note = note
        self.lookupAuditDays = lookupAuditDays
        self.unacceptedAppealTextDays = unacceptedAppealTextDays
        self.parkedMessageDays = parkedMessageDays
        self.caseContentAfterArchiveDays = caseContentAfterArchiveDays
    }

    enum CodingKeys: String, CodingKey {
        case article, note
        case lookupAuditDays = "lookup_audit_days"
        case unacceptedAppealTextDays = "unaccepted_appeal_text_days"
        case parkedMessageDays = "parked_message_days"
        case caseContentAfterArchiveDays = "case_content_after_archive_days"
    }

    /// The period the sweep keeps rows of `kind`, in days.
    public func days(of kind: RetentionKind) -> Int {
        switch kind {
        case .lookupAttempts: lookupAuditDays
        case .unacceptedAppealTexts: unacceptedAppealTextDays
        case .parkedMessages: parkedMessageDays
        case .caseContents: caseContentAfterArchiveDays
        }
    }
}

extension Policy {
    func retentionProblems() -> [PolicyProblem] {
        guard let retention else { return [] }
        var problems: [PolicyProblem] = []
        if retention.article.isEmpty {
            problems.append(.init(key: "retention.article", problem: "must quote 《个人信息保护法》第十九条, on which every period rests"))
        }
        let periods: [(String, Int)] = [
            ("lookup_audit_days", retention.lookupAuditDays), ("unaccepted_appeal_text_days", retention.unacceptedAppealTextDays),
            ("parked_message_days", retention.parkedMessageDays), ("case_content_after_archive_days", retention.caseContentAfterArchiveDays),
        ]
        for (key, days) in periods where days < 1 {
            problems.append(.init(key: "retention.\(key)", problem: "must be at least 1 day, found \(days)"))
        }
        if retention.lookupAuditDays >= 1 && retention.lookupAuditDays < RetentionRules.minimumLookupAuditDays {
            problems.append(.init(
                key: "retention.lookup_audit_days",
                problem: "must be at least \(RetentionRules.minimumLookupAuditDays) days (《网络安全法》第二十一条（三）“留存相关的网络日志不少于六个月”), found \(retention.lookupAuditDays)"))
        }
        // The closed-case repeat rule (长沙 第十三条（六）) compares a new appeal with the caller's closed cases' content.
        if let lookback = `repeat`.closedCase?.withinDays, retention.caseContentAfterArchiveDays >= 1,
           retention.caseContentAfterArchiveDays < lookback {
            problems.append(.init(
                key: "retention.case_content_after_archive_days",
                problem: "must be at least repeat.closed_case.within_days (\(lookback)): the repeat rule reads closed cases' content that far back, found \(retention.caseContentAfterArchiveDays)"))
        }
        return problems
    }
}
