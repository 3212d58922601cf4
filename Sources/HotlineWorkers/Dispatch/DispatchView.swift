import Foundation
import HotlineDomain
import HotlinePostgres

/// What the dispatch worker's load step read for one batch, one query per table: the
/// state every event of the batch is decided against. Deciding an event updates it, so a
/// later event of the batch sees what an earlier one did (a case dispatched, then signed).
public struct DispatchView: Sendable {
    /// The batch's cases with their current assignments.
    public var cases: [UUID: DispatchCase] = [:]
    /// The centre's precedents for the categories and areas of the cases to route.
    public var precedents: [RoutingPrecedent.Key: RoutingPrecedent] = [:]
    /// The open and met clocks of the batch's cases.
    public var clocks = ClockBook()
    /// Rated rounds of the cases with a rating appeal action, latest first.
    public var ratedRounds: [UUID: [RatedRound]] = [:]
    /// Appeals already filed, by rated task.
    public var ratingAppeals: [UUID: RatingAppealRecord] = [:]
    /// The versions of the knowledge entries the batch publishes or reviews.
    public var knowledgeVersions: [String: [PublishedKnowledgeVersion]] = [:]
    /// The policy versions the batch's cases were accepted under.
    public var editions: [CaseEvent.PolicyRef: PolicyArchive.Edition] = [:]
    /// The appeals of the cases the batch may dispatch, for their work orders.
    public var appeals: [UUID: StoredAppeal] = [:]
    /// The earlier rounds of the cases the batch may reopen.
    public var roundReports: [UUID: [RoundReport]] = [:]
    /// The units' sealing keys valid at the batch's instant; a unit without one gets its
    /// orders withheld.
    public var sealingKeys: [String: PartySealingKey] = [:]

    public init() {}
}
