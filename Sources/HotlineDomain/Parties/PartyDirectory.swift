import Foundation

/// The parties and their public keys as loaded at one moment: answers which keys of a
/// party count at an instant. A worker keeps one in memory and reloads it when the
/// directory's change log grows.
public struct PartyDirectory: Sendable, Equatable {
    public let parties: [Party]
    public let keys: [PartyKey]
    private let partyByID: [String: Party]
    private let keyByID: [String: PartyKey]
    private let keysByParty: [String: [PartyKey]]

    public init(parties: [Party], keys: [PartyKey]) {
        self.parties = parties
        self.keys = keys
        partyByID = Dictionary(parties.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        keyByID = Dictionary(keys.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
        keysByParty = Dictionary(grouping: keys, by: \.partyID)
    }

    public static let empty = PartyDirectory(parties: [], keys: [])

    public func party(_ id: String) -> Party? { partyByID[id] }

    public func key(_ keyID: String) -> PartyKey? { keyByID[keyID] }

    public func keys(of partyID: String) -> [PartyKey] { keysByParty[partyID] ?? [] }

    /// The signing keys of `partyID` valid at `instant`: during a rotation's overlap, the old and the new.
    public func signingKeys(of partyID: String, at instant: Date) -> [PartyKey] {
        keys(of: partyID).filter { $0.purpose == .signing && $0.isValid(at: instant) }
    }

    /// The key to seal to `partyID` at `instant`: of its valid sealing keys, the one valid
    /// from the latest instant, so a rotation's new key takes over at once.
    public func sealingKey(of partyID: String, at instant: Date) -> PartyKey? {
        keys(of: partyID).filter { $0.purpose == .sealing && $0.isValid(at: instant) }.max { $0.validFrom < $1.validFrom }
    }

    /// The key a dead letter's original is sealed to at `instant`: the centre's, since only
    /// the centre's operators read dead letters and replay them (DESIGN "Personal data";
    /// issue 20: dead-lettered originals are sealed at rest). Of the centre parties with a
    /// valid sealing key, the first by id, so every worker picks the same one.
    public func deadLetterRecipient(at instant: Date) -> PartyKey? {
        parties.filter { $0.kind == .centre }.map(\.id).sorted().lazy.compactMap { sealingKey(of: $0, at: instant) }.first
    }

    /// The keys a rotation at `instant` ends, each with the end of its overlap: every key
    /// of `partyID` for `purpose` valid at `instant` that would otherwise outlive `instant + overlap`.
    public func keysEndedByRotation(of partyID: String, purpose: KeyPurpose, at instant: Date, overlap: TimeInterval) -> [(keyID: String, until: Date)] {
        let until = instant.addingTimeInterval(overlap)
        return keys(of: partyID)
            .filter { $0.purpose == purpose && $0.isValid(at: instant) && ($0.validUntil.map { $0 > until } ?? true) && ($0.revokedAt.map { $0 > until } ?? true) }
            .sorted { $0.keyID < $1.keyID }
            .map { ($0.keyID, until) }
    }
}
