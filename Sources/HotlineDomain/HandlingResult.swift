/// The result the centre approved, as the caller is told it: the unit's outcome code and
/// the handling unit, never the unit's free text (that travels sealed, see `CitizenNotification`).
public struct HandlingResult: Sendable, Equatable {
    public var outcome: ResultReport.Outcome
    public var unitID: String
    public var unitName: String

    public init(outcome: ResultReport.Outcome, unitID: String, unitName: String) {
        self.outcome = outcome
        self.unitID = unitID
        self.unitName = unitName
    }
}
