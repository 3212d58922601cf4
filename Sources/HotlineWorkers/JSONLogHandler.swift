import Foundation
import HotlineDomain
import Logging
import Synchronization

/// One JSON object per line on standard error (`HOTLINE_LOG_FORMAT=json`), for log
/// shippers: `ts` (RFC 3339, milliseconds, China time), `level`, `logger`, `message`, `source`, then
/// the metadata (case id, event id, topic, partition, offset, …) as top-level keys.
/// Metadata never holds personal data: the workers log ids and codes only.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    /// Lines from every thread go out whole, one at a time.
    private static let output = Mutex(FileHandle.standardError)

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = Self.json(value) }
        object["ts"] = RFC3339.format(Date())
        object["level"] = event.level.rawValue
        object["logger"] = label
        object["message"] = event.message.description
        object["source"] = event.source
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        Self.output.withLock { $0.write(data) }
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case let .string(text): text
        case let .stringConvertible(convertible): convertible.description
        case let .array(items): items.map(json)
        case let .dictionary(entries): entries.mapValues(json)
        }
    }
}

/// How the processes log: `HOTLINE_LOG_FORMAT` `text` (swift-log's lines, the default)
/// or `json`.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}
