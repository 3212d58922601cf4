import Foundation

/// The signature a party puts on every message it sends to an inbound topic (issue 19;
/// docs/CONTRACTS.md "Signed messages"): one Kafka header, `hotline-signature`, whose value
/// is three fields separated by one space, none of which can hold a space:
///
///     <key id> <sent at, RFC 3339> <Base64 of the 64-byte Ed25519 signature>
///
/// The signature covers `signedBytes`: the context, the key id, the send time as written
/// in the header, the topic, the Kafka key and the value, each preceded by its length, so
/// no two different messages sign the same bytes.
public struct MessageSignature: Sendable, Equatable {
    public static let header = "hotline-signature"
    /// The first field signed: a signature made for anything else never verifies here.
    public static let context = "hotline-signed-message-v1"

    public var keyID: String
    /// The send time as written in the header: it is signed as these bytes.
    public var sentAtText: String
    public var sentAt: Date
    public var signature: [UInt8]

    public init(keyID: String, sentAtText: String, sentAt: Date, signature: [UInt8]) {
        self.keyID = keyID
        self.sentAtText = sentAtText
        self.sentAt = sentAt
        self.signature = signature
    }

    /// The header's value.
    public var headerValue: [UInt8] {
        Array("\(keyID) \(sentAtText) \(Data(signature).base64EncodedString())".utf8)
    }

    /// Reads the header's value; nil when it is not three well-formed fields.
    public static func parse(_ value: [UInt8]) -> MessageSignature? {
        guard let text = String(validating: value, as: UTF8.self) else { return nil }
        let fields = text.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3, PartyKey.isValidID(String(fields[0])), let sentAt = RFC3339.parse(String(fields[1])),
              let signature = Data(base64Encoded: String(fields[2])), signature.count == 64
        else { return nil }
        return MessageSignature(keyID: String(fields[0]), sentAtText: String(fields[1]), sentAt: sentAt, signature: Array(signature))
    }

    /// What is signed: for each of the context, key id, send time, topic, Kafka key (empty
    /// when the message has none) and value, its length as 4 bytes big-endian, then its bytes.
    public static func signedBytes(keyID: String, sentAtText: String, topic: String, key: [UInt8]?, value: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + keyID.utf8.count + topic.utf8.count + (key?.count ?? 0) + value.count)
        for field in [Array(context.utf8), Array(keyID.utf8), Array(sentAtText.utf8), Array(topic.utf8), key ?? [], value] {
            let length = UInt32(field.count)
            bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
            bytes += field
        }
        return bytes
    }
}
