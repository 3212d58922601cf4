import Foundation

/// What a policy's labelled appeals say about a new one: a naive Bayes model over the
/// characters and character pairs of the normalised text (multinomial over which of them
/// occur, add-α smoothing), learned when the policy is loaded.
///
/// Keyword patterns name what their author foresaw; callers who had not read them say
/// 「楼道里全是黑烟我出不去」 or 「我伢子被一个女的抱走哒」, and on appeals written by people who
/// had seen no rule (Ops/fixtures/labelled, README) the patterns found 59 % of the 110
/// matters and 74 % of the categories. Every character pair the centre's staff have seen
/// under a label counts for it, so a new phrasing is judged by all the appeals like it.
/// Pairs stay within a clause; no segmenter is needed, as a Chinese word is one or two
/// characters more often than not.
public struct AppealModel: Sendable, Equatable {
    /// The labels in the order the policy lists them; a tie goes to the first.
    public let labels: [String]
    private let logPrior: [Double]
    /// The row of `logLikelihood` for each character and character pair seen in training.
    private let rows: [UInt64: Int]
    /// `labels.count` values a row: log P(feature | label), smoothed.
    private let logLikelihood: [Double]

    /// One label's score for a text (the log of its unnormalised posterior).
    public struct Score: Sendable, Equatable {
        public var label: String
        public var logScore: Double
    }

    /// Learns from `examples`, whose labels must all be in `labels`; `smoothing` is the α
    /// added to every count.
    public init(labels: [String], examples: [(text: NormalizedText, label: String)], smoothing: Double = 0.1) {
        self.labels = labels
        let column = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var documents = [Int](repeating: 0, count: labels.count)
        var counts: [UInt64: [Int]] = [:]
        var totals = [Int](repeating: 0, count: labels.count)
        for example in examples {
            guard let label = column[example.label] else { continue }
            documents[label] += 1
            for feature in Self.features(of: example.text) {
                counts[feature, default: [Int](repeating: 0, count: labels.count)][label] += 1
                totals[label] += 1
            }
        }
        let total = Double(max(documents.reduce(0, +), 1))
        logPrior = documents.map { log(Double(max($0, 1)) / total) }
        let vocabulary = Double(counts.count)
        var rows: [UInt64: Int] = [:]
        var logLikelihood: [Double] = []
        logLikelihood.reserveCapacity(counts.count * labels.count)
        for (feature, perLabel) in counts.sorted(by: { $0.key < $1.key }) {
            rows[feature] = rows.count
            for label in labels.indices {
                logLikelihood.append(log((Double(perLabel[label]) + smoothing) / (Double(totals[label]) + smoothing * vocabulary)))
            }
        }
        self.rows = rows
        self.logLikelihood = logLikelihood
    }

    /// Every label's score for `text`, best first (ties in `labels` order). Characters and
    /// pairs never seen in training say nothing either way.
    public func ranking(_ text: NormalizedText) -> [Score] {
        var scores = logPrior
        for feature in Self.features(of: text) {
            guard let row = rows[feature] else { continue }
            let base = row * labels.count
            for label in labels.indices { scores[label] += logLikelihood[base + label] }
        }
        return labels.indices
            .sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            .map { Score(label: labels[$0], logScore: scores[$0]) }
    }

    /// The distinct characters and adjacent pairs of each clause, in the order they first
    /// occur (so that sums are added in the same order on every run). A pair is its two
    /// scalars' values side by side, above 2^21 so it never equals a character.
    static func features(of text: NormalizedText) -> [UInt64] {
        var seen = Set<UInt64>()
        var out: [UInt64] = []
        var previous: Unicode.Scalar?
        for scalar in text.scalars {
            guard scalar != NormalizedText.boundary, scalar != " " else {
                previous = nil
                continue
            }
            let single = UInt64(scalar.value)
            if seen.insert(single).inserted { out.append(single) }
            if let previous {
                let pair = (UInt64(previous.value) + 1) << 21 | single
                if seen.insert(pair).inserted { out.append(pair) }
            }
            previous = scalar
        }
        return out
    }
}
