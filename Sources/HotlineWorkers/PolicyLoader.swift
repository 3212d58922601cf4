import Crypto
import Foundation
import HotlineDomain
import Yams

/// Reads and checks `Ops/policies/<id>.yaml`. A policy with any problem is refused,
/// at start-up and by `hotline policy check`, with the file, key and problem.
public enum PolicyLoader {
    static let allowedKeys: AllowedKeys = {
        let scopeRule = AllowedKeys.list(.map([
            "code": .anyValue, "to": .anyValue, "article": .anyValue, "reason": .anyValue, "keywords": .anyValue, "except": .anyValue, "except_anywhere": .anyValue,
        ]))
        return .map([
            "format": .anyValue, "policy": .anyValue, "version": .anyValue, "title": .anyValue,
            "jurisdiction": .anyValue, "seed": .anyValue, "default_category": .anyValue, "category_aliases": .anyValue,
            "categories": .list(.map(["code": .anyValue, "label": .anyValue, "article": .anyValue, "keywords": .anyValue, "names": .anyValue])),
            "scope": .map(["redirect": scopeRule, "not_accepted": scopeRule]),
            "repeat": .map([
                "article": .anyValue, "reason": .anyValue, "similarity": .anyValue,
                "closed_case": .map(["article": .anyValue, "reason": .anyValue, "within_days": .anyValue, "new_reason": .anyValue]),
            ]),
            "validity": .map(["article": .anyValue, "note": .anyValue, "from": .anyValue, "until": .anyValue]),
            "calendar": .anyValue,
            "limits": .mapOfAny(.map([
                "article": .anyValue, "note": .anyValue, "from": .anyValue, "urgent": .anyValue,
                "by_source": .anyValue, "by_category": .anyValue, "default": .anyValue,
            ])),
            "lifecycle": .map([
                "returns": .map(["article": .anyValue, "note": .anyValue, "approver": .anyValue]),
                "extensions": .map([
                    "allowed": .anyValue, "article": .anyValue, "note": .anyValue, "max_count": .anyValue, "max_working_days": .anyValue,
                    "before_expiry": .anyValue, "approver": .anyValue, "caller_told": .anyValue,
                ]),
                "interim_reply": .map([
                    "article": .anyValue, "note": .anyValue, "allowed": .anyValue, "max_count": .anyValue, "max_working_days": .anyValue,
                    "moves_deadline": .anyValue, "caller_told": .anyValue,
                ]),
                "review": .map(["article": .anyValue, "note": .anyValue, "clock_stops_on_submission": .anyValue]),
                "warning": .map(["article": .anyValue, "note": .anyValue, "working_days_before": .anyValue, "hours_before": .anyValue]),
            ]),
            "callbacks": .map([
                "article": .anyValue, "note": .anyValue, "performer": .anyValue, "first_channel": .anyValue,
                "answer_window": .anyValue, "unanswered": .anyValue, "follow_up_limit": .anyValue,
                "reopen_article": .anyValue, "excessive_demand": .map(["article": .anyValue, "reason": .anyValue]),
            ]),
            "notifications": .map(["article": .anyValue, "note": .anyValue, "result_article": .anyValue, "result_sender": .anyValue]),
            "supervision": .map([
                "triggers": .list(.map([
                    "trigger": .anyValue, "article": .anyValue, "note": .anyValue, "start_level": .anyValue,
                    "threshold": .anyValue, "window_working_days": .anyValue, "minimum_orders": .anyValue,
                    "min_response_rate": .anyValue, "max_overdue_orders": .anyValue, "max_late_uploads": .anyValue,
                    "unless_extension_requested": .anyValue, "chosen": .anyValue,
                ])),
                "ladder": .list(.map(["code": .anyValue, "label": .anyValue, "article": .anyValue, "note": .anyValue, "limit": .anyValue])),
            ]),
            "reports": .map(["periods": .anyValue, "article": .anyValue, "note": .anyValue]),
            "assessment": .map([
                "article": .anyValue, "note": .anyValue, "basically_satisfied_weight": .anyValue, "minimum_orders": .anyValue,
                "weights": .anyValue,
            ]),
            "rating_appeals": .map([
                "article": .anyValue, "note": .anyValue,
                "grounds": .list(.map(["code": .anyValue, "label": .anyValue, "article": .anyValue])),
            ]),
            "knowledge": .map([
                "article": .anyValue, "note": .anyValue, "approver": .anyValue, "late_upload_article": .anyValue,
                "direct_answer_article": .anyValue, "direct_answer_callback_article": .anyValue, "places": .anyValue,
            ]),
            "service_hours": .map([
                "article": .anyValue, "note": .anyValue, "all_day": .anyValue, "opens": .anyValue, "closes": .anyValue,
                "working_hours": .map(["article": .anyValue, "note": .anyValue, "opens": .anyValue, "closes": .anyValue]),
            ]),
            "synonyms": .anyValue,
            "colloquial": .anyValue,
            "examples": .map(["file": .anyValue, "sha256": .anyValue, "margin": .anyValue, "category_margin": .anyValue, "note": .anyValue]),
            "retention": .map([
                "article": .anyValue, "note": .anyValue, "lookup_audit_days": .anyValue, "unaccepted_appeal_text_days": .anyValue,
                "parked_message_days": .anyValue, "case_content_after_archive_days": .anyValue,
            ]),
        ])
    }()

    public static func load(id: String, directory: String) throws -> Policy {
        try load(file: "\(directory)/\(id).yaml", expectedID: id)
    }

    public static func load(file: String, expectedID: String? = nil) throws -> Policy {
        try parse(try text(of: file), origin: file, expectedID: expectedID, directory: URL(fileURLWithPath: file).deletingLastPathComponent().path)
    }

    /// The file's text, for a worker to record with the version it runs.
    public static func text(of file: String) throws -> String {
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw PolicyFileError(file: file, problems: [.init(key: "-", problem: "cannot be read (\(error.localizedDescription)); check HOTLINE_POLICY and HOTLINE_POLICY_DIR")])
        }
    }

    /// Checks a policy's text; `origin` names it in problems (a file, or a recorded version).
    /// A `recorded` version may predate the `retention` section: only the running policy's
    /// periods are applied, so only a file must state them. `directory` holds the files the
    /// policy names (its labelled `examples`), learned from here; a recorded version, which
    /// judges no appeal, has none.
    public static func parse(
        _ text: String, origin file: String, expectedID: String? = nil, recorded: Bool = false, directory: String? = nil
    ) throws -> Policy {
        var policy: Policy
        do {
            if let node = try Yams.compose(yaml: text) {
                let unknown = allowedKeys.check(node)
                if !unknown.isEmpty {
                    throw PolicyFileError(file: file, problems: unknown.map { PolicyProblem(key: $0.0, problem: $0.1) })
                }
            }
            policy = try YAMLDecoder().decode(Policy.self, from: text)
        } catch let error as PolicyFileError {
            throw error
        } catch {
            throw PolicyFileError(file: file, problems: [PolicyProblem(key: YAMLErrorText.path(of: error), problem: YAMLErrorText.message(of: error))])
        }
        var problems = policy.problems()
        if policy.retention == nil && !recorded {
            problems.append(.init(key: "retention", problem: "is required: state how long personal data beside the case record is kept (《个人信息保护法》第十九条; docs/POLICY-FORMAT.md \"Retention\")"))
        }
        let fileID = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        if policy.policy != (expectedID ?? fileID) {
            problems.insert(.init(key: "policy", problem: "'\(policy.policy)' does not match the file name '\(fileID)'"), at: 0)
        }
        if problems.isEmpty, let examples = policy.examples, let directory {
            problems = policy.learn(from: try exampleAppeals(examples, directory: directory, policyFile: file))
        }
        guard problems.isEmpty else { throw PolicyFileError(file: file, problems: problems) }
        return policy
    }

    /// One line of the `examples` file (the labelled sets' format, Ops/fixtures/labelled).
    private struct ExampleLine: Decodable {
        var subject: String?
        var content: String
        var rule: String?
        var category: String?
    }

    /// The labelled appeals of `examples.file`, refused unless the file has the digest the
    /// policy names: the policy's version then stands for the examples it learned from.
    static func exampleAppeals(_ examples: ExampleAppeals, directory: String, policyFile: String) throws -> [(line: Int, appeal: LabelledAppeal)] {
        let path = "\(directory)/\(examples.file)"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyFileError(file: policyFile, problems: [.init(key: "examples.file", problem: "\(path) cannot be read; it is named relative to the policy's directory")])
        }
        let digest = Hex.string(Array(SHA256.hash(data: data)))
        guard digest == examples.sha256.lowercased() else {
            throw PolicyFileError(file: policyFile, problems: [.init(
                key: "examples.sha256",
                problem: "\(examples.file) has SHA-256 \(digest), not the \(examples.sha256) the policy names; after changing the examples, put their digest here and give the policy a new `version`")])
        }
        var appeals: [(line: Int, appeal: LabelledAppeal)] = []
        var problems: [PolicyProblem] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            let key = "examples.file line \(index + 1)"
            guard let example = try? JSONDecoder().decode(ExampleLine.self, from: Data(line.utf8)) else {
                problems.append(.init(key: key, problem: "is not a JSON object with a string `content`"))
                continue
            }
            guard let label = example.rule ?? example.category else {
                problems.append(.init(key: key, problem: "has neither `rule` nor `category`: an example must carry the label the centre gave it"))
                continue
            }
            appeals.append((index + 1, LabelledAppeal(text: [example.subject, example.content].compactMap { $0 }.joined(separator: "\n"), label: label)))
        }
        guard problems.isEmpty else { throw PolicyFileError(file: policyFile, problems: problems) }
        return appeals
    }
}

/// A policy or routing file that cannot be used.
public struct PolicyFileError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problems: [PolicyProblem]

    public var description: String {
        problems.map { "\(file): \($0.key): \($0.problem)" }.joined(separator: "\n")
    }
}

/// Turns Swift decoding errors into a key path and a sentence.
enum YAMLErrorText {
    static func path(of error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "-" }
        let context: DecodingError.Context
        switch decoding {
        case let .keyNotFound(key, ctx): return join(ctx.codingPath + [key])
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx), let .dataCorrupted(ctx): context = ctx
        @unknown default: return "-"
        }
        return join(context.codingPath)
    }

    static func message(of error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound: return "is required"
        case let .typeMismatch(type, ctx): return "has the wrong type (expected \(type)): \(ctx.debugDescription)"
        case let .valueNotFound(type, _): return "is missing a value of type \(type)"
        case let .dataCorrupted(ctx): return ctx.debugDescription
        @unknown default: return "\(error)"
        }
    }

    /// `scope.redirect[1].keywords`.
    private static func join(_ path: [any CodingKey]) -> String {
        path.reduce("") { text, key in
            if let index = key.intValue { return text + "[\(index)]" }
            return text.isEmpty ? key.stringValue : text + "." + key.stringValue
        }
    }
}
