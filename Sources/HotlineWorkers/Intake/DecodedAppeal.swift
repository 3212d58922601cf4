import HotlineDomain
import HotlineKafka
import HotlinePostgres

/// A consumed intake message and what decoding it gave: the appeal, or why it is refused.
struct DecodedAppeal: Sendable {
    var message: ConsumedMessage
    var decoded: Result<IntakeEvent, IntakeRejection>

    var event: IntakeEvent? { try? decoded.get() }
}

extension IntakeEvent {
    /// The appeal's idempotency key.
    var requestKey: IntakeRequestKey { IntakeRequestKey(channel: channel, externalID: externalID) }
}
