import Foundation

/// A message that could not be processed, on `hotline.intake.dlq.v1`: where it came from,
/// precisely why, and its original bytes and headers sealed to the centre (`sealed`), since
/// an appeal's original holds the caller's name, phone and words (issue 20 item 3: dead-lettered
/// originals are sealed at rest). Only the centre's operators open them, to read or replay them.
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

    public struct Header: Sendable, Codable, Equatable {
        public var key: String
        public var valueBase64: String?

        public init(key: String, value: [UInt8]?) {
            self.key = key
            self.valueBase64 = value.map { Data($0).base64EncodedString() }
        }

        /// The header's bytes, or nil for a header without a value.
        public var value: [UInt8]? { valueBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init) }

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
    /// The original sealed to the centre's key (`original`, `sealingInfo`, `associatedData`),
    /// set at the worker's edge; nil when the centre had no sealing key, and the original is
    /// then withheld rather than carried in clear.
    public var sealed: SealedToParty?

    /// Why the letter carries no original: set exactly when `sealed` is nil.
    public var withheld: SealingWithheld? { sealed == nil ? .noSealingKey : nil }

    /// What is sealed: the original's key, value and headers as the letter keeps them.
    public var original: DeadLetterOriginal {
        DeadLetterOriginal(key: originalKey, value: originalValue, headers: originalHeaders)
    }

    /// The HPKE `info` of every sealed original: the topic's contract.
    public static let sealingInfo = Array("hotline.intake.dlq.v1".utf8)

    /// The associated data a sealed original is bound to: the letter's event id, so an
    /// original cannot be moved to another letter.
    public static func associatedData(eventID: UUID) -> [UInt8] {
        Array(eventID.uuidString.lowercased().utf8)
    }

    /// Schema version 2: the original is sealed (version 1 carried it in clear).
    public static let schemaVersion = 2

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
        case sealed, withheld, truncated
        case sizeBytes = "size_bytes"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(eventID.uuidString.lowercased(), forKey: .eventID)
        try container.encode(worker, forKey: .worker)
        try container.encode(rejection.reason.rawValue, forKey: .reasonCode)
        try container.encode(rejection.message, forKey: .reason)
        try container.encodeIfPresent(rejection.field, forKey: .field)
        try container.encode(source, forKey: .source)
        var original = container.nestedContainer(keyedBy: OriginalKeys.self, forKey: .original)
        try original.encode(sealed, forKey: .sealed)
        try original.encode(withheld, forKey: .withheld)
        try original.encode(originalSize, forKey: .sizeBytes)
        try original.encode(originalSize > originalValue.count || cut, forKey: .truncated)
        try container.encode(RFC3339.format(deadLetteredAt), forKey: .deadLetteredAt)
    }
}

/// A dead letter's original as sealed to the centre: the UTF-8 JSON
/// `{"key_base64": string or null, "value_base64": string, "headers": [{"key", "value_base64"}]}`.
public struct DeadLetterOriginal: Sendable, Codable, Equatable {
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [DeadLetter.Header]

    public init(key: [UInt8]?, value: [UInt8], headers: [DeadLetter.Header]) {
        self.key = key
        self.value = value
        self.headers = headers
    }

    enum CodingKeys: String, CodingKey {
        case headers
        case key = "key_base64"
        case value = "value_base64"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key.map { Data($0).base64EncodedString() }, forKey: .key)
        try container.encode(Data(value).base64EncodedString(), forKey: .value)
        try container.encode(headers, forKey: .headers)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func bytes(_ text: String, _ key: CodingKeys) throws -> [UInt8] {
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not standard base64")
            }
            return Array(data)
        }
        key = try container.decodeIfPresent(String.self, forKey: .key).map { try bytes($0, .key) }
        value = try bytes(try container.decode(String.self, forKey: .value), .value)
        headers = try container.decode([DeadLetter.Header].self, forKey: .headers)
    }
}
