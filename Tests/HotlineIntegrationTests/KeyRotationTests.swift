import Foundation
import HotlineDomain
import HotlineWorkers
import PostgresNIO
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
            let rows = try await stack.client.query(
                "SELECT id, caller_sealed, caller_key_id FROM cases WHERE case_number = \(number)", logger: stack.logger)
            var found: (UUID, [UInt8], String)?
            for try await (id, sealed, keyID) in rows.decode((UUID, ByteBuffer, String).self) { found = (id, Array(sealed.readableBytesView), keyID) }
            let (caseID, sealed, keyID) = try #require(found)
            let newOnly = PersonalDataVault(keys: try HotlineConfiguration.fromEnvironment(stack.environment.merging(["HOTLINE_DATA_KEY": Self.newKey]) { $1 }).keys)
            #expect(try newOnly.open(sealed, keyID: keyID, caseID: caseID).normalizedPhone == String(format: "139%08d", try await appealNumber(stack, number)))
            let oldOnly = PersonalDataVault(keys: try HotlineConfiguration.fromEnvironment(stack.environment).keys)
            #expect(throws: (any Error).self, "the old key alone no longer opens the rows") { try oldOnly.open(sealed, keyID: keyID, caseID: caseID) }
        }
    }

    /// The appeals of IntakeEvents.appeal(n) come from 139 followed by n in 8 digits.
    func appealNumber(_ stack: TestStack, _ number: String) async throws -> Int {
        let external = try #require(try await stack.pairs(
            "SELECT external_id, 0::bigint FROM cases WHERE case_number = \(number)").keys.first)
        return try #require(Int(external.filter(\.isNumber)))
    }
}
