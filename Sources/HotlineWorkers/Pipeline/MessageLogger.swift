import HotlineKafka
import Logging

extension Logger {
    /// This logger with the metadata every line about one consumed event carries:
    /// topic, partition, offset and event id (never personal data).
    func forEvent(_ eventID: String, in message: ConsumedMessage) -> Logger {
        var copy = self
        copy[metadataKey: "event_id"] = "\(eventID)"
        copy[metadataKey: "topic"] = "\(message.topic)"
        copy[metadataKey: "partition"] = "\(message.partition)"
        copy[metadataKey: "offset"] = "\(message.offset)"
        return copy
    }
}
