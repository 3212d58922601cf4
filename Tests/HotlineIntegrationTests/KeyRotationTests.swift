import Foundation
import Testing

/// Rotating the data key without downtime: cases sealed under the old key stay readable
/// while both keys are configured; `hotline keys reencrypt` moves every row to the new
/// key, once (a second run finds nothing); then the old key can go.
@Suite(.serialized)
struct KeyRotationTests {
    static let newKey = "test2:" + Data(repeating: 11, count: 32).base64EncodedString()
    static let oldKey = "test1:" + Data(repeating: 7, count: 32).base64EncodedString()

    @Test func reencryptMovesEveryRowToTheNewKey() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try stack.publish((1...6).map { IntakeEvents.appeal($0) })
            try await stack.waitForPipeline(messages: 6)
            let accepted = try await stack.count("SELECT count(*) FROM cases")
            let underOldKey = try await stack.count("SELECT count(*) FROM cases WHERE caller_key_id = 'test1'")
            #expect(accepted > 0 && accepted == underOldKey)
            let number = try #require(try await stack.pairs("SELECT case_number, 0::bigint FROM cases LIMIT 1").keys.first)

            let rotated = ["HOTLINE_DATA_KEY": Self.newKey, "HOTLINE_DATA_KEYS_PREVIOUS": Self.oldKey]
            let first = try stack.run(["keys", "reencrypt", "--batch-size", "2"], extraEnvironment: rotated).stdout
            #expect(first.contains("re-encrypted under key test2: \(accepted) callers"))
            #expect(try await stack.count("SELECT count(*) FROM cases WHERE caller_key_id = 'test2'") == accepted)
            let again = try stack.run(["keys", "reencrypt"], extraEnvironment: rotated).stdout
            #expect(again.contains(": 0 callers, 0 callback comments"), "a second run finds nothing to do")
            #expect(try stack.run(["keys", "status"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "test2  \(accepted)")

            // The old key is gone: the caller's data still opens, under the new key alone.
            let lookup = try stack.run(
                ["lookup", "--case-number", number, "--verifier", try await lastFour(stack, number), "--json"],
                extraEnvironment: ["HOTLINE_DATA_KEY": Self.newKey])
            #expect(lookup.status == 0 && lookup.stdout.contains(number))
            let withoutNew = try stack.run(["lookup", "--case-number", number, "--verifier", try await lastFour(stack, number)], expectSuccess: false)
            #expect(withoutNew.status != 0, "the old key alone no longer opens the rows")
        }
    }

    /// The appeals of IntakeEvents.appeal(n) come from 139 followed by n in 8 digits.
    func lastFour(_ stack: TestStack, _ number: String) async throws -> String {
        let external = try #require(try await stack.pairs(
            "SELECT external_id, 0::bigint FROM cases WHERE case_number = \(number)").keys.first)
        let n = try #require(Int(external.filter(\.isNumber)))
        return String(format: "%04d", n % 10_000)
    }
}
