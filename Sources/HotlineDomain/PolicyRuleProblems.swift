/// Checks of the lifecycle, supervision and reporting sections; each problem names its key.
extension Policy {
    func lifecycleProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        let rules = lifecycle
        let articles: [(String, String)] = [
            ("lifecycle.returns.article", rules.returns.article),
            ("lifecycle.extensions.article", rules.extensions.article),
            ("lifecycle.interim_reply.article", rules.interimReply.article),
            ("lifecycle.review.article", rules.review.article),
            ("lifecycle.warning.article", rules.warning.article),
        ]
        for (key, article) in articles where article.isEmpty {
            problems.append(.init(key: key, problem: "must quote the article"))
        }
        if let count = rules.extensions.maxCount, count < 1 {
            problems.append(.init(key: "lifecycle.extensions.max_count", problem: "must be at least 1 (leave it out when the regulation sets no number), found \(count)"))
        }
        if let days = rules.extensions.maxWorkingDays, days < 1 {
            problems.append(.init(key: "lifecycle.extensions.max_working_days", problem: "must be at least 1, found \(days)"))
        }
        if let days = rules.interimReply.maxWorkingDays, days < 1 {
            problems.append(.init(key: "lifecycle.interim_reply.max_working_days", problem: "must be at least 1, found \(days)"))
        }
        if let count = rules.interimReply.maxCount, count < 1 {
            problems.append(.init(key: "lifecycle.interim_reply.max_count", problem: "must be at least 1, found \(count)"))
        }
        // A unit must not move its own deadline without bound (长沙 第二十条 「原则上只能延期1次」 is the
        // measure of how far the regulations let a deadline move).
        if rules.interimReply.allowed && rules.interimReply.movesDeadline {
            if rules.interimReply.maxCount == nil {
                problems.append(.init(key: "lifecycle.interim_reply.max_count", problem: "is required when the committed date moves the deadline: bound how often a unit may move its own deadline"))
            }
            if rules.interimReply.maxWorkingDays == nil {
                problems.append(.init(key: "lifecycle.interim_reply.max_working_days", problem: "is required when the committed date moves the deadline: bound how far a unit may move its own deadline"))
            }
        }
        switch (rules.warning.workingDaysBefore, rules.warning.hoursBefore) {
        case let (days?, nil) where days < 1:
            problems.append(.init(key: "lifecycle.warning.working_days_before", problem: "must be at least 1, found \(days)"))
        case let (nil, hours?) where hours < 1:
            problems.append(.init(key: "lifecycle.warning.hours_before", problem: "must be at least 1, found \(hours)"))
        case (nil, nil), (.some, .some):
            problems.append(.init(key: "lifecycle.warning", problem: "must set exactly one of working_days_before, hours_before"))
        default:
            break
        }
        return problems
    }

    func supervisionProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        let ladder = supervision.ladder
        if ladder.isEmpty { problems.append(.init(key: "supervision.ladder", problem: "must list at least one level")) }
        var codes: Set<String> = []
        for (index, level) in ladder.enumerated() {
            let key = "supervision.ladder[\(index)]"
            if !codes.insert(level.code).inserted { problems.append(.init(key: "\(key).code", problem: "'\(level.code)' is used twice")) }
            if level.code.isEmpty || level.label.isEmpty { problems.append(.init(key: key, problem: "must have a code and a label")) }
            if level.article.isEmpty { problems.append(.init(key: "\(key).article", problem: "must quote the article")) }
            if index < ladder.count - 1, level.limit == nil {
                problems.append(.init(key: "\(key).limit", problem: "is missing; every level but the last says how long it waits before climbing"))
            }
            if let limit = level.limit, !limit.isPositive {
                problems.append(.init(key: "\(key).limit", problem: "must be at least 1 working day or 1 hour"))
            }
        }
        var seen: Set<SupervisionTrigger> = []
        for (index, rule) in supervision.triggers.enumerated() {
            let key = "supervision.triggers[\(index)]"
            if !seen.insert(rule.trigger).inserted { problems.append(.init(key: "\(key).trigger", problem: "'\(rule.trigger.rawValue)' is listed twice")) }
            if rule.article.isEmpty { problems.append(.init(key: "\(key).article", problem: "must quote the article")) }
            if rule.chosen, !(rule.note ?? "").hasPrefix("Chosen:") {
                problems.append(.init(key: "\(key).note", problem: "a chosen trigger's note starts with \"Chosen:\" and says why the preset adds what the regulation does not name"))
            }
            if rule.unlessExtensionRequested, rule.trigger != .overdue {
                problems.append(.init(key: "\(key).unless_extension_requested", problem: "applies to the overdue trigger only"))
            }
            if !(1...max(ladder.count, 1)).contains(rule.startLevel) {
                problems.append(.init(key: "\(key).start_level", problem: "must be between 1 and \(ladder.count) (the ladder's levels), found \(rule.startLevel)"))
            }
            problems += countingProblems(rule, key: key)
        }
        return problems
    }

    /// The window and thresholds a hot spot, a low-rates or a late-knowledge review counts with; other triggers take none.
    private func countingProblems(_ rule: SupervisionTriggerRule, key: String) -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        let counts = [.hotSpot, .lowRates, .knowledgeLate].contains(rule.trigger)
        if counts, (rule.windowWorkingDays ?? 0) < 1 {
            problems.append(.init(key: "\(key).window_working_days", problem: "\(rule.trigger.rawValue) needs window_working_days of at least 1"))
        } else if !counts, rule.windowWorkingDays != nil {
            problems.append(.init(key: "\(key).window_working_days", problem: "only hot_spot, low_rates and knowledge_late triggers take window_working_days"))
        }
        if rule.trigger == .hotSpot, (rule.threshold ?? 0) < 1 {
            problems.append(.init(key: "\(key).threshold", problem: "hot_spot needs threshold of at least 1"))
        } else if rule.trigger != .hotSpot, rule.threshold != nil {
            problems.append(.init(key: "\(key).threshold", problem: "only a hot_spot trigger takes threshold"))
        }
        if rule.trigger == .knowledgeLate, (rule.maxLateUploads ?? -1) < 0 {
            problems.append(.init(key: "\(key).max_late_uploads", problem: "knowledge_late needs max_late_uploads of at least 0"))
        } else if rule.trigger != .knowledgeLate, rule.maxLateUploads != nil {
            problems.append(.init(key: "\(key).max_late_uploads", problem: "only a knowledge_late trigger takes max_late_uploads"))
        }
        guard rule.trigger == .lowRates else {
            for (name, present) in [("minimum_orders", rule.minimumOrders != nil), ("min_response_rate", rule.minResponseRate != nil),
                                    ("max_overdue_orders", rule.maxOverdueOrders != nil)] where present {
                problems.append(.init(key: "\(key).\(name)", problem: "only a low_rates trigger takes \(name)"))
            }
            return problems
        }
        if rule.minResponseRate == nil, rule.maxOverdueOrders == nil {
            problems.append(.init(key: key, problem: "low_rates needs min_response_rate, max_overdue_orders or both"))
        }
        if let rate = rule.minResponseRate {
            if !(rate > 0 && rate <= 1) {
                problems.append(.init(key: "\(key).min_response_rate", problem: "must be a share above 0 and at most 1, found \(rate)"))
            }
            if (rule.minimumOrders ?? 0) < 1 {
                problems.append(.init(key: "\(key).minimum_orders", problem: "min_response_rate needs minimum_orders of at least 1, so a unit with one late order is not judged on it"))
            }
        } else if rule.minimumOrders != nil {
            problems.append(.init(key: "\(key).minimum_orders", problem: "only counts with min_response_rate"))
        }
        if let most = rule.maxOverdueOrders, most < 0 {
            problems.append(.init(key: "\(key).max_overdue_orders", problem: "must not be negative, found \(most)"))
        }
        return problems
    }

    func reportingProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if reports.periods.isEmpty { problems.append(.init(key: "reports.periods", problem: "must list at least one period")) }
        if reports.article.isEmpty { problems.append(.init(key: "reports.article", problem: "must quote the article")) }
        if serviceHours.article.isEmpty { problems.append(.init(key: "service_hours.article", problem: "must quote the article")) }
        if !serviceHours.allDay {
            for (name, value) in [("opens", serviceHours.opens), ("closes", serviceHours.closes)] where !Self.isClockTime(value) {
                problems.append(.init(key: "service_hours.\(name)", problem: "must be HH:MM when all_day is false"))
            }
        }
        if let hours = serviceHours.workingHours {
            if hours.article.isEmpty { problems.append(.init(key: "service_hours.working_hours.article", problem: "must quote the article")) }
            for (name, value) in [("opens", hours.opens), ("closes", hours.closes)] where !Self.isClockTime(value) {
                problems.append(.init(key: "service_hours.working_hours.\(name)", problem: "must be HH:MM, found '\(value)'"))
            }
            if Self.isClockTime(hours.opens), Self.isClockTime(hours.closes), WorkingTime(opens: hours.opens, closes: hours.closes) == nil {
                problems.append(.init(key: "service_hours.working_hours", problem: "opens (\(hours.opens)) must be before closes (\(hours.closes))"))
            }
        }
        return problems
    }

    private static func isClockTime(_ text: String?) -> Bool {
        guard let parts = text?.split(separator: ":"), parts.count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), parts[0].count == 2, parts[1].count == 2 else { return false }
        return (0..<24).contains(hour) && (0..<60).contains(minute)
    }
}
