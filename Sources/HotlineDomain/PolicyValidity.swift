import Foundation

/// How long the regulation itself is in force (鄂尔多斯 第三十三条 「自印发2019年9月1日起实施，有效期
/// 五年」; 长沙 第四十二条 「自2020年10月1日起施行,有效期5年」). A policy run past its end keeps
/// working, since cases cannot wait for the successor text, but says so at start-up, in
/// `hotline status` and in a metric, so the centre loads the regulation now in force.
public struct PolicyValidity: Sendable, Decodable, Equatable {
    public var article: String
    public var note: String?
    /// The first day in force; nil where the text gives none (「自发布之日起施行」).
    public var from: CalendarDate?
    /// The last day in force; nil where the text sets no end.
    public var until: CalendarDate?

    enum CodingKeys: String, CodingKey {
        case article, note, from, until
    }

    public init(article: String, note: String? = nil, from: CalendarDate? = nil, until: CalendarDate? = nil) {
        self.article = article
        self.note = note
        self.from = from
        self.until = until
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        article = try container.decode(String.self, forKey: .article)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        func date(_ key: CodingKeys) throws -> CalendarDate? {
            try container.decodeIfPresent(String.self, forKey: key).map { text in
                guard let date = CalendarDate(text) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "'\(text)' is not a date YYYY-MM-DD")
                }
                return date
            }
        }
        from = try date(.from)
        until = try date(.until)
    }

    /// The regulation's term has ended by `now` (after 23:59:59 +08:00 of `until`).
    public func lapsed(at now: Date) -> Bool {
        until.map { now > $0.endOfDay } ?? false
    }

    /// What an operator is told when the policy runs past its term; nil while in force.
    public func warning(policy: String, version: String, at now: Date) -> String? {
        guard lapsed(at: now), let until else { return nil }
        return "policy \(policy) \(version) has been past its term since \(until) (\(article)); the workers keep applying it: load the regulation now in force"
    }
}

extension Policy {
    func validityProblems() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if validity.article.isEmpty { problems.append(.init(key: "validity.article", problem: "must quote the article on the regulation's term, or name the one that puts it in force")) }
        if let from = validity.from, let until = validity.until, until < from {
            problems.append(.init(key: "validity.until", problem: "\(until) is before validity.from \(from)"))
        }
        return problems
    }
}
