import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Issue 19: who sent a message on an inbound topic, and whether it may send it. The
/// authenticator is given the real Ed25519 verification; the keys are generated here.
@Suite struct SignedMessageTests {
    static let now = RFC3339.parse("2026-12-06T10:00:00+08:00")!
    static let yuelu = Party(id: "yuelu", kind: .unit, displayName: "岳麓区")
    static let furong = Party(id: "furong", kind: .unit, displayName: "芙蓉区")
    static let centre = Party(id: "centre", kind: .centre, displayName: "12345 中心")
    static let desk = Party(id: "callback-desk", kind: .callbackAdapter, displayName: "回访坐席")
    static let topic = "hotline.unit-actions.v1"

    struct Signer {
        var party: Party
        var privateKeyFile: String
        var key: PartyKey
    }

    /// A key pair for `party`, the private half in a file as `hotline parties keys generate` writes it.
    static func signer(_ party: Party, from: Date = now.addingTimeInterval(-86_400), until: Date? = nil, revoked: Date? = nil) throws -> Signer {
        let pair = PartyKeyFile.generate(.signing)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("signed-\(UUID().uuidString).key").path
        try PartyKeyFile.write(pair.privateKey, to: file)
        let key = PartyKey(
            keyID: PartyKeyFile.keyID(party: party.id, purpose: .signing, publicKey: pair.publicKey), partyID: party.id, purpose: .signing,
            publicKey: pair.publicKey, validFrom: from, validUntil: until, revokedAt: revoked)
        return Signer(party: party, privateKeyFile: file, key: key)
    }

    static func authenticator(_ signers: [Signer]) -> MessageAuthenticator {
        MessageAuthenticator(
            directory: PartyDirectory(parties: [yuelu, furong, centre, desk], keys: signers.map(\.key)), verify: SignatureVerification.verify)
    }

    static func header(_ signer: Signer, topic: String = topic, key: [UInt8]? = Array("case-1".utf8), value: [UInt8], sentAt: Date = now) throws -> (key: String, value: [UInt8]?) {
        let signature = try SignatureVerification.sign(
            topic: topic, key: key, value: value, as: signer.party.id, with: try PartyKeyFile.signingKey(at: signer.privateKeyFile),
            sentAtText: RFC3339.format(sentAt))
        return (MessageSignature.header, signature.headerValue)
    }

    let value = Array(#"{"type":"sign","unit_id":"yuelu"}"#.utf8)

    @Test func aMessageSignedWithAValidKeyNamesItsSender() throws {
        let yuelu = try Self.signer(Self.yuelu)
        let sender = Self.authenticator([yuelu]).sender(
            topic: Self.topic, key: Array("case-1".utf8), value: value, headers: [try Self.header(yuelu, value: value)], receivedAt: Self.now)
        #expect(try sender.get() == Self.yuelu)
    }

    /// Unsigned, altered, moved to another topic or key, signed by an unknown, revoked or
    /// expired key, or sent outside the window: each is `unauthenticated`, and no sentence
    /// names a party.
    @Test func everyWayOfFailingToAuthenticateIsRefusedWithoutNamingAParty() throws {
        let yuelu = try Self.signer(Self.yuelu)
        let revoked = try Self.signer(Self.yuelu, revoked: Self.now.addingTimeInterval(-60))
        let rotatedOut = try Self.signer(Self.yuelu, until: Self.now.addingTimeInterval(-1))
        let notYet = try Self.signer(Self.yuelu, from: Self.now.addingTimeInterval(60))
        let stranger = try Self.signer(Self.furong)
        let authenticator = Self.authenticator([yuelu, revoked, rotatedOut, notYet])
        let key = Array("case-1".utf8)
        let good = try Self.header(yuelu, value: value)
        let cases: [(String, topic: String, key: [UInt8]?, value: [UInt8], headers: [(key: String, value: [UInt8]?)])] = [
            ("unsigned", Self.topic, key, value, []),
            ("twice", Self.topic, key, value, [good, good]),
            ("garbled", Self.topic, key, value, [(MessageSignature.header, Array("yuelu:signing:00 now sig".utf8))]),
            ("altered value", Self.topic, key, Array(#"{"type":"sign","unit_id":"furong"}"#.utf8), [good]),
            ("other key", Self.topic, Array("case-2".utf8), value, [good]),
            ("other topic", "hotline.centre-actions.v1", key, value, [good]),
            ("unknown key", Self.topic, key, value, [try Self.header(stranger, value: value)]),
            ("revoked", Self.topic, key, value, [try Self.header(revoked, value: value)]),
            ("rotated out", Self.topic, key, value, [try Self.header(rotatedOut, value: value)]),
            ("not yet valid", Self.topic, key, value, [try Self.header(notYet, value: value)]),
            ("too old", Self.topic, key, value, [try Self.header(yuelu, value: value, sentAt: Self.now.addingTimeInterval(-MessageAuthenticator.window - 1))]),
            ("from the future", Self.topic, key, value, [try Self.header(yuelu, value: value, sentAt: Self.now.addingTimeInterval(MessageAuthenticator.futureSkew + 1))]),
        ]
        for (name, topic, key, value, headers) in cases {
            let result = authenticator.sender(topic: topic, key: key, value: value, headers: headers, receivedAt: Self.now)
            guard case let .failure(rejection) = result else {
                Issue.record("\(name): accepted")
                continue
            }
            #expect(rejection.reason == .unauthenticated, "\(name)")
            #expect(!rejection.message.contains("yuelu") && !rejection.message.contains("furong"), "\(name): \(rejection.message)")
        }
    }

    /// The signed bytes are length-prefixed: moving a byte from the key to the value signs
    /// different bytes, so one signature never covers two messages.
    @Test func theSignedBytesCannotBeShiftedBetweenFields() {
        let a = MessageSignature.signedBytes(keyID: "k", sentAtText: "t", topic: "topic", key: Array("ab".utf8), value: Array("c".utf8))
        let b = MessageSignature.signedBytes(keyID: "k", sentAtText: "t", topic: "topic", key: Array("a".utf8), value: Array("bc".utf8))
        let none = MessageSignature.signedBytes(keyID: "k", sentAtText: "t", topic: "topic", key: nil, value: Array("c".utf8))
        #expect(a != b)
        #expect(Array(none.suffix(9)) == [0, 0, 0, 0, 0, 0, 0, 1, 0x63], "an absent key signs as an empty field")
        #expect(Array(a.prefix(4)) == [0, 0, 0, 25] && Array(a[4..<29]) == Array(MessageSignature.context.utf8))
    }

    func action(_ actor: ActionActor) -> CaseAction {
        CaseAction(eventID: "e1", caseID: UUID(), actor: actor, occurredAt: Self.now, kind: .sign)
    }

    /// A unit acts only for itself; only the centre acts as the centre.
    @Test func aUnitActsOnlyForItselfAndOnlyTheCentreActsAsTheCentre() {
        let unitAction = action(.unit(id: "yuelu", staffID: "s1"))
        #expect(SenderAuthorisation.refusal(of: unitAction, from: Self.yuelu) == nil)
        #expect(SenderAuthorisation.refusal(of: unitAction, from: Self.furong) != nil)
        #expect(SenderAuthorisation.refusal(of: unitAction, from: Self.centre) != nil)
        let centreAction = action(.centre(staffID: "zx-1"))
        #expect(SenderAuthorisation.refusal(of: centreAction, from: Self.centre) == nil)
        #expect(SenderAuthorisation.refusal(of: centreAction, from: Self.yuelu) != nil)
        #expect(SenderAuthorisation.refusal(of: centreAction, from: Self.desk) != nil)
        #expect(SenderAuthorisation.refusal(of: unitAction, from: Self.furong)?.contains("yuelu") == false, "the sentence names no other unit")
    }

    /// 长沙 第八条（二）: a unit publishes its own entries; only the centre reviews them.
    @Test func onlyTheOwnerPublishesAnEntryAndOnlyTheCentreReviewsIt() {
        let entry = KnowledgeEvent.published(KnowledgeEntry(
            eventID: "k1", entryID: "yuelu-1", version: 1, unitID: "yuelu", staffID: "s1", kind: .policy, duty: nil,
            title: "t", body: "b", keywords: [], publishedAt: Self.now, reviewBy: CalendarDate(year: 2027, month: 1, day: 1)!))
        let review = KnowledgeEvent.reviewed(KnowledgeReview(
            eventID: "k2", entryID: "yuelu-1", version: 1, staffID: "zx-1", approved: true, reason: nil, occurredAt: Self.now))
        #expect(SenderAuthorisation.refusal(of: entry, from: Self.yuelu) == nil)
        #expect(SenderAuthorisation.refusal(of: entry, from: Self.furong) != nil)
        #expect(SenderAuthorisation.refusal(of: review, from: Self.centre) == nil)
        #expect(SenderAuthorisation.refusal(of: review, from: Self.yuelu) != nil)
    }

    /// A result comes from the task's performer: its unit (宜宾), or else a callback adapter.
    @Test func aCallbackResultComesOnlyFromTheTasksPerformer() {
        #expect(SenderAuthorisation.refusal(ofResultFor: "yuelu", from: Self.yuelu) == nil)
        #expect(SenderAuthorisation.refusal(ofResultFor: "yuelu", from: Self.furong) != nil)
        #expect(SenderAuthorisation.refusal(ofResultFor: "yuelu", from: Self.desk) != nil)
        #expect(SenderAuthorisation.refusal(ofResultFor: nil, from: Self.desk) == nil)
        #expect(SenderAuthorisation.refusal(ofResultFor: nil, from: Self.yuelu) != nil)
    }
}
