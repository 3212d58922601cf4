/// A jurisdiction's rules, loaded from `Ops/policies/<id>.yaml` (format in
/// docs/POLICY-FORMAT.md). The five regulations agree on the shape of the work and
/// disagree on details; each detail lives here, never in code.
public struct Policy: Sendable, Decodable, Equatable {
    public var format: Int
    public var policy: String
    public var version: String
    public var title: String
    public var jurisdiction: String
    public var seed: String
    public var categories: [CategoryRule]
    public var defaultCategory: CategoryCode
    public var categoryAliases: [CategoryCode: CategoryCode]
    public var scope: ScopeRules
    public var `repeat`: RepeatRule
    /// The working-day calendar the limits count in (`Ops/calendars/<calendar>-<year>.yaml`).
    public var calendar: String
    /// Time limits by obligation name (see `Obligation`).
    public var limits: [String: ObligationRule]
    public var lifecycle: LifecycleRules
    public var callbacks: CallbackRules
    public var notifications: NotificationRules
    public var supervision: SupervisionRules
    public var reports: ReportingRules
    public var assessment: AssessmentRules
    /// Nil where the regulation gives units no appeal against a rating.
    public var ratingAppeals: RatingAppealRules?
    /// Nil where the regulation says nothing of the knowledge base (see `knowledgeRules`).
    public var knowledge: KnowledgeRules?
    /// Words callers use for the same thing, for knowledge search (`Synonyms`); empty when the policy lists none.
    public var synonyms: Synonyms
    /// Local and spoken forms callers use (长沙话 哒 for 了, 冇 for 没), read as the standard
    /// word by every intake text rule (scope, category, repeats); empty when the policy lists none.
    public var colloquial: Synonyms
    public var serviceHours: ServiceHours
    /// How long personal data beside the case record is kept (`RetentionRules`). Nil only in
    /// a version recorded before the section existed; a policy file must have it (`PolicyLoader`).
    public var retention: RetentionRules?
    /// The regulation's term.
    public var validity: PolicyValidity
    /// Labelled appeals intake learns from (`ExampleAppeals`); nil where the policy names none.
    public var examples: ExampleAppeals?
    /// Learned from `examples` when the policy file is loaded (`learn(from:)`); nil without
    /// them, and in a version read back from `policy_versions`, which judges no appeal.
    public internal(set) var model: AppealModel?

    /// How a case can reach a unit, as `by_source` limits name it: leader-assigned
    /// (兰溪 四.3 领导批办), assigned by the centre (交办), transferred from the provincial
    /// platform, exposed by the media.
    public static let caseSources: Set<String> = ["leader", "assigned", "provincial", "media"]

    enum CodingKeys: String, CodingKey {
        case format, policy, version, title, jurisdiction, seed, categories, scope, `repeat`, calendar, limits
        case lifecycle, callbacks, notifications, supervision, reports, assessment, knowledge, synonyms, colloquial, validity, retention, examples
        case serviceHours = "service_hours"
        case ratingAppeals = "rating_appeals"
        case defaultCategory = "default_category"
        case categoryAliases = "category_aliases"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        policy = try container.decode(String.self, forKey: .policy)
        version = try container.decode(String.self, forKey: .version)
        title = try container.decode(String.self, forKey: .title)
        jurisdiction = try container.decode(String.self, forKey: .jurisdiction)
        seed = try container.decode(String.self, forKey: .seed)
        categories = try container.decode([CategoryRule].self, forKey: .categories)
        defaultCategory = try container.decode(CategoryCode.self, forKey: .defaultCategory)
        let aliases = try container.decodeIfPresent([String: CategoryCode].self, forKey: .categoryAliases) ?? [:]
        categoryAliases = try Dictionary(uniqueKeysWithValues: aliases.map { key, value in
            guard let code = CategoryCode(rawValue: key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .categoryAliases, in: container, debugDescription: "unknown category code '\(key)'")
            }
            return (code, value)
        })
        scope = try container.decode(ScopeRules.self, forKey: .scope)
        `repeat` = try container.decode(RepeatRule.self, forKey: .repeat)
        calendar = try container.decode(String.self, forKey: .calendar)
        limits = try container.decode([String: ObligationRule].self, forKey: .limits)
        lifecycle = try container.decode(LifecycleRules.self, forKey: .lifecycle)
        callbacks = try container.decode(CallbackRules.self, forKey: .callbacks)
        notifications = try container.decode(NotificationRules.self, forKey: .notifications)
        supervision = try container.decode(SupervisionRules.self, forKey: .supervision)
        reports = try container.decode(ReportingRules.self, forKey: .reports)
        assessment = try container.decode(AssessmentRules.self, forKey: .assessment)
        ratingAppeals = try container.decodeIfPresent(RatingAppealRules.self, forKey: .ratingAppeals)
        knowledge = try container.decodeIfPresent(KnowledgeRules.self, forKey: .knowledge)
        synonyms = Synonyms(groups: try container.decodeIfPresent([[String]].self, forKey: .synonyms) ?? [])
        colloquial = Synonyms(groups: try container.decodeIfPresent([[String]].self, forKey: .colloquial) ?? [])
        serviceHours = try container.decode(ServiceHours.self, forKey: .serviceHours)
        validity = try container.decode(PolicyValidity.self, forKey: .validity)
        retention = try container.decodeIfPresent(RetentionRules.self, forKey: .retention)
        examples = try container.decodeIfPresent(ExampleAppeals.self, forKey: .examples)
    }

    /// The rule for an obligation, or nil when the policy sets none.
    public func rule(for obligation: Obligation) -> ObligationRule? {
        limits[obligation.rawValue]
    }

    public struct CategoryRule: Sendable, Decodable, Equatable {
        public var code: CategoryCode
        public var label: String
        public var article: String
        public var keywords: [String]
        /// Patterns by which a caller names the kind of appeal (感谢, 点赞 for 表扬; 请问 for
        /// 咨询): the surest sign of the category, so each counts twice, as the label does.
        public var names: [String]

        public init(code: CategoryCode, label: String, article: String, keywords: [String], names: [String] = []) {
            self.code = code
            self.label = label
            self.article = article
            self.keywords = keywords
            self.names = names
        }

        enum CodingKeys: String, CodingKey {
            case code, label, article, keywords, names
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decode(CategoryCode.self, forKey: .code)
            label = try container.decode(String.self, forKey: .label)
            article = try container.decode(String.self, forKey: .article)
            keywords = try container.decode([String].self, forKey: .keywords)
            names = try container.decodeIfPresent([String].self, forKey: .names) ?? []
        }
    }

    public struct ScopeRules: Sendable, Decodable, Equatable {
        public var redirect: [ScopeRule]
        public var notAccepted: [ScopeRule]

        enum CodingKeys: String, CodingKey {
            case redirect
            case notAccepted = "not_accepted"
        }
    }

    public struct RepeatRule: Sendable, Decodable, Equatable {
        public var article: String
        public var reason: String
        public var similarity: Double
        /// A repeat of the caller's case already closed, where the regulation refuses it
        /// without a new situation or reason (长沙 第十三条（六）); nil where it does not.
        public var closedCase: ClosedCaseRepeatRule?

        enum CodingKeys: String, CodingKey {
            case article, reason, similarity
            case closedCase = "closed_case"
        }
    }

    /// The label the regulation uses for a category, e.g. 咨询.
    public func label(of code: CategoryCode) -> String {
        categories.first { $0.code == code }?.label ?? code.rawValue
    }

    /// Problems that make the policy unusable, each naming the key at fault.
    public func problems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if format != 1 { problems.append(.init(key: "format", problem: "must be 1, found \(format)")) }
        if version.isEmpty { problems.append(.init(key: "version", problem: "must not be empty")) }
        let codes = categories.map(\.code)
        if codes.isEmpty { problems.append(.init(key: "categories", problem: "must name at least one category")) }
        for (index, code) in codes.enumerated() where codes[..<index].contains(code) {
            problems.append(.init(key: "categories[\(index)].code", problem: "'\(code.rawValue)' is listed twice"))
        }
        for (index, rule) in categories.enumerated() where rule.article.isEmpty {
            problems.append(.init(key: "categories[\(index)].article", problem: "must quote the article naming the category"))
        }
        if !codes.contains(defaultCategory) {
            problems.append(.init(key: "default_category", problem: "'\(defaultCategory.rawValue)' is not one of the policy's categories"))
        }
        for (alias, target) in categoryAliases.sorted(by: { $0.key < $1.key }) where !codes.contains(target) {
            problems.append(.init(key: "category_aliases.\(alias.rawValue)", problem: "'\(target.rawValue)' is not one of the policy's categories"))
        }
        let scopeRules = scope.redirect.map { ("scope.redirect", $0) } + scope.notAccepted.map { ("scope.not_accepted", $0) }
        var seen: Set<String> = []
        for (list, rule) in scopeRules {
            let key = "\(list).\(rule.code)"
            if !seen.insert(rule.code).inserted { problems.append(.init(key: key, problem: "rule code is used twice")) }
            if rule.keywords.isEmpty || rule.keywords.contains(where: \.isEmpty) {
                problems.append(.init(key: "\(key).keywords", problem: "must list non-empty keywords"))
            }
            if rule.article.isEmpty { problems.append(.init(key: "\(key).article", problem: "must quote the article")) }
            if rule.reason.isEmpty { problems.append(.init(key: "\(key).reason", problem: "must say what the caller is told")) }
        }
        problems += patternProblems() + closedCaseRepeatProblems() + validityProblems()
        for rule in scope.redirect where (rule.to ?? "").isEmpty {
            problems.append(.init(key: "scope.redirect.\(rule.code).to", problem: "must name where the caller is sent"))
        }
        problems += limitProblems(categories: Set(codes.map(\.rawValue)))
        problems += lifecycleProblems() + callbackProblems() + notificationProblems() + supervisionProblems() + reportingProblems()
            + assessmentProblems() + ratingAppealProblems() + knowledgeProblems() + retentionProblems() + exampleProblems()
        if !(`repeat`.similarity > 0 && `repeat`.similarity <= 1) {
            problems.append(.init(key: "repeat.similarity", problem: "must be in (0, 1], found \(`repeat`.similarity)"))
        }
        return problems
    }
}

extension Policy {
    fileprivate func limitProblems(categories: Set<String>) -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if calendar.isEmpty { problems.append(.init(key: "calendar", problem: "must name a calendar, e.g. cn")) }
        let required = Obligation.allCases.filter { !Obligation.optional.contains($0) }
        for obligation in required where limits[obligation.rawValue] == nil {
            problems.append(.init(key: "limits.\(obligation.rawValue)", problem: "is missing; every policy sets all of \(required.map(\.rawValue).joined(separator: ", "))"))
        }
        // A limit no rule reads is refused rather than left to mislead: the rating-appeal
        // window without the grounds a unit may appeal on.
        if limits[Obligation.ratingAppeal.rawValue] != nil, ratingAppeals == nil {
            problems.append(.init(key: "limits.rating-appeal", problem: "no rule uses it: the policy has no rating_appeals, so every appeal is refused; remove the limit or add the grounds the regulation names"))
        }
        if ratingAppeals != nil, limits[Obligation.ratingAppeal.rawValue] == nil {
            problems.append(.init(key: "limits.rating-appeal", problem: "is missing; rating_appeals needs the window a unit may appeal in"))
        }
        for (name, rule) in limits.sorted(by: { $0.key < $1.key }) {
            let key = "limits.\(name)"
            guard Obligation(rawValue: name) != nil else {
                problems.append(.init(key: key, problem: "unknown obligation; known: \(Obligation.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            if rule.article.isEmpty { problems.append(.init(key: "\(key).article", problem: "must quote the article")) }
            if let from = rule.from, let obligation = Obligation(rawValue: name), !obligation.startingEvents.contains(from) {
                let allowed = obligation.startingEvents
                problems.append(.init(
                    key: "\(key).from",
                    problem: allowed.isEmpty ? "is not a key of \(name): its start is fixed" : "must be \(allowed.joined(separator: " or ")), found '\(from)'"))
            }
            for category in rule.byCategory.keys.sorted() where !categories.contains(category) {
                problems.append(.init(key: "\(key).by_category.\(category)", problem: "is not one of the policy's categories"))
            }
            for source in rule.bySource.keys.sorted() where !Self.caseSources.contains(source) {
                problems.append(.init(key: "\(key).by_source.\(source)", problem: "unknown source; known: \(Self.caseSources.sorted().joined(separator: ", "))"))
            }
            if rule.allLimits.contains(where: { !$0.isPositive }) {
                problems.append(.init(key: key, problem: "limits must be at least 1 working day or 1 hour"))
            }
        }
        return problems
    }
}

/// One scope rule: a matter the hotline redirects or does not accept. Its keywords and
/// exceptions are `TextPattern`s, matched by `ScopeMatcher`.
public struct ScopeRule: Sendable, Decodable, Equatable {
    public var code: String
    /// Where the caller is sent (redirect rules only), e.g. "119".
    public var to: String?
    public var article: String
    public var reason: String
    public var keywords: [String]
    /// Patterns that, in the clause of a keyword's match, keep the rule from applying to it.
    public var except: [String]
    /// Patterns that, anywhere in the appeal, keep the rule from applying at all: what makes
    /// the whole appeal about something else (thanks for the ambulance that came is praise,
    /// told once the emergency is over), however its clauses are cut.
    public var exceptAnywhere: [String]

    public init(code: String, to: String? = nil, article: String, reason: String, keywords: [String] = [], except: [String] = [],
                exceptAnywhere: [String] = []) {
        self.code = code
        self.to = to
        self.article = article
        self.reason = reason
        self.keywords = keywords
        self.except = except
        self.exceptAnywhere = exceptAnywhere
    }

    enum CodingKeys: String, CodingKey {
        case code, to, article, reason, keywords, except
        case exceptAnywhere = "except_anywhere"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        article = try container.decode(String.self, forKey: .article)
        reason = try container.decode(String.self, forKey: .reason)
        keywords = try container.decode([String].self, forKey: .keywords)
        except = try container.decodeIfPresent([String].self, forKey: .except) ?? []
        exceptAnywhere = try container.decodeIfPresent([String].self, forKey: .exceptAnywhere) ?? []
    }
}

/// One thing wrong with a policy or routing file.
public struct PolicyProblem: Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "\(key): \(problem)" }
}
