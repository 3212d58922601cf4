import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's rules applied to `hotline.cases.v1`: an overdue clock, an
/// unsigned order, a denied return, a rejected result, a leader-assigned or media-exposed
/// case opens a supervision (督办) on the policy's ladder; a hot spot (N appeals of one
/// category about one area within a window) opens one on the appeal that reaches N; the
/// case moving on or being resolved closes them. Each opening and closure is published on
/// `hotline.escalations.v1`. Triggers and the ladder are those of the policy version the
/// case was accepted under.
///
/// Set-based: the batch's cases, their open supervisions and the hot-spot counts are loaded
/// in one query per table, every event decided in order over that view, each table written once.
struct SupervisionHandler: BatchHandler {
    let name = "supervision"
    let archive: PolicyArchive
    let logger: Logger

    struct Event: Decodable, Sendable {
        var type: String
        var eventID: String
        var caseID: UUID
        var obligation: String?
        var category: String?
        var areaCode: String?
        var rating: String?
        var reopened: Bool?
        var policy: CaseEvent.PolicyRef
        /// Lifecycle steps: the handling deadline after the step (RFC 3339).
        var handlingDue: String?

        enum CodingKeys: String, CodingKey {
            case type, obligation, category, policy, rating, reopened
            case eventID = "event_id"
            case caseID = "case_id"
            case areaCode = "area_code"
            case handlingDue = "handling_due"
        }

        /// The category and area a `case.accepted` counts towards a hot spot.
        var hotSpotKey: HotSpotKey? {
            guard type == "case.accepted", let category, let areaCode else { return nil }
            return HotSpotKey(category: category, areaCode: areaCode)
        }
    }

    struct View: Sendable {
        var cases: [UUID: SupervisedCase] = [:]
        /// The open supervisions of the batch's cases.
        var open: [SupervisionRow] = []
        var editions: [CaseEvent.PolicyRef: PolicyArchive.Edition] = [:]
        /// Accepted cases per category and area within each policy's hot-spot window.
        var appealCounts: [CaseEvent.PolicyRef: [HotSpotKey: Int]] = [:]
        /// The open hot-spot supervisions of the batch's categories and areas, by public id.
        var openHotSpots: [UUID: HotSpotKey] = [:]
    }

    struct Effects: BatchEffects {
        var opened: [NewSupervision] = []
        var closed: [(id: Int64, reason: String)] = []
        var outbox: [OutboxMessage] = []
        var rejections: [Rejection] = []
    }

    // MARK: decode

    func decode(_ message: ConsumedMessage, from sender: Party?) -> Decoded<Event> {
        if let type = message.eventType, !Supervisor.eventTypes.contains(type) { return .ignored }
        guard let value = message.value, let event = try? JSONDecoder().decode(Event.self, from: Data(value)) else {
            return .refused(DecodeRefusal(IntakeRejection(
                .schemaViolation, "The lifecycle event lacks type, event_id, case_id or policy; see Topics/hotline.cases.v1/schema.json.")))
        }
        guard Supervisor.eventTypes.contains(event.type) else { return .ignored }
        return .event(event, id: event.eventID)
    }

    // MARK: load

    func load(_ batch: [Delivery<Event>], now: Date, connection: PostgresConnection) async throws -> View {
        var view = View()
        guard !batch.isEmpty else { return view }
        let caseIDs = Array(Set(batch.map(\.event.caseID)))
        for policy in Set(batch.map(\.event.policy)) {
            view.editions[policy] = try await archive.edition(policyID: policy.id, version: policy.version, connection: connection, logger: logger)
        }
        view.open = try await SupervisionStore.lockOpen(caseIDs: caseIDs, on: connection, logger: logger)
        view.cases = try await SupervisionStore.cases(caseIDs, on: connection, logger: logger)
        let accepted = batch.filter { $0.event.hotSpotKey != nil }
        for (policy, events) in Dictionary(grouping: accepted, by: \.event.policy) {
            guard let edition = view.editions[policy], let rule = Supervisor(policy: edition.policy, calendar: edition.calendar).rule(for: .hotSpot),
                  let window = rule.windowWorkingDays else { continue }
            let since = try edition.calendar.instant(workingDays: window, before: now)
            view.appealCounts[policy] = try await SupervisionStore.appealCounts(
                events.compactMap(\.event.hotSpotKey), since: since, on: connection, logger: logger)
        }
        view.openHotSpots = try await SupervisionStore.openHotSpots(accepted.compactMap(\.event.hotSpotKey), on: connection, logger: logger)
        return view
    }

    // MARK: decide

    func decide(_ batch: [Delivery<Event>], view: View, now: Date) throws -> Effects {
        var view = view
        var effects = Effects()
        for delivery in batch {
            // What the event leads to continues its trace.
            let mark = effects.outbox.count
            defer { effects.outbox.carry(delivery.trace, from: mark) }
            let event = delivery.event
            var log = logger.forEvent(event.eventID, in: delivery.message)
            log[metadataKey: "case_id"] = "\(event.caseID.uuidString.lowercased())"
            guard let edition = view.editions[event.policy] else { continue }
            let supervisor = Supervisor(policy: edition.policy, calendar: edition.calendar)
            if let closes = supervisor.closes(onEventType: event.type) {
                let triggers = Set(closes.triggers.map(\.rawValue))
                let closing = view.open.filter { $0.caseID == event.caseID && triggers.contains($0.trigger) }
                view.open.removeAll { row in closing.contains { $0.id == row.id } }
                for row in closing {
                    if let index = effects.opened.firstIndex(where: { $0.publicID == row.publicID }) {
                        effects.opened[index].closed = (now, closes.reason)
                    } else {
                        effects.closed.append((row.id, closes.reason))
                    }
                    view.openHotSpots[row.publicID] = nil
                    effects.outbox.append(try Escalations.message(
                        .closed, row, ladder: supervisor.policy.supervision.ladder, rank: row.level, deadline: nil, closeReason: closes.reason, now: now))
                }
            }
            if let rule = supervisor.trigger(
                forEventType: event.type, obligation: event.obligation, rating: event.rating, reopened: event.reopened,
                status: view.cases[event.caseID]?.status, handlingDue: event.handlingDue.flatMap(RFC3339.parse), now: now)
            {
                try open(rule, on: event.caseID, supervisor: supervisor, now: now, view: &view, effects: &effects, logger: log)
            }
            if let key = event.hotSpotKey, let rule = supervisor.rule(for: .hotSpot), let threshold = rule.threshold,
               (view.appealCounts[event.policy]?[key] ?? 0) >= threshold, !view.openHotSpots.values.contains(key),
               let opened = try open(rule, on: event.caseID, supervisor: supervisor, now: now, view: &view, effects: &effects, logger: log)
            {
                view.openHotSpots[opened] = key
            }
        }
        return effects
    }

    /// Opens a supervision of the case unless one of the same trigger is open; its public id when opened.
    @discardableResult
    private func open(
        _ rule: SupervisionTriggerRule, on caseID: UUID, supervisor: Supervisor, now: Date, view: inout View, effects: inout Effects,
        logger: Logger
    ) throws -> UUID? {
        guard let supervised = view.cases[caseID],
              !view.open.contains(where: { $0.caseID == caseID && $0.trigger == rule.trigger.rawValue })
        else { return nil }
        let rung = try supervisor.opening(rule, at: now)
        let publicID = UUID()
        effects.opened.append(NewSupervision(
            publicID: publicID, caseID: caseID, trigger: rule.trigger.rawValue, article: rule.article, unitID: supervised.leadUnitID,
            level: rung.rank, levelCode: rung.level.code, levelDueAt: rung.dueAt, openedAt: now))
        // Rows opened in this batch have no id yet; a closure in the same batch is written with them.
        let row = SupervisionRow(
            id: 0, publicID: publicID, caseID: caseID, caseNumber: supervised.caseNumber, policyID: supervised.policyID,
            policyVersion: supervised.policyVersion, trigger: rule.trigger.rawValue, article: rule.article,
            unitID: supervised.leadUnitID ?? "", unitName: supervised.leadUnitName ?? "", level: rung.rank, levelDueAt: rung.dueAt)
        view.open.append(row)
        effects.outbox.append(try Escalations.message(
            .opened, row, ladder: supervisor.policy.supervision.ladder, rank: rung.rank, deadline: rung.dueAt, provisional: rung.provisional,
            closeReason: nil, now: now))
        logger.info("opened a supervision", metadata: ["trigger": "\(rule.trigger.rawValue)", "level": "\(rung.level.code)"])
        return publicID
    }

    // MARK: flush

    func flush(_ effects: Effects, now: Date, connection: PostgresConnection) async throws -> [OutboxMessage] {
        try await SupervisionStore.closeAll(effects.closed, at: now, on: connection, logger: logger)
        try await SupervisionStore.openAll(effects.opened, on: connection, logger: logger)
        return effects.outbox
    }
}
