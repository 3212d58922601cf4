import Foundation

/// The one JSON rendering every published event uses: UTF-8, sorted keys, no
/// escaped slashes, so the same event always has the same bytes.
public enum EventJSON {
    public static func encode<Event: Encodable>(_ event: Event) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(event))
    }
}
