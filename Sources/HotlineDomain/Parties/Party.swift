/// A party of the hotline with keys in the directory (issue 19; DESIGN "Parties are
/// authenticated"): whoever signs what it sends, and whoever receives sealed data.
public struct Party: Sendable, Equatable {
    public var id: String
    public var kind: PartyKind
    public var displayName: String

    public init(id: String, kind: PartyKind, displayName: String) {
        self.id = id
        self.kind = kind
        self.displayName = displayName
    }

    /// Whether `id` can be a party id: what `parties.party_id` accepts (migration 0023).
    public static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, (1...64).contains(id.unicodeScalars.count) else { return false }
        let lowerDigit: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        return lowerDigit(first) && id.unicodeScalars.allSatisfy { lowerDigit($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }
}

/// What a party is to the hotline, and so what it may send.
public enum PartyKind: String, Sendable, CaseIterable {
    /// The 12345 centre's staff and console: centre actions, knowledge approvals.
    case centre
    /// A 承办单位 of the routing file's network: its own unit actions; receives sealed work orders.
    case unit
    /// A channel (phone, web, app…) publishing appeals.
    case channelAdapter = "channel_adapter"
    /// An SMS gateway, IVR or the centre's callback seats: callback results.
    case callbackAdapter = "callback_adapter"
}
