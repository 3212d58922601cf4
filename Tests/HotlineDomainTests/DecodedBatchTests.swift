import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Testing
@testable import HotlineWorkers

/// The pipeline's decode step, without PostgreSQL: what reaches a handler's load and
/// decide steps, what is dead-lettered, and what counts as already applied.
@Suite struct DecodedBatchTests {
    static func message(_ offset: Int64, _ text: String, key: [UInt8]? = nil) -> ConsumedMessage {
        ConsumedMessage(topic: "t", partition: 0, offset: offset, timestampMilliseconds: nil, key: key, value: Array(text.utf8), headers: [])
    }

    /// Decodes "id" as an event with that id, "bad" as refused, "bad:id" as refused with an
    /// answer to event id `id`, anything else as another worker's.
    static func decode(_ message: ConsumedMessage) -> Decoded<String> {
        let text = String(decoding: message.value ?? [], as: UTF8.self)
        if text == "other" { return .ignored }
        if text.hasPrefix("bad") {
            let id = text.split(separator: ":").dropFirst().first.map(String.init)
            let answer = id.map { id in { @Sendable (_: Date) in OutboxMessage(topic: "answers", key: nil, payload: Array(id.utf8), headers: [:]) } }
            return .refused(DecodeRefusal(IntakeRejection(.invalidJSON, "not an event"), eventID: id, answer: answer))
        }
        return .event(text, id: text)
    }

    static func unsigned(_ eventID: String) -> ClaimedID { ClaimedID(sender: "", eventID: eventID) }

    let batch = [message(1, "a"), message(2, "bad"), message(3, "other"), message(4, "b"), message(5, "a"), message(6, "bad:x")]

    @Test func refusedMessagesAreSetAsideAndTheOthersKeepTheirOrder() {
        let decoded = DecodedBatch(batch, decode: { message, _ in Self.decode(message) })
        #expect(decoded.deliveries.map(\.message.offset) == [1, 4, 5])
        #expect(decoded.rejected.map(\.message.offset) == [2, 6])
        #expect(decoded.ignored == 1)
        #expect(decoded.claims.map(\.eventID) == ["a", "b", "x"], "each event id claimed once")
    }

    /// Past the bounds every topic shares, a message is refused before its handler decodes it.
    @Test func aKeyPastTheBoundsIsRefusedBeforeDecoding() {
        let decoded = DecodedBatch([Self.message(1, "a", key: Array(repeating: 0x61, count: MessageBounds.maximumKeyBytes + 1))], decode: { message, _ in Self.decode(message) })
        #expect(decoded.deliveries.isEmpty)
        #expect(decoded.rejected.map(\.rejection.reason) == [.tooLarge])
    }

    /// A redelivered message (the offset it was first applied at) and an event id seen again
    /// are skipped; the answer to a refused event goes out once.
    @Test func eventsAppliedBeforeAreSkipped() throws {
        let decoded = DecodedBatch(batch, decode: { message, _ in Self.decode(message) })
        let applicable = try decoded.toApply(
            earlier: [Self.unsigned("b"): FirstDelivery(topic: "t", partition: 0, offset: 4), Self.unsigned("x"): FirstDelivery(topic: "t", partition: 0, offset: 6)],
            decidesRepublished: false, now: Date())
        #expect(applicable.deliveries.map(\.message.offset) == [1])
        #expect(applicable.duplicates.map(\.offset) == [4, 5])
        #expect(applicable.answers.isEmpty)
    }

    /// Intake decides an event published again, with where it was applied first; a
    /// redelivery of that same message is still skipped.
    @Test func aHandlerThatDecidesRepublishedEventsSeesWhereTheFirstWas() throws {
        let decoded = DecodedBatch(batch, decode: { message, _ in Self.decode(message) })
        let applicable = try decoded.toApply(earlier: [Self.unsigned("b"): FirstDelivery(topic: "t", partition: 0, offset: 4)], decidesRepublished: true, now: Date())
        #expect(applicable.deliveries.map(\.message.offset) == [1, 5])
        #expect(applicable.deliveries.last?.republishedFrom == FirstDelivery(topic: "t", partition: 0, offset: 1))
        #expect(applicable.answers.map { String(decoding: $0.payload, as: UTF8.self) } == ["x"])
    }

    /// Issue 19: a signed message's event id is claimed within its sender's ids. Another
    /// party sending the same id (refused or not) claims only its own, and cannot make the
    /// first party's message count as applied before, or as a replay.
    @Test func signedEventIDsAreClaimedPerSender() throws {
        let parties = ["unit-a": Party(id: "unit-a", kind: .unit, displayName: "A"), "unit-b": Party(id: "unit-b", kind: .unit, displayName: "B")]
        let batch = [Self.message(1, "e", key: Array("unit-b".utf8)), Self.message(2, "e", key: Array("unit-a".utf8))]
        let decoded = DecodedBatch(
            batch, authenticate: { message in .success(parties[String(decoding: message.key ?? [], as: UTF8.self)]!) },
            decode: { message, _ in Self.decode(message) })
        #expect(decoded.claims.map(\.claim) == [ClaimedID(sender: "unit-b", eventID: "e"), ClaimedID(sender: "unit-a", eventID: "e")])
        // unit-b's message was applied before (here: squatted earlier with other content);
        // unit-a's own event with that id is still applied.
        let applicable = try decoded.toApply(
            earlier: [ClaimedID(sender: "unit-b", eventID: "e"): FirstDelivery(topic: "t", partition: 0, offset: 0)],
            digests: [ClaimedID(sender: "unit-b", eventID: "e"): [1, 2, 3]], decidesRepublished: false, now: Date())
        #expect(applicable.deliveries.map(\.message.offset) == [2])
        #expect(applicable.deliveries.first?.sender == "unit-a")
        #expect(applicable.replays.map(\.message.offset) == [1], "the same sender's id with other content is still a replay")
    }
}
