/// Words callers use for what the knowledge base says in other words (自来水的钱 for 水费,
/// 驾照 for 驾驶证, 的士 for 出租车), kept as data in the policy's `synonyms` section: each
/// group's first word is the one the entries use; every other word of the group is read
/// as it, in questions and entries alike, so they share their search terms.
public struct Synonyms: Sendable, Equatable {
    public let groups: [[String]]
    /// Variant (normalised) → canonical (normalised), by the variant's first scalar, longest first.
    private let variants: [Unicode.Scalar: [(variant: [Unicode.Scalar], canonical: [Unicode.Scalar])]]

    public init(groups: [[String]]) {
        self.groups = groups
        var variants: [Unicode.Scalar: [(variant: [Unicode.Scalar], canonical: [Unicode.Scalar])]] = [:]
        for group in groups {
            guard let canonical = group.first.map({ NormalizedText($0).scalars }), !canonical.isEmpty else { continue }
            for word in group.dropFirst() {
                let variant = NormalizedText(word).scalars
                guard let first = variant.first, variant != canonical else { continue }
                variants[first, default: []].append((variant, canonical))
            }
        }
        self.variants = variants.mapValues { $0.sorted { $0.variant.count > $1.variant.count } }
    }

    public static let none = Synonyms(groups: [])

    /// The text with every variant, longest first, replaced by its group's first word.
    public func canonical(_ text: NormalizedText) -> NormalizedText {
        guard !variants.isEmpty else { return text }
        let scalars = text.scalars
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            if let candidates = variants[scalars[index]],
               let hit = candidates.first(where: { TextPattern.occurs($0.variant, in: scalars, at: index) }) {
                out += hit.canonical
                index += hit.variant.count
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return NormalizedText(normalized: out)
    }

    public static func == (lhs: Synonyms, rhs: Synonyms) -> Bool { lhs.groups == rhs.groups }
}

extension NormalizedText {
    /// Scalars already normalised (a rewrite of a `NormalizedText`).
    init(normalized scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        positions = Self.positions(of: scalars)
    }
}
