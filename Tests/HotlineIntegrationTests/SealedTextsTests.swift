import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// What units and staff write about a case is sealed at rest (issue 20 item 3): a unit's
/// reply (长沙 第二十二条 the result's 办理情况) and the centre's reasons are free text that may
/// name people. Through the real workers: no table holds them in clear, the centre's
/// `hotline case show` opens them, and the citizen's progress lookup shows the reply to the
/// right query code (巴林左旗 第二十四条「办理结果」) without holding the key-encryption key.
@Suite(.serialized)
struct SealedTextsTests {
    static let reply = "已联系业主周建国，于十月十二日现场修复破损路面"
    static let reason = "经回访核实，李秀英反映的情况已处理到位"

    @Test func aUnitsReplyAndTheCentresReasonAreSealedAndOpenedOnlyWhereAllowed() async throws {
        try await TestStack.with { stack in
            try stack.startLifecycle(policy: "changsha-2020", at: "2026-10-09T09:00:00+08:00")
            let cases = try await stack.dispatchedCases([IntakeEvents.appeal(1)])
            let tracked = try #require(cases.first)
            let receipts = try await stack.readTopic("hotline.intake.receipts.v1", expected: 1)
            let receipt = try JSONDecoder().decode(IntakeReceipt.self, from: Data(try #require(receipts.first?.value)))
            let code = try #require(receipt.queryCode)

            try await stack.unitActs([
                Actions.unit("sign", case: tracked.id, unit: tracked.lead, id: "ua-sign-1"),
                Actions.unit("submit_result", case: tracked.id, unit: tracked.lead, id: "ua-res-1", ["result": .object([
                    "handled_by": .string("城管执法中队"), "handled_at": .string("2026-10-12T15:00:00+08:00"),
                    "action_taken": .string(Self.reply), "outcome": .string("resolved"),
                ])]),
            ])
            try await stack.centreActs([Actions.centre("approve_result", case: tracked.id, id: "ca-res-1", ["reason": .string(Self.reason)])])
            #expect(try await stack.state(tracked).status == "resolved")

            // No column of any table holds either text in clear; the history rows hold them sealed.
            for text in [Self.reply, Self.reason] {
                let tables = try await stack.pairs(PostgresQuery(unsafeSQL: """
                    SELECT table_name::text, 0::bigint FROM information_schema.tables
                    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
                      AND query_to_xml(format('SELECT * FROM %I', table_name), true, false, '')::text LIKE '%\(text.prefix(8))%'
                    """))
                #expect(tables.isEmpty, "\(text.prefix(8)) in clear in \(tables.keys.sorted())")
            }
            #expect(try await stack.count(
                "SELECT count(*) FROM case_history WHERE action IN ('submit_result', 'approve_result') AND detail ? 'sealed' AND NOT detail ? 'reason'") == 2)
            #expect(try await stack.count("SELECT count(*) FROM case_lookup_replies") == 1)

            // The centre reads them.
            let shown = try stack.run(["case", "show", "--case-number", tracked.number]).stdout
            #expect(shown.contains(Self.reply) && shown.contains(Self.reason) && !shown.contains("\"sealed\""), "\(shown)")

            // The citizen reads the reply with the receipt's code; a wrong code learns nothing.
            let port = try LookupClient.freePort(stack)
            try stack.startLookup(port: port)
            let wrong = QueryCode(derivedFrom: (UInt64(code.replacingOccurrences(of: "-", with: ""))! + 1) % 1_000_000_000_000).description
            let answers = try LookupClient.post(stack, port: port, [.init(tracked.number, code), .init(tracked.number, wrong)])
            #expect(answers.map(\.status) == [200, 404])
            let progress = try #require(try JSONSerialization.jsonObject(with: Data(answers[0].body.utf8)) as? [String: Any])
            let result = try #require(progress["result"] as? [String: Any])
            #expect(result["reply"] as? String == Self.reply, "\(answers[0].body)")
            #expect(!answers[1].body.contains(Self.reply))
        }
    }
}
