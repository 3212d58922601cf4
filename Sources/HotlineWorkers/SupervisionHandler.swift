import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO

/// The supervision worker's rules applied to `hotline.cases.v1`: an overdue clock,
/// an unsigned order, a denied return, a rejected result, a leader-assigned or
/// media-exposed case opens a supervision (督办) on the policy's ladder; a hot spot
/// (N appeals of one category about one area within a window) opens one on the
/// appeal that reaches N; the case moving on or being resolved closes them. Each
/// opening and closure is published on `hotline.escalations.v1`. Triggers and the
/// ladder are those of the policy version the case was accepted under.
struct SupervisionHandler: MessageHandler {
    let name = "supervision"
    let archive: PolicyArchive
    let logger: Logger

    struct Envelope: Decodable {
        var type: String
        var eventID: String
        var caseID: UUID
        var obligation: String?
        var unitID: String?
        var category: String?
        var areaCode: String?
        var rating: String?
        var reopened: Bool?
        var policy: CaseEvent.PolicyRef

        enum CodingKeys: String, CodingKey {
            case type, obligation, category, policy, rating, reopened
            case eventID = "event_id"
            case caseID = "case_id"
            case unitID = "unit_id"
            case areaCode = "area_code"
        }
    }

    func apply(_ message: ConsumedMessage, now: Date, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws {
        guard let value = message.value, let event = try? JSONDecoder().decode(Envelope.self, from: Data(value)) else {
            try await DeadLetterWriter(worker: name, logger: logger).write(
                message,
                rejection: IntakeRejection(.schemaViolation, "The lifecycle event lacks type, event_id, case_id or policy; see Topics/hotline.cases.v1/schema.json."),
                now: now, connection: connection, outbox: &outbox)
            return
        }
        let supervisor = try await supervisor(for: event.policy.id, event.policy.version, connection: connection)
        let opens = supervisor.trigger(forEventType: event.type, obligation: event.obligation, rating: event.rating, reopened: event.reopened)
        let hotSpot = event.type == "case.accepted" ? supervisor.rule(for: .hotSpot) : nil
        let closes = supervisor.closes(onEventType: event.type)
        guard opens != nil || hotSpot != nil || closes != nil else { return }
        var log = logger.forEvent(event.eventID, in: message)
        log[metadataKey: "case_id"] = "\(event.caseID.uuidString.lowercased())"
        if try await ProcessedEvents.record(consumer: name, eventID: event.eventID, of: message, on: connection, logger: log) != nil
        {
            return
        }
        if let closes {
            let closed = try await SupervisionStore.close(
                caseID: event.caseID, triggers: closes.triggers.map(\.rawValue), reason: closes.reason, at: now,
                on: connection, logger: log)
            for row in closed {
                outbox.append(try Self.escalation(.closed, row, ladder: supervisor.policy.supervision.ladder, rank: row.level, deadline: nil, closeReason: closes.reason, now: now))
            }
        }
        if let opens {
            try await open(opens, supervisor: supervisor, caseID: event.caseID, now: now, connection: connection, outbox: &outbox, logger: log)
        }
        if let hotSpot, let category = event.category, let area = event.areaCode,
           let threshold = hotSpot.threshold, let window = hotSpot.windowWorkingDays
        {
            let since = try supervisor.calendar.instant(workingDays: window, before: now)
            let appeals = try await SupervisionStore.appealsInArea(category: category, areaCode: area, since: since, on: connection, logger: log)
            let alreadyOpen = try await SupervisionStore.hotSpotOpen(category: category, areaCode: area, on: connection, logger: log)
            if appeals >= threshold, !alreadyOpen {
                try await open(hotSpot, supervisor: supervisor, caseID: event.caseID, now: now, connection: connection, outbox: &outbox, logger: log)
            }
        }
    }

    private func supervisor(for policyID: String, _ version: String, connection: PostgresConnection) async throws -> Supervisor {
        let edition = try await archive.edition(policyID: policyID, version: version, connection: connection, logger: logger)
        return Supervisor(policy: edition.policy, calendar: edition.calendar)
    }

    private func open(
        _ rule: SupervisionTriggerRule, supervisor: Supervisor, caseID: UUID, now: Date, connection: PostgresConnection,
        outbox: inout [OutboxMessage], logger: Logger
    ) async throws {
        let unit = try await SupervisionStore.leadUnit(of: caseID, on: connection, logger: logger)
        let rung = try supervisor.opening(rule, at: now)
        guard let publicID = try await SupervisionStore.open(
            caseID: caseID, trigger: rule.trigger.rawValue, article: rule.article, unitID: unit?.id, level: rung.rank,
            levelCode: rung.level.code, levelDueAt: rung.dueAt, at: now, on: connection, logger: logger)
        else { return }
        guard let head = try await CaseStore.header(of: caseID, on: connection, logger: logger) else { return }
        let row = SupervisionRow(
            id: 0, publicID: publicID, caseID: caseID, caseNumber: head.caseNumber, policyID: head.policyID,
            policyVersion: head.policyVersion, trigger: rule.trigger.rawValue, article: rule.article,
            unitID: unit?.id ?? "", unitName: unit?.name ?? "", level: rung.rank, levelDueAt: rung.dueAt)
        outbox.append(try Self.escalation(.opened, row, ladder: supervisor.policy.supervision.ladder, rank: rung.rank, deadline: rung.dueAt, provisional: rung.provisional, closeReason: nil, now: now))
        logger.info("opened a supervision", metadata: ["trigger": "\(rule.trigger.rawValue)", "level": "\(rung.level.code)"])
    }

    /// The event for a supervision's opening, climb or closure; a unit's carries its figures.
    static func escalation(
        _ kind: EscalationEvent.Kind, _ row: SupervisionRow, ladder: [EscalationLevel], rank: Int, deadline: Date?,
        provisional: Bool = false, closeReason: String?, now: Date
    ) throws -> OutboxMessage {
        let level = ladder[min(max(rank, 1), ladder.count) - 1]
        var event = EscalationEvent(
            eventID: UUID(), kind: kind, supervisionID: row.publicID, caseID: row.caseID, caseNumber: row.caseNumber,
            unitID: row.unitID.isEmpty ? "centre" : row.unitID, unitName: row.unitName.isEmpty ? "热线中心" : row.unitName,
            rank: rank, levelCode: level.code, levelName: level.label, trigger: row.trigger,
            basis: PolicyBasis(policy: row.policyID, policyVersion: row.policyVersion, article: kind == .opened ? row.article : level.article),
            deadline: deadline, closeReason: closeReason, rates: row.rates, knowledge: row.knowledge, occurredAt: now)
        event.deadlineProvisional = provisional
        return OutboxMessage(
            topic: TopicName.escalations, key: Array(event.key.utf8), payload: try EventJSON.encode(event),
            headers: EventHeaders.make(eventID: event.eventID.uuidString.lowercased(), type: kind.rawValue))
    }

    /// The climbing sweep: a supervision whose rung passed with the case unresolved goes one rung up.
    ///
    /// A supervision whose next rung the working-day calendar cannot count (it does not
    /// cover the year) is set aside for an hour and the sweep goes on: failing would roll
    /// back every other climb of the sweep and fail again a second later, forever (DESIGN.md:
    /// a deterministic failure never stalls a partition). It counts as handled: it was
    /// claimed and dealt with, and the next claims skip it.
    func climb(now: Date, limit: Int, connection: PostgresConnection, outbox: inout [OutboxMessage]) async throws -> Int {
        let rows = try await SupervisionStore.claimClimbable(now: now, limit: limit, on: connection, logger: logger)
        for row in rows {
            let supervisor = try await supervisor(for: row.policyID, row.policyVersion, connection: connection)
            let next: Supervisor.Rung?
            do throws(CalendarError) {
                next = try supervisor.climb(from: row.level, at: now)
            } catch {
                let retryAt = now.addingTimeInterval(FailureKind.calendarRetryDelay)
                try await SupervisionStore.setAsideForCalendar(id: row.id, until: retryAt, on: connection, logger: logger)
                WorkerMetrics.calendarSetAside(worker: name, kind: "sweep")
                logger.error("supervision set aside: the working-day calendar cannot count its next rung", metadata: [
                    "case_id": "\(row.caseID?.uuidString.lowercased() ?? "")", "supervision_id": "\(row.publicID.uuidString.lowercased())",
                    "unit_id": "\(row.unitID)", "trigger": "\(row.trigger)", "level": "\(row.level)",
                    "retry_at": "\(RFC3339.formatSeconds(retryAt))", "error": "\(error)",
                ])
                continue
            }
            try await SupervisionStore.climb(
                id: row.id, level: next?.rank ?? row.level, levelCode: (next?.level ?? supervisor.policy.supervision.ladder[row.level - 1]).code,
                levelDueAt: next?.dueAt, on: connection, logger: logger)
            guard let next else { continue }
            outbox.append(try Self.escalation(.climbed, row, ladder: supervisor.policy.supervision.ladder, rank: next.rank, deadline: next.dueAt, provisional: next.provisional, closeReason: nil, now: now))
            logger.info("supervision climbed", metadata: [
                "case_id": "\(row.caseID?.uuidString.lowercased() ?? "")", "unit_id": "\(row.unitID)", "trigger": "\(row.trigger)",
                "level": "\(next.level.code)",
            ])
        }
        return rows.count
    }
}
