import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// The directory's answers at an instant (issue 19): which keys of a party verify what it
/// signs, to which key its data is sealed, and what a rotation ends.
@Suite struct PartyDirectoryTests {
    func instant(_ text: String) throws -> Date { try #require(RFC3339.parse(text)) }

    func key(_ id: String, _ party: String = "yuelu", _ purpose: KeyPurpose = .signing, from: String, until: String? = nil, revoked: String? = nil) throws -> PartyKey {
        PartyKey(
            keyID: id, partyID: party, purpose: purpose, publicKey: Array(repeating: UInt8(id.count), count: 32),
            validFrom: try instant(from), validUntil: try until.map(instant), revokedAt: try revoked.map(instant))
    }

    @Test func aKeyCountsFromItsStartUntilItsEndOrRevocationWhicheverComesFirst() throws {
        let rotated = try key("old", from: "2026-03-01T00:00:00Z", until: "2026-03-10T00:00:00Z", revoked: "2026-03-05T00:00:00Z")
        #expect(!rotated.isValid(at: try instant("2026-02-28T23:59:59Z")))
        #expect(rotated.isValid(at: try instant("2026-03-01T00:00:00Z")))
        #expect(rotated.isValid(at: try instant("2026-03-04T23:59:59Z")))
        #expect(!rotated.isValid(at: try instant("2026-03-05T00:00:00Z")))
        let open = try key("open", from: "2026-03-01T00:00:00Z")
        #expect(open.isValid(at: try instant("2030-01-01T00:00:00Z")))
    }

    @Test func duringARotationsOverlapBothSigningKeysVerifyButOnlyTheNewSealingKeyIsUsed() throws {
        let directory = PartyDirectory(
            parties: [Party(id: "yuelu", kind: .unit, displayName: "岳麓区")],
            keys: [
                try key("s-old", from: "2026-03-01T00:00:00Z", until: "2026-03-11T00:00:00Z"),
                try key("s-new", from: "2026-03-10T00:00:00Z"),
                try key("x-old", "yuelu", .sealing, from: "2026-03-01T00:00:00Z", until: "2026-03-11T00:00:00Z"),
                try key("x-new", "yuelu", .sealing, from: "2026-03-10T00:00:00Z"),
                try key("other", "furong", from: "2026-03-01T00:00:00Z"),
            ])
        let overlap = try instant("2026-03-10T12:00:00Z")
        #expect(directory.signingKeys(of: "yuelu", at: overlap).map(\.keyID) == ["s-old", "s-new"])
        #expect(directory.sealingKey(of: "yuelu", at: overlap)?.keyID == "x-new")
        #expect(directory.sealingKey(of: "yuelu", at: try instant("2026-03-05T00:00:00Z"))?.keyID == "x-old")
        #expect(directory.signingKeys(of: "yuelu", at: try instant("2026-03-11T00:00:00Z")).map(\.keyID) == ["s-new"])
        #expect(directory.sealingKey(of: "furong", at: overlap) == nil)
        #expect(directory.signingKeys(of: "nobody", at: overlap).isEmpty)
    }

    @Test func aRotationEndsTheCurrentKeysOfThatPurposeAfterTheOverlapAndLeavesEarlierEndsAlone() throws {
        let directory = PartyDirectory(
            parties: [Party(id: "yuelu", kind: .unit, displayName: "岳麓区")],
            keys: [
                try key("current", from: "2026-03-01T00:00:00Z"),
                try key("ending-soon", from: "2026-03-01T00:00:00Z", until: "2026-03-10T06:00:00Z"),
                try key("ending-late", from: "2026-03-01T00:00:00Z", until: "2026-04-01T00:00:00Z"),
                try key("revoked", from: "2026-03-01T00:00:00Z", revoked: "2026-03-02T00:00:00Z"),
                try key("sealing", "yuelu", .sealing, from: "2026-03-01T00:00:00Z"),
            ])
        let now = try instant("2026-03-10T00:00:00Z")
        let ended = directory.keysEndedByRotation(of: "yuelu", purpose: .signing, at: now, overlap: 24 * 3600)
        #expect(ended.map(\.keyID) == ["current", "ending-late"])
        #expect(ended.allSatisfy { $0.until == now.addingTimeInterval(24 * 3600) })
    }

    @Test func idsAreCheckedAsTheDirectoryTableChecksThem() {
        #expect(Party.isValidID("city-urban"))
        #expect(Party.isValidID("changsha.12345_centre"))
        #expect(!Party.isValidID("City"))
        #expect(!Party.isValidID("-lead"))
        #expect(!Party.isValidID(""))
        #expect(!Party.isValidID(String(repeating: "a", count: 65)))
        #expect(PartyKey.isValidID("yuelu:signing:3f1c0a5e9b27d480"))
        #expect(!PartyKey.isValidID(":signing"))
    }

    @Test func aKeyIDNamesThePartyThePurposeAndTheKeysFingerprint() {
        let publicKey = Array(repeating: UInt8(7), count: 32)
        let id = PartyKeyFile.keyID(party: "yuelu", purpose: .signing, publicKey: publicKey)
        #expect(id.hasPrefix("yuelu:signing:") && id.count == "yuelu:signing:".count + 16)
        #expect(id != PartyKeyFile.keyID(party: "yuelu", purpose: .signing, publicKey: Array(repeating: UInt8(8), count: 32)))
        #expect(PartyKey.isValidID(id))
    }
}
