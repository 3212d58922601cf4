import Foundation

/// A deadline clock as `case_clocks` keeps it: who must do what by when, what has been
/// announced, and when the deadline sweep looks at it next.
public struct ClockRecord: Sendable, Equatable {
    public enum State: String, Sendable {
        case open, met, cancelled
    }

    public var caseID: UUID
    public var round: Int
    public var obligation: Obligation
    public var unitID: String?
    public var startedAt: Date
    public var dueAt: Date
    public var warnAt: Date?
    public var state: State
    public var metAt: Date?
    public var warnedAt: Date?
    public var overdueAt: Date?
    public var nextFireAt: Date?
    /// Where the count starts: the clock's start, or for a named date where its warning is counted from.
    public var countedFrom: Date?
    /// The limit counted; nil for a date a party named, which a recount never moves.
    public var limit: TimeLimit?
    public var basis: String
    public var provisional: Bool

    public init(
        caseID: UUID, round: Int, obligation: Obligation, unitID: String?, startedAt: Date, dueAt: Date, warnAt: Date?,
        state: State, metAt: Date? = nil, warnedAt: Date? = nil, overdueAt: Date? = nil, nextFireAt: Date?,
        countedFrom: Date?, limit: TimeLimit?, basis: String, provisional: Bool
    ) {
        self.caseID = caseID
        self.round = round
        self.obligation = obligation
        self.unitID = unitID
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.warnAt = warnAt
        self.state = state
        self.metAt = metAt
        self.warnedAt = warnedAt
        self.overdueAt = overdueAt
        self.nextFireAt = nextFireAt
        self.countedFrom = countedFrom
        self.limit = limit
        self.basis = basis
        self.provisional = provisional
    }

    /// A clock starting on `plan`, nothing announced yet.
    public init(caseID: UUID, round: Int, plan: ClockPlan) {
        self.init(
            caseID: caseID, round: round, obligation: plan.obligation, unitID: plan.unitID, startedAt: plan.startedAt,
            dueAt: plan.dueAt, warnAt: plan.warnAt, state: .open,
            nextFireAt: ClockAnnouncement.nextFire(warnAt: plan.warnAt, dueAt: plan.dueAt, warnedAt: nil, overdueAt: nil),
            countedFrom: plan.startedAt, limit: plan.limit, basis: plan.basis.description, provisional: plan.basis.isProvisional)
    }

    /// A clock is one per case, round and obligation.
    public struct Key: Sendable, Hashable {
        public var caseID: UUID
        public var round: Int
        public var obligation: Obligation

        public init(caseID: UUID, round: Int, obligation: Obligation) {
            self.caseID = caseID
            self.round = round
            self.obligation = obligation
        }
    }

    public var key: Key { Key(caseID: caseID, round: round, obligation: obligation) }
}

/// The open and met clocks of the cases a batch touches, changed in memory as each
/// decision says, so the batch writes each changed clock once at the end.
public struct ClockBook: Sendable, Equatable {
    public private(set) var records: [ClockRecord.Key: ClockRecord]
    /// The clocks changed since loading, in the order first changed.
    public private(set) var changed: [ClockRecord.Key] = []
    private var changedKeys: Set<ClockRecord.Key> = []

    public init(_ records: [ClockRecord] = []) {
        self.records = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
    }

    /// The changed clocks as they now stand.
    public var changedRecords: [ClockRecord] { changed.compactMap { records[$0] } }

    /// Applies a decision's clock changes to a case: `.cancelAll` to every round, the others
    /// to `round`. A change to a clock in a state it does not apply to changes nothing, as
    /// meeting a clock already met or resuming one still open does not.
    public mutating func apply(_ changes: [ClockChange], caseID: UUID, round: Int) {
        for change in changes {
            switch change {
            case let .start(plan):
                set(ClockRecord(caseID: caseID, round: round, plan: plan))
            case let .meet(obligation, at):
                update(caseID, round, obligation, when: .open) {
                    $0.state = .met
                    $0.metAt = at
                    $0.nextFireAt = nil
                }
            case let .cancel(obligation):
                update(caseID, round, obligation, when: .open) {
                    $0.state = .cancelled
                    $0.nextFireAt = nil
                }
            case let .resume(obligation):
                // A result sent back: the clock runs again with its old deadline and what it
                // has announced; it fires next as the sweep would have it.
                update(caseID, round, obligation, when: .met) {
                    $0.state = .open
                    $0.metAt = nil
                    $0.nextFireAt = ClockAnnouncement.nextFire(warnAt: $0.warnAt, dueAt: $0.dueAt, warnedAt: $0.warnedAt, overdueAt: $0.overdueAt)
                }
            case let .move(obligation, dueAt, warnAt, countedFrom, basis):
                update(caseID, round, obligation, when: .open) {
                    $0.dueAt = dueAt
                    $0.warnAt = warnAt
                    $0.warnedAt = nil
                    $0.overdueAt = nil
                    $0.nextFireAt = ClockAnnouncement.nextFire(warnAt: warnAt, dueAt: dueAt, warnedAt: nil, overdueAt: nil)
                    $0.countedFrom = countedFrom
                    $0.limit = nil
                    $0.basis = basis.description
                    $0.provisional = basis.isProvisional
                }
            case .cancelAll:
                for key in records.keys where key.caseID == caseID && records[key]?.state == .open {
                    update(key.caseID, key.round, key.obligation, when: .open) {
                        $0.state = .cancelled
                        $0.nextFireAt = nil
                    }
                }
            }
        }
    }

    /// The clock of a case, round and obligation, if the book holds it.
    public func clock(_ caseID: UUID, round: Int, _ obligation: Obligation) -> ClockRecord? {
        records[ClockRecord.Key(caseID: caseID, round: round, obligation: obligation)]
    }

    private mutating func set(_ record: ClockRecord) {
        records[record.key] = record
        markChanged(record.key)
    }

    private mutating func update(
        _ caseID: UUID, _ round: Int, _ obligation: Obligation, when state: ClockRecord.State, _ body: (inout ClockRecord) -> Void
    ) {
        let key = ClockRecord.Key(caseID: caseID, round: round, obligation: obligation)
        guard var record = records[key], record.state == state else { return }
        body(&record)
        records[key] = record
        markChanged(key)
    }

    private mutating func markChanged(_ key: ClockRecord.Key) {
        if changedKeys.insert(key).inserted { changed.append(key) }
    }
}
