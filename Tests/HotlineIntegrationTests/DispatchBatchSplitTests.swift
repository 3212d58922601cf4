import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import HotlineWorkers
import PostgresNIO
import Testing

/// Dispatch decides a batch at once over the state it loaded; the tables it leaves and the
/// events it publishes must not depend on where the consumer happened to cut batches. The
/// same lifecycle events and actions (a case routed and signed, one signed by the wrong
/// unit, a result submitted and approved, a re-dispatch then a sign by the new unit, an
/// `accepted` published again, a redelivered action, a malformed one) are applied as one
/// batch, one message per batch and at seeded random cut points, each on a fresh
/// database, and every table is compared.
@Suite(.serialized) struct DispatchBatchSplitTests {
    /// 2026-10-12T10:00:00+08:00, a Monday, after every appeal was received.
    static let now = Date(timeIntervalSince1970: 1_791_770_400)

    @Test func theTablesDoNotDependOnWhereBatchesAreCut() async throws {
        let whole = try await applied { [$0] }
        #expect(whole.contains { $0.hasPrefix("cases ") && $0.hasSuffix(" resolved 1") }, "the approved result resolved its case")
        #expect(whole.contains { $0.hasPrefix("cases ") && $0.hasSuffix(" signed 2") }, "the re-dispatched case was signed by its new unit")
        #expect(whole.contains { $0.hasPrefix("dead ") })
        expectSame(try await applied { $0.map { [$0] } }, whole, "one message per batch")
        var generator = SplitMix(seed: 20261206)
        for _ in 0..<3 {
            let draws = (0..<4).map { _ in generator.next() }
            expectSame(try await applied { messages in
                let cuts = Set(draws.map { Int($0 % UInt64(messages.count - 1)) + 1 }).sorted()
                return zip([0] + cuts, cuts + [messages.count]).map { Array(messages[$0..<$1]) }.filter { !$0.isEmpty }
            }, whole, "cut at \(draws.map { $0 % 100 })")
        }
    }

    func expectSame(_ split: [String], _ whole: [String], _ cut: String) {
        let missing = whole.filter { !split.contains($0) }, extra = split.filter { !whole.contains($0) }
        #expect(missing.isEmpty && extra.isEmpty && split.count == whole.count, "\(cut): missing \(missing), extra \(extra)")
    }

    /// On a fresh database: twelve appeals through intake, then the dispatch messages, cut
    /// into batches by `cut`, each applied through the pipeline's four steps in its own
    /// transaction; every table dispatch writes, as comparable lines.
    func applied(_ cut: ([ConsumedMessage]) -> [[ConsumedMessage]]) async throws -> [String] {
        try await TestStack.with { stack in
            let root = stack.values.root
            let configuration = try HotlineConfiguration.fromEnvironment(stack.environment)
            let policy = try PolicyFileReader.policy("changsha-2020", root: root)
            let intake = BatchPipeline(
                client: stack.client, clock: SystemClock(),
                handler: IntakeHandler(
                    policy: policy, calendar: try PolicyFileReader.calendar(policy.calendar, root: root),
                    vault: try PersonalDataVault(keys: configuration.keys), queryCodes: try QueryCodeIssuer(configuration: configuration.keys),
                    caseNumbers: PostgresCaseNumbers(client: stack.client, logger: stack.logger),
                    maximumEventBytes: 65_536, logger: stack.logger),
                logger: stack.logger)
            let router = try RoutingLoader.load(file: "\(root)/Ops/routing/changsha.yaml")
            let archive = try PolicyArchive(
                policyFile: "\(root)/Ops/policies/changsha-2020.yaml", policyID: "changsha-2020", calendarDirectory: "\(root)/Ops/calendars")
            let dispatch = BatchPipeline(
                client: stack.client, clock: SystemClock(), handler: DispatchHandler(router: router, archive: archive, vault: try PersonalDataVault(keys: configuration.keys), logger: stack.logger),
                logger: stack.logger)
            let appeals = (1...12).enumerated().map { index, number in
                let line = IntakeEvents.appeal(number)
                return ConsumedMessage(
                    topic: TopicName.intake, partition: 0, offset: Int64(index), timestampMilliseconds: nil,
                    key: line.key.map { Array($0.utf8) }, value: (try? JSONEncoder().encode(line.value!)).map { Array($0) }, headers: [])
            }
            try await apply([appeals], through: intake, stack: stack)
            let messages = try await dispatchMessages(stack: stack, router: router)
            try await apply(cut(messages), through: dispatch, stack: stack)
            return try await stack.lines([
                "SELECT concat_ws(' ', 'cases', case_number, status, round) FROM cases ORDER BY case_number",
                """
                SELECT concat_ws(' ', 'assignments', c.case_number, a.round, a.unit_id, a.role, a.rule_id, a.current)
                FROM assignments a JOIN cases c ON c.id = a.case_id ORDER BY c.case_number, a.round, a.role DESC, a.unit_id
                """,
                """
                SELECT concat_ws(' ', 'clocks', c.case_number, k.round, k.obligation, k.state, k.due_at, k.warn_at, k.next_fire_at, k.met_at)
                FROM case_clocks k JOIN cases c ON c.id = k.case_id ORDER BY c.case_number, k.round, k.obligation
                """,
                "SELECT concat_ws(' ', 'history', c.case_number, h.actor, h.action, h.event_id) FROM case_history h JOIN cases c ON c.id = h.case_id ORDER BY c.case_number, h.id",
                "SELECT concat_ws(' ', 'queue', c.case_number, q.resolved_at IS NULL) FROM manual_dispatch_queue q JOIN cases c ON c.id = q.case_id ORDER BY 1",
                "SELECT concat_ws(' ', 'processed', consumer, event_id, \"offset\") FROM processed_events ORDER BY consumer, event_id",
                "SELECT concat_ws(' ', 'dead', worker, \"offset\", reason_code) FROM dead_letters ORDER BY worker, \"offset\"",
                "SELECT concat_ws(' ', 'withheld', c.case_number, w.unit_id, w.round, w.reason) FROM work_orders_withheld w JOIN cases c ON c.id = w.case_id ORDER BY 1",
                """
                SELECT concat_ws(' ', 'outbox', o.topic, coalesce(c.case_number, encode(o.message_key, 'escape')), o.headers->>'hotline-event-type')
                FROM outbox o LEFT JOIN cases c ON c.id::text = encode(o.message_key, 'escape')
                WHERE o.topic <> 'hotline.intake.receipts.v1'
                ORDER BY o.topic, coalesce(c.case_number, encode(o.message_key, 'escape')), o.id
                """,
            ])
        }
    }

    func apply<Handler: BatchHandler>(_ batches: [[ConsumedMessage]], through pipeline: BatchPipeline<Handler>, stack: TestStack) async throws {
        for batch in batches {
            try await stack.client.withTransaction(logger: stack.logger) { connection in
                let outbox = try await pipeline.apply(batch, now: Self.now, connection: connection)
                try await OutboxStore.enqueue(outbox, on: connection, logger: stack.logger)
            }
        }
    }

    /// The lifecycle events and actions, the same on every run: cases are taken in number
    /// order and each one's units from the routing rules it will be routed by.
    func dispatchMessages(stack: TestStack, router: Router) async throws -> [ConsumedMessage] {
        var cases: [(id: String, number: String, lead: String?)] = []
        // The text is sealed at rest: each case's comes from the appeal that opened it.
        let texts = Dictionary(uniqueKeysWithValues: (1...12).map { number -> (String, String) in
            guard case let .object(value)? = IntakeEvents.appeal(number).value, case let .string(content)? = value["content"] else { return ("", "") }
            return (String(format: "T-%08d", number), content)
        })
        let rows = try await stack.client.query(
            "SELECT id::text, case_number, category, area_code, external_id FROM cases ORDER BY case_number", logger: stack.logger)
        for try await (id, number, category, area, externalID) in rows.decode((String, String, String, String?, String).self) {
            let text = try #require(texts[externalID])
            var lead: String?
            if case let .dispatch(unit, _, _) = router.route(category: CategoryCode(rawValue: category)!, areaCode: area, text: text) {
                lead = unit.id
            }
            cases.append((id, number, lead))
        }
        // Each action signed by the party it names; the action of a case no rule routes names no unit and goes unsigned.
        var values: [(topic: String, type: String, value: String, signer: String?)] = []
        func lifecycle(_ index: Int, eventID: String) {
            values.append((TopicName.cases, "case.accepted", #"{"type":"case.accepted","event_id":"\#(eventID)","case_id":"\#(cases[index].id)"}"#, nil))
        }
        func unit(_ type: String, _ index: Int, by unitID: String?, extra: String = "") {
            values.append((TopicName.unitActions, type, #"{"schema_version":1,"event_id":"u-\#(type)-\#(index)-\#(unitID ?? "-")","type":"\#(type)","case_id":"\#(cases[index].id)","unit_id":"\#(unitID ?? "nobody")","staff_id":"s1","occurred_at":"2026-10-12T10:00:00+08:00"\#(extra)}"#, unitID))
        }
        func centre(_ type: String, _ index: Int, extra: String) {
            values.append((TopicName.centreActions, type, #"{"schema_version":1,"event_id":"c-\#(type)-\#(index)","type":"\#(type)","case_id":"\#(cases[index].id)","staff_id":"zx-1","occurred_at":"2026-10-12T10:00:00+08:00","reason":"测试"\#(extra)}"#, TestStack.centre))
        }
        for index in cases.indices { lifecycle(index, eventID: "accepted-\(index)") }
        lifecycle(0, eventID: "accepted-again-0")
        for index in 0..<5 { unit("sign", index, by: cases[index].lead) }
        unit("sign", 5, by: "city-eco")
        values.append(values[values.count - 2])
        values.append((TopicName.unitActions, "sign", "{not json", "city-eco"))
        unit("submit_result", 0, by: cases[0].lead, extra: #","result":{"handled_by":"张力","handled_at":"2026-10-12T09:50:00+08:00","action_taken":"已修复路面。","outcome":"resolved"}"#)
        centre("approve_result", 0, extra: "")
        centre("redispatch", 6, extra: #","redispatch":{"lead_unit":"city-urban","co_units":[]}"#)
        unit("sign", 6, by: "city-urban")
        return try values.enumerated().map { offset, item in
            let value = Array(item.value.utf8)
            let signature = try item.signer.map { try stack.signatureHeader(topic: item.topic, key: nil, value: value, as: $0) }
            return ConsumedMessage(
                topic: item.topic, partition: 0, offset: Int64(offset), timestampMilliseconds: nil, key: nil, value: value,
                headers: [KafkaHeader(key: "hotline-event-type", value: Array(item.type.utf8))] + (signature.map { [$0] } ?? []))
        }
    }
}
