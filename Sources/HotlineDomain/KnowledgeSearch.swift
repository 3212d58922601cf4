import Foundation

/// An entry operators may answer from: the latest approved version (长沙 第八条（二）).
public struct KnowledgeCandidate: Sendable, Equatable {
    public var entryID: String
    public var version: Int
    public var unitID: String
    public var kind: String
    public var title: String
    public var body: String
    public var keywords: [String]
    public var reviewBy: CalendarDate

    public init(entryID: String, version: Int, unitID: String, kind: String, title: String, body: String, keywords: [String], reviewBy: CalendarDate) {
        self.entryID = entryID
        self.version = version
        self.unitID = unitID
        self.kind = kind
        self.title = title
        self.body = body
        self.keywords = keywords
        self.reviewBy = reviewBy
    }
}

/// One ranked entry, with the question's terms it shares, most telling first, so a person
/// can tell a good match from a lucky word.
public struct KnowledgeHit: Sendable, Equatable {
    public var entry: KnowledgeCandidate
    public var score: Double
    /// The share of the question's content the entry holds, 0…1 (`KnowledgeSearch`).
    public var coverage: Double
    public var matchedTerms: [String]
}

/// The ranked entries for a question, and whether the first is a confident answer.
public struct KnowledgeSearchResult: Sendable, Equatable {
    public var hits: [KnowledgeHit]
    /// False: "no confident answer": no entry shares enough with the question to answer at
    /// once (即时办结, 长沙 第十六条（一）), or the best one is about another month, day or
    /// line (`differs`) or another district (`otherPlaces`) than the question; the operator
    /// replies within the policy's limit or the appeal is dispatched, never closed from a
    /// wrong entry.
    public var confident: Bool
    /// What the question names that the first entry names otherwise (`KnowledgeNumbers`).
    public var differs: [KnowledgeNumbers.Kind] = []
    /// The places the question names where the first entry is about others (`KnowledgeSearch`).
    public var otherPlaces: [String] = []
}

/// Knowledge search for operators (长沙 第八条（二）「为在线即时解答和查询提供支撑」; 鄂尔多斯
/// 第十八条（二）「通过查询政务知识库，直接答复来电人」): BM25F over the entries' title, keywords and
/// body as `KnowledgeTerms` (character pairs, single characters weighed low, question words
/// left out), after the policy's `Synonyms`. A question is answered with confidence only
/// when the best entry scores at least `confidentScore` (what the question and the entry
/// share, each term weighed by how rare it is among the entries) and names no other month,
/// day or line than the question does (`KnowledgeNumbers`), nor only other places of the
/// policy's `knowledge.places`. A question the base cannot answer shares a place or a word
/// by luck; the share of the question an entry holds (`KnowledgeHit.coverage`, shown to the
/// operator) was tried as the measure first and told four in five answerable questions of a
/// blind part "no confident answer", a rambling caller's filler counting against them
/// (Ops/fixtures/labelled/README.md).
public struct KnowledgeSearch: Sendable {
    /// Chosen on the tuning questions (Ops/fixtures/labelled/knowledge-tuning.json,
    /// knowledge-heldout-2.json and Ops/fixtures/knowledge/questions.json; it holds with
    /// knowledge-heldout-3.json added) by `KnowledgeLabelledSetTests.calibrationOnTheTuningPart`,
    /// for these entries' BM25 scale.
    public static let confidentScore = 16.0

    static let fieldWeights = (title: 2.0, keywords: 2.0, body: 1.0)
    static let characterWeight = 0.25
    static let k1 = 1.2
    static let b = 0.75

    private struct Document: Sendable {
        var candidate: KnowledgeCandidate
        var title: [String: Int]
        var keywords: [String: Int]
        var body: [String: Int]
        var lengths: (title: Double, keywords: Double, body: Double)
        var numbers: KnowledgeNumbers
        /// The policy's places the entry names.
        var places: Set<String>
    }

    private let documents: [Document]
    private let documentFrequency: [String: Int]
    private let averageLengths: (title: Double, keywords: Double, body: Double)
    private let synonyms: Synonyms
    private let places: [String]

    /// `places`: the jurisdiction's districts and counties (`KnowledgeRules.places`).
    public init(entries: [KnowledgeCandidate], synonyms: Synonyms, places: [String]) {
        self.synonyms = synonyms
        let places = places.map { Self.flat(synonyms.canonical(NormalizedText($0))) }
        self.places = places
        func terms(_ text: String) -> [String: Int] { KnowledgeTerms.counts(synonyms.canonical(NormalizedText(text))) }
        documents = entries.map { entry in
            let title = terms(entry.title)
            let keywords = terms(entry.keywords.joined(separator: "，"))
            let body = terms(entry.body)
            let length = { (counts: [String: Int]) in Double(counts.values.reduce(0, +)) }
            let whole = NormalizedText([entry.title, entry.body, entry.keywords.joined(separator: "，")].joined(separator: "\n"))
            let flat = Self.flat(synonyms.canonical(whole))
            return Document(
                candidate: entry, title: title, keywords: keywords, body: body, lengths: (length(title), length(keywords), length(body)),
                numbers: KnowledgeNumbers(whole), places: Set(places.filter(flat.contains)))
        }
        var frequency: [String: Int] = [:]
        for document in documents {
            for term in Set(document.title.keys).union(document.keywords.keys).union(document.body.keys) { frequency[term, default: 0] += 1 }
        }
        documentFrequency = frequency
        let count = Double(max(documents.count, 1))
        averageLengths = (
            max(documents.map(\.lengths.title).reduce(0, +) / count, 1),
            max(documents.map(\.lengths.keywords).reduce(0, +) / count, 1),
            max(documents.map(\.lengths.body).reduce(0, +) / count, 1))
    }

    /// The best `limit` entries for the question, best first (ties by entry id).
    public func search(_ question: String, limit: Int) -> KnowledgeSearchResult {
        let text = synonyms.canonical(NormalizedText(question))
        let query = KnowledgeTerms.counts(text)
        let units = KnowledgeTerms.units(text)
        guard !query.isEmpty, !units.isEmpty else { return KnowledgeSearchResult(hits: [], confident: false) }
        var hits: [KnowledgeHit] = []
        for document in documents {
            var score = 0.0
            var shared: [(term: String, contribution: Double)] = []
            for term in query.keys {
                let frequency = Self.fieldWeights.title * normalised(document.title[term], document.lengths.title, averageLengths.title)
                    + Self.fieldWeights.keywords * normalised(document.keywords[term], document.lengths.keywords, averageLengths.keywords)
                    + Self.fieldWeights.body * normalised(document.body[term], document.lengths.body, averageLengths.body)
                guard frequency > 0 else { continue }
                let contribution = weight(of: term) * frequency * (Self.k1 + 1) / (frequency + Self.k1)
                score += contribution
                shared.append((term, contribution))
            }
            guard score > 0 else { continue }
            let terms = shared.sorted { ($0.contribution, $1.term) > ($1.contribution, $0.term) }.map(\.term)
            let coverage = coverage(of: units, by: Set(terms))
            hits.append(KnowledgeHit(entry: document.candidate, score: score, coverage: coverage, matchedTerms: Self.shown(terms)))
        }
        hits.sort { ($0.score, $1.entry.entryID) > ($1.score, $0.entry.entryID) }
        let top = Array(hits.prefix(limit))
        let first = top.first.flatMap { hit in documents.first { $0.candidate.entryID == hit.entry.entryID } }
        let differs = first.map { KnowledgeNumbers(text).differs(from: $0.numbers) } ?? []
        let otherPlaces = first.map { self.otherPlaces(asked: Self.flat(text), of: $0) } ?? []
        return KnowledgeSearchResult(
            hits: top, confident: (top.first?.score ?? 0) >= Self.confidentScore && differs.isEmpty && otherPlaces.isEmpty,
            differs: differs, otherPlaces: otherPlaces)
    }

    /// The places the question names, in the policy's order, when `entry` names places and
    /// none of them: 芙蓉区's service centre for 「天心区政务服务中心几点下班」. Empty otherwise (an
    /// entry for the whole city answers a question naming any district).
    private func otherPlaces(asked question: String, of entry: Document) -> [String] {
        let asked = places.filter(question.contains)
        guard !asked.isEmpty, !entry.places.isEmpty, entry.places.isDisjoint(with: asked) else { return [] }
        return asked
    }

    /// A normalised text as one string without clause breaks or spaces, for finding a place
    /// in it however the caller spaced it.
    static func flat(_ text: NormalizedText) -> String {
        String(String.UnicodeScalarView(text.scalars.filter { $0 != NormalizedText.boundary && $0 != " " }))
    }

    /// The share of the question's content an entry holds: each character or word weighs its
    /// inverse document frequency (one no entry holds weighs most, so 护照 in a question the
    /// base cannot answer keeps the share low); it counts whole when a shared pair or word
    /// holds it, `characterWeight` when only the character itself is shared.
    private func coverage(of units: [KnowledgeTerms.Unit], by shared: Set<String>) -> Double {
        var total = 0.0
        var held = 0.0
        for (index, unit) in units.enumerated() {
            let weight = inverseFrequency(unit.term)
            total += weight
            let paired = (index > 0 && units[index - 1].joinsNext && shared.contains(units[index - 1].term + unit.term))
                || (unit.joinsNext && index + 1 < units.count && shared.contains(unit.term + units[index + 1].term))
            if paired || (!KnowledgeTerms.isCharacter(unit.term) && shared.contains(unit.term)) {
                held += weight
            } else if shared.contains(unit.term) {
                held += weight * Self.characterWeight
            }
        }
        return total > 0 ? held / total : 0
    }

    private func inverseFrequency(_ term: String) -> Double {
        let count = Double(documents.count)
        let frequency = Double(documentFrequency[term] ?? 0)
        return log(1 + (count - frequency + 0.5) / (frequency + 0.5))
    }

    /// A term's weight: its inverse document frequency (a term no entry holds weighs most),
    /// a single character a quarter of it.
    private func weight(of term: String) -> Double {
        KnowledgeTerms.isCharacter(term) ? inverseFrequency(term) * Self.characterWeight : inverseFrequency(term)
    }

    private func normalised(_ count: Int?, _ length: Double, _ average: Double) -> Double {
        guard let count, count > 0 else { return 0 }
        return Double(count) / (1 - Self.b + Self.b * length / average)
    }

    /// Pairs and words, then single characters no shown pair holds.
    private static func shown(_ terms: [String]) -> [String] {
        let words = terms.filter { !KnowledgeTerms.isCharacter($0) }
        let characters = terms.filter { term in KnowledgeTerms.isCharacter(term) && !words.contains { $0.contains(term) } }
        return words + characters
    }
}
