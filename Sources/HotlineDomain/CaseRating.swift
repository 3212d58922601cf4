/// The citizen's final rating of a handling round (`case.rated` on `hotline.cases.v1`):
/// what assessment counts (满意率) and what feeds reopening and supervision. The
/// comment stays sealed in PostgreSQL; the event carries codes only.
public struct CaseRating: Sendable, Equatable {
    public var round: Int
    /// The lead unit whose result was rated.
    public var unitID: String?
    public var rating: CallbackRating
    /// Whether the citizen said the matter was resolved; nil for a deemed rating.
    public var resolved: Bool?
    public var source: RatingSource
    /// The channel of the callback that gave the rating.
    public var channel: CallbackChannel
    public var attempt: Int
    public var article: String
    /// The case was sent back after a 不满意 before (发回重办): a 不满意 now is a repeated one.
    public var reopened: Bool

    public init(
        round: Int, unitID: String?, rating: CallbackRating, resolved: Bool?, source: RatingSource, channel: CallbackChannel,
        attempt: Int, article: String, reopened: Bool = false
    ) {
        self.round = round
        self.unitID = unitID
        self.rating = rating
        self.resolved = resolved
        self.source = source
        self.channel = channel
        self.attempt = attempt
        self.article = article
        self.reopened = reopened
    }
}
