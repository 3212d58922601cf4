import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import HotlineWorkers
import PostgresNIO
import Testing

/// Intake decides a batch at once over the state it loaded; the tables it leaves and the
/// events it publishes must not depend on where the consumer happened to cut batches.
/// The same messages are applied as one batch, one message per batch, and at seeded
/// random cut points, each on a fresh database, and every table is compared.
@Suite(.serialized) struct IntakeBatchSplitTests {
    /// 2026-10-12T10:00:00+08:00, a Monday, after every appeal was received.
    static let now = Date(timeIntervalSince1970: 1_791_770_400)

    /// Twelve callers; caller 2 calls again about the same road, caller 5 twice more (the
    /// second an urge on the first, the third an urge counted on from it); appeal 3 is
    /// published again by its adapter; one message is not JSON; appeal 9 is redelivered.
    static func messages() -> [ConsumedMessage] {
        var lines = (1...12).map { IntakeEvents.appeal($0) }
        lines.insert(repeatCall(of: 2, number: 20), at: 5)
        lines.insert(IntakeEvents.appeal(3, eventID: "evt-test-republished-3"), at: 7)
        lines.insert(IntakeEvents.invalid[0].0, at: 8)
        lines.append(repeatCall(of: 5, number: 21))
        lines.append(repeatCall(of: 5, number: 22))
        var messages = lines.enumerated().map { index, line in
            ConsumedMessage(
                topic: TopicName.intake, partition: 0, offset: Int64(index), timestampMilliseconds: nil,
                key: line.key.map { Array($0.utf8) }, value: line.rawValue ?? (try! JSONEncoder().encode(line.value!)).map { $0 },
                headers: [])
        }
        messages.append(messages[10])
        return messages
    }

    /// Caller `original`'s phone and words again under a new external id.
    static func repeatCall(of original: Int, number: Int) -> FixtureLine {
        var line = IntakeEvents.appeal(number, phone: String(format: "139%08d", original))
        guard case let .object(first) = IntakeEvents.appeal(original).value, case var .object(value) = line.value else { return line }
        value["content"] = first["content"]
        line.value = .object(value)
        return line
    }

    @Test func theTablesDoNotDependOnWhereBatchesAreCut() async throws {
        let messages = Self.messages()
        let whole = try await applied([messages])
        #expect(whole.filter { $0.hasPrefix("cases ") }.count == 12, "the repeats and the re-published appeal opened no case")
        #expect(whole.contains { $0.hasPrefix("urges ") && $0.hasSuffix("T-00000022") })
        expectSame(try await applied(messages.map { [$0] }), whole, "one message per batch")
        var generator = SplitMix(seed: 20261205)
        for _ in 0..<3 {
            let cuts = Set((0..<4).map { _ in Int(generator.next() % UInt64(messages.count - 1)) + 1 }).sorted()
            let batches = zip([0] + cuts, cuts + [messages.count]).map { Array(messages[$0..<$1]) }.filter { !$0.isEmpty }
            expectSame(try await applied(batches), whole, "cut at \(cuts)")
        }
    }

    /// The lines only one side has, so a failure shows what differs.
    func expectSame(_ split: [String], _ whole: [String], _ cut: String) {
        let missing = whole.filter { !split.contains($0) }, extra = split.filter { !whole.contains($0) }
        #expect(missing.isEmpty && extra.isEmpty && split.count == whole.count, "\(cut): missing \(missing), extra \(extra)")
    }

    /// Applies each batch through the pipeline's four steps in its own transaction, on a fresh
    /// database, and returns every table intake writes as comparable lines.
    func applied(_ batches: [[ConsumedMessage]]) async throws -> [String] {
        try await TestStack.with { stack in
            let root = stack.values.root
            let policy = try PolicyFileReader.policy("changsha-2020", root: root)
            let keys = try HotlineConfiguration.fromEnvironment(stack.environment).keys
            let handler = IntakeHandler(
                policy: policy, calendar: try PolicyFileReader.calendar(policy.calendar, root: root),
                vault: try PersonalDataVault(keys: keys), queryCodes: try QueryCodeIssuer(configuration: keys),
                caseNumbers: PostgresCaseNumbers(client: stack.client, logger: stack.logger), maximumEventBytes: 65_536, logger: stack.logger)
            let pipeline = BatchPipeline(client: stack.client, clock: SystemClock(), handler: handler, logger: stack.logger)
            for batch in batches {
                try await stack.client.withTransaction(logger: stack.logger) { connection in
                    let outbox = try await pipeline.apply(batch, now: Self.now, connection: connection)
                    try await OutboxStore.enqueue(outbox, on: connection, logger: stack.logger)
                }
            }
            return try await stack.lines([
                "SELECT concat_ws(' ', 'cases', case_number, category, status, urge_count) FROM cases ORDER BY case_number",
                """
                SELECT concat_ws(' ', 'requests', r.external_id, r.outcome, r.reason_code, c.case_number, r.times_received, r.receipt->>'case_number')
                FROM intake_requests r LEFT JOIN cases c ON c.id = r.case_id ORDER BY r.external_id
                """,
                "SELECT concat_ws(' ', 'history', c.case_number, h.action, h.event_id) FROM case_history h JOIN cases c ON c.id = h.case_id ORDER BY c.case_number, h.id",
                "SELECT concat_ws(' ', 'urges', c.case_number, u.external_id) FROM case_urges u JOIN cases c ON c.id = u.case_id ORDER BY u.external_id",
                "SELECT concat_ws(' ', 'clocks', c.case_number, k.obligation, k.due_at) FROM case_clocks k JOIN cases c ON c.id = k.case_id ORDER BY 1",
                "SELECT concat_ws(' ', 'days', day, last_used) FROM case_number_days ORDER BY day",
                "SELECT concat_ws(' ', 'processed', event_id, \"offset\") FROM processed_events ORDER BY event_id",
                "SELECT concat_ws(' ', 'dead', \"offset\", reason_code) FROM dead_letters ORDER BY \"offset\"",
                // Only each key's order is promised: events of one case or one adapter key. A
                // lifecycle event's key is its case id, new on every run: it shows as the case number.
                """
                SELECT concat_ws(' ', 'outbox', o.topic, coalesce(c.case_number, encode(o.message_key, 'escape')),
                                 o.headers->>'hotline-event-type')
                FROM outbox o LEFT JOIN cases c ON o.topic = 'hotline.cases.v1' AND c.id::text = encode(o.message_key, 'escape')
                ORDER BY o.topic, coalesce(c.case_number, encode(o.message_key, 'escape')), o.id
                """,
            ])
        }
    }
}

/// A seeded generator, so a failing cut is the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension TestStack {
    /// The text rows of each query, in order.
    func lines(_ queries: [String]) async throws -> [String] {
        var result: [String] = []
        for query in queries {
            for try await line in try await client.query(PostgresQuery(unsafeSQL: query), logger: logger).decode(String.self) {
                result.append(line)
            }
        }
        return result
    }
}
