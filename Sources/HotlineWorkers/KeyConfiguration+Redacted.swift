/// Keys print by id only. ServiceLifecycle logs every service it starts with
/// `String(describing:)` at debug level, and a worker's services hold the keys: without
/// this, `HOTLINE_LOG_LEVEL=debug` wrote the data, index, contact, query code and lookup keys to the log.
extension KeyConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "KeyConfiguration(active: \(active.map(\.description) ?? "none"), previous: \(previous.map(\.id)), indexKey: \(indexKey == nil ? "none" : "<redacted>"), contact: \(contact.map(\.description) ?? "none"), "
            + "queryCode: \(queryCode == nil ? "none" : "<redacted>"), lookup: \(lookup.map(\.description) ?? "none"), lookupPrevious: \(lookupPrevious.map(\.id)))"
    }

    public var debugDescription: String { description }
}

extension KeyConfiguration.DataKey: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "DataKey(id: \(id), key: <redacted>)" }

    public var debugDescription: String { description }
}
