import Foundation
import HotlineDomain
import Testing

/// Scope and category on appeals written for measuring them, not from the rules' own
/// keywords (Ops/fixtures/labelled/intake-*.jsonl, 长沙): precision and recall per scope
/// rule (第十三条（二） redirects, 第十三条（一）（三）（五）（七） matters not accepted) and per
/// category (第十九条, 第十二条（三）), category accuracy, on a tuning part and a held-out part
/// no rule was tuned on.
@Suite struct IntakeLabelledSetTests {
    struct Figures {
        var scope: [(code: String, precision: Double?, recall: Double?, support: Int)]
        var categories: [(code: String, precision: Double?, recall: Double?, support: Int)]
        var accuracy: Double
        var misses: [String]
    }

    static func measure(_ part: String) throws -> Figures {
        let policy = try Fixtures.changsha()
        let decider = IntakeDecider(policy: policy)
        let appeals = try LabelledSet.appeals(part)
        var scopePairs: [(expected: String, predicted: String)] = []
        var categoryPairs: [(expected: String, predicted: String)] = []
        var misses: [String] = []
        for appeal in appeals {
            let event = Fixtures.event(content: appeal.content, subject: appeal.subject, externalID: appeal.id)
            let predicted: (scope: String, category: String?)
            switch decider.decide(event, openCases: []) {
            case let .redirect(rule), let .notAccept(rule): predicted = (rule.code, nil)
            case let .accept(category, _): predicted = ("accepted", category.rawValue)
            default: predicted = ("other", nil)
            }
            scopePairs.append((appeal.expectedScope, predicted.scope))
            if let category = appeal.category { categoryPairs.append((category, predicted.category ?? predicted.scope)) }
            if appeal.expectedScope != predicted.scope || appeal.category != predicted.category {
                misses.append("\(appeal.id) \(appeal.expectedScope)/\(appeal.category ?? "-") → \(predicted.scope)/\(predicted.category ?? "-"): \(appeal.content)")
            }
        }
        let rules = policy.scope.redirect.map(\.code) + policy.scope.notAccepted.map(\.code) + ["accepted"]
        let scope = rules.map { code in
            let figures = LabelledSet.precisionRecall(code, scopePairs)
            return (code: code, precision: figures.precision, recall: figures.recall, support: figures.support)
        }
        let categories = policy.categories.map(\.code.rawValue).map { code in
            let figures = LabelledSet.precisionRecall(code, categoryPairs)
            return (code: code, precision: figures.precision, recall: figures.recall, support: figures.support)
        }
        let accuracy = Double(categoryPairs.count { $0.expected == $0.predicted }) / Double(max(categoryPairs.count, 1))
        let figures = Figures(scope: scope, categories: categories, accuracy: accuracy, misses: misses)
        print("intake labelled set '\(part)': \(appeals.count) appeals")
        for row in scope { print("  scope \(row.code.padding(toLength: 22, withPad: " ", startingAt: 0)) P \(LabelledSet.format(row.precision))  R \(LabelledSet.format(row.recall))  n \(row.support)") }
        for row in categories { print("  category \(row.code.padding(toLength: 14, withPad: " ", startingAt: 0)) P \(LabelledSet.format(row.precision))  R \(LabelledSet.format(row.recall))  n \(row.support)") }
        print("  category accuracy \(LabelledSet.format(accuracy)) over \(categoryPairs.count) accepted appeals")
        for miss in misses { print("  miss \(miss)") }
        return figures
    }

    @Test func theSetsAreLargeEnoughAndApart() throws {
        let tuning = try LabelledSet.appeals("tuning")
        let heldOut = try LabelledSet.appeals("heldout")
        #expect(tuning.count + heldOut.count >= 200)
        #expect(Set(tuning.map(\.content)).isDisjoint(with: heldOut.map(\.content)), "no appeal is in both parts")
        let policy = try Fixtures.changsha()
        let keywords = Set((policy.scope.redirect + policy.scope.notAccepted).flatMap(\.keywords) + policy.categories.flatMap(\.keywords))
        #expect(!(tuning + heldOut).contains { keywords.contains($0.content) }, "no appeal is a rule's own keyword")
        for appeal in tuning + heldOut {
            #expect(!appeal.article.isEmpty && (appeal.rule != nil) == (appeal.outcome != "accepted") && (appeal.category != nil) == (appeal.outcome == "accepted"), "\(appeal.id)")
        }
    }

    /// The tuning part is what the patterns were written against: every scope rule and category is right.
    @Test func tuningPart() throws {
        let figures = try Self.measure("tuning")
        for row in figures.scope where row.support > 0 {
            #expect((row.precision ?? 0) == 1 && (row.recall ?? 0) == 1, "\(row.code)")
        }
        #expect(figures.accuracy == 1)
    }

    /// The held-out part, which no pattern was tuned on, holds the levels measured when the
    /// text pipeline landed, so a rule change that loses ground fails here. Issue 18's floors
    /// (emergencies P and R ≥ 0.95, other rules ≥ 0.9, category accuracy ≥ 0.85) are not yet
    /// reached: keyword patterns fitted to 127 appeals do not generalise to new phrasings.
    @Test func heldOutPartKeepsItsMeasuredLevels() throws {
        let figures = try Self.measure("heldout")
        let measured: [String: (precision: Double, recall: Double)] = [
            "emergency_police": (1.0, 0.16), "emergency_fire": (1.0, 0.66), "emergency_medical": (0.71, 0.83),
            "emergency_traffic": (1.0, 0.83), "outside_jurisdiction": (1.0, 0.5), "party_affairs": (1.0, 1.0),
            "litigation": (1.0, 1.0), "npc_cppcc": (1.0, 0.75), "discipline": (1.0, 0.5), "courts_procuratorate": (1.0, 0.75),
            "army": (1.0, 1.0),
        ]
        for row in figures.scope {
            guard let floor = measured[row.code] else { continue }
            #expect((row.precision ?? 0) >= floor.precision && (row.recall ?? 0) >= floor.recall,
                    "\(row.code): P \(LabelledSet.format(row.precision)) R \(LabelledSet.format(row.recall)), measured \(floor)")
        }
        #expect(figures.accuracy >= 0.57, "category accuracy \(figures.accuracy)")
    }
}
