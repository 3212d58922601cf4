import Foundation

/// A message that could not be processed, on `hotline.intake.dlq.v1`: the original
/// bytes and headers, where it came from, and precisely why.
public struct DeadLetter: Sendable, Encodable, Equatable {
    public struct Source: Sendable, Encodable, Equatable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        public var timestamp: String?

        public init(topic: String, partition: Int32, offset: Int64, timestamp: Date?) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
            self.timestamp = timestamp.map(RFC3339.format)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(topic, forKey: .topic)
            try container.encode(partition, forKey: .partition)
            try container.encode(offset, forKey: .offset)
            try container.encode(timestamp, forKey: .timestamp)
        }

        enum CodingKeys: String, CodingKey { case topic, partition, offset, timestamp }
    }

    public struct Header: Sendable, Encodable, Equatable {
        public var key: String
        public var valueBase64: String?

        public init(key: String, value: [UInt8]?) {
            self.key = key
            self.valueBase64 = value.map { Data($0).base64EncodedString() }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(valueBase64, forKey: .valueBase64)
        }

        enum CodingKeys: String, CodingKey {
            case key
            case valueBase64 = "value_base64"
        }
    }

    public var eventID: UUID
    public var worker: String
    public var rejection: IntakeRejection
    public var source: Source
    public var originalKey: [UInt8]?
    public var originalValue: [UInt8]
    public var originalHeaders: [Header]
    public var deadLetteredAt: Date
    /// The original value's size; only its first `keptBytes` are carried, so a dead
    /// letter of a huge message still fits in a Kafka message (base64 grows it by a third).
    public var originalSize: Int
    public static let keptBytes = 256 * 1024
    /// The key or the headers were cut to `MessageBounds` (a message refused for them).
    let cut: Bool

    /// The first headers, until their names and values reach `MessageBounds`.
    private static func bounded(_ headers: [Header]) -> [Header] {
        var kept: [Header] = []
        var bytes = 0
        for header in headers.prefix(MessageBounds.maximumHeaders) {
            bytes += header.key.utf8.count + (header.valueBase64?.count ?? 0) * 3 / 4
            if bytes > MessageBounds.maximumHeaderBytes { break }
            kept.append(header)
        }
        return kept
    }

    public init(
        eventID: UUID, worker: String, rejection: IntakeRejection, source: Source,
        originalKey: [UInt8]?, originalValue: [UInt8]?, originalHeaders: [Header], deadLetteredAt: Date
    ) {
        self.eventID = eventID
        self.worker = worker
        self.rejection = rejection
        self.source = source
        self.originalKey = originalKey.map { Array($0.prefix(MessageBounds.maximumKeyBytes)) }
        self.originalSize = originalValue?.count ?? 0
        self.originalValue = Array((originalValue ?? []).prefix(Self.keptBytes))
        self.originalHeaders = Self.bounded(originalHeaders)
        self.cut = (originalKey?.count ?? 0) > MessageBounds.maximumKeyBytes || self.originalHeaders != originalHeaders
        self.deadLetteredAt = deadLetteredAt
    }

    enum CodingKeys: String, CodingKey {
        case worker, reason, field, source, original
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case reasonCode = "reason_code"
        case deadLetteredAt = "dead_lettered_at"
    }

    enum OriginalKeys: String, CodingKey {
        case headers, truncated
        case sizeBytes = "size_bytes"
        case keyBase64 = "key_base64"
        case valueBase64 = "value_base64"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(worker, forKey: .worker)
        try container.encode(rejection.reason.rawValue, forKey: .reasonCode)
        try container.encode(rejection.message, forKey: .reason)
        try container.encodeIfPresent(rejection.field, forKey: .field)
        try container.encode(source, forKey: .source)
        var original = container.nestedContainer(keyedBy: OriginalKeys.self, forKey: .original)
        try original.encode(originalKey.map { Data($0).base64EncodedString() }, forKey: .keyBase64)
        try original.encode(Data(originalValue).base64EncodedString(), forKey: .valueBase64)
        try original.encode(originalHeaders, forKey: .headers)
        try original.encode(originalSize, forKey: .sizeBytes)
        try original.encode(originalSize > originalValue.count || cut, forKey: .truncated)
        try container.encode(RFC3339.format(deadLetteredAt), forKey: .deadLetteredAt)
    }
}
