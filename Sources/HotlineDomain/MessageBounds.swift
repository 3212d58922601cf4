import Foundation

/// How large a consumed message's key and headers may be. No topic's key is longer than an
/// adapter's `channel:external_id` or a case id, and no producer sends more than a handful of
/// headers; a message past these bounds is refused at decode (`too_large`), and a dead letter
/// carries at most these many bytes of them, so it always fits in a Kafka message and can
/// never stall the relay.
public enum MessageBounds {
    public static let maximumKeyBytes = 1024
    public static let maximumHeaders = 32
    /// Header names and values together.
    public static let maximumHeaderBytes = 16 * 1024

    /// The refusal of a key or headers past the bounds; nil when they are within them.
    public static func rejection(key: [UInt8]?, headers: [(key: String, value: [UInt8]?)]) -> IntakeRejection? {
        if let key, key.count > maximumKeyBytes {
            return IntakeRejection(
                .tooLarge, "The message key is \(key.count) bytes, over the limit of \(maximumKeyBytes); key the message by channel and external id as the topic describes.",
                field: "/key")
        }
        let headerBytes = headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
        if headers.count > maximumHeaders || headerBytes > maximumHeaderBytes {
            return IntakeRejection(
                .tooLarge,
                "The message has \(headers.count) headers of \(headerBytes) bytes, over the limit of \(maximumHeaders) headers and \(maximumHeaderBytes) bytes; send only the headers the topic describes.",
                field: "/headers")
        }
        return nil
    }
}
