import Crypto
import Foundation
import HotlineDomain
@testable import HotlineWorkers
import Testing

/// DESIGN.md "Bad input is data, not a crash": what no retry can store is refused at decode
/// with its own reason, and a dead letter always fits in a Kafka message.
@Suite struct DecodeBoundsTests {
    static let decoder = IntakeEventDecoder(maximumBytes: 65_536)

    static func appeal(content: String) -> [UInt8] {
        Array("""
            {"schema_version":1,"event_id":"evt-nul-000001","channel":"phone","external_id":"CC-NUL-1",
             "received_at":"2026-10-12T09:00:00+08:00","caller":{"name":"测试","phone":"13900000001"},
             "content":"\(content)","category":"complaint"}
            """.utf8)
    }

    /// Valid JSON that PostgreSQL cannot store as text (SQLSTATE 22021): refused with a sentence and the field.
    @Test func textHoldingNULIsRefusedAtDecode() throws {
        guard case let .failure(rejection) = Self.decoder.decode(Self.appeal(content: #"路面破损\u0000严重"#)) else {
            Issue.record("an appeal holding U+0000 was accepted")
            return
        }
        #expect(rejection.reason == .nulCharacter)
        #expect(rejection.field == "/content")
        #expect(rejection.message.contains("U+0000") && !rejection.message.contains("\u{0}"))
    }

    /// The six characters \u0000 spelled out by the caller (an escaped backslash) are text like any other.
    @Test func anEscapedBackslashBeforeU0000IsOrdinaryText() throws {
        guard case .success = Self.decoder.decode(Self.appeal(content: #"他说\\u0000是什么意思，小区门口道路破损严重"#)) else {
            Issue.record("ordinary text was refused")
            return
        }
    }

    @Test func aKeyOrHeadersPastTheBoundsAreRefused() {
        #expect(MessageBounds.rejection(key: Array(repeating: 0x61, count: 1024), headers: []) == nil)
        #expect(MessageBounds.rejection(key: Array(repeating: 0x61, count: 1025), headers: [])?.field == "/key")
        let many = (0..<33).map { (key: "h\($0)", value: Optional([UInt8]([1]))) }
        #expect(MessageBounds.rejection(key: nil, headers: many)?.field == "/headers")
        #expect(MessageBounds.rejection(key: nil, headers: [(key: "big", value: Array(repeating: 0, count: 17_000))])?.reason == .tooLarge)
    }

    /// A dead letter of a message with a huge key and headers carries them cut and says so,
    /// so the dead-letter topic never receives a message larger than the broker takes.
    @Test func aDeadLetterCarriesTheKeyAndHeadersCut() throws {
        let letter = DeadLetter(
            eventID: UUID(), worker: "intake", rejection: IntakeRejection(.tooLarge, "key too large", field: "/key"),
            source: .init(topic: "hotline.intake.v1", partition: 0, offset: 7, timestamp: nil),
            originalKey: Array(repeating: 0x6B, count: 100_000), originalValue: Array("{}".utf8),
            originalHeaders: (0..<100).map { DeadLetter.Header(key: "h\($0)", value: Array(repeating: 0x76, count: 900)) },
            deadLetteredAt: Date(timeIntervalSince1970: 1_790_000_000))
        #expect(letter.originalKey?.count == MessageBounds.maximumKeyBytes)
        #expect(letter.originalHeaders.count <= MessageBounds.maximumHeaders)
        let centre = PartySealingKey(keyID: "centre:sealing:1", publicKey: Array(Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation))
        let bytes = try EventJSON.encode(try DeadLetterSealing.sealed(letter, to: centre))
        #expect(bytes.count < 64 * 1024)
        let original = try #require((try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?["original"] as? [String: Any])
        #expect(original["truncated"] as? Bool == true)
    }
}
