import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers
import PostgresNIO
import Testing

/// Rotating the key-encryption key without downtime: cases whose data keys are wrapped under
/// the old key stay readable while both keys are configured; `hotline keys reencrypt`
/// re-wraps every case's data key under the new one and gives a case from before migration
/// 0030 (caller sealed directly under the old key, text in clear) a data key of its own,
/// once (a second run finds nothing); then the old key can go.
@Suite(.serialized)
struct KeyRotationTests {
    static let newKey = "test2:" + Data(repeating: 11, count: 32).base64EncodedString()
    static let oldKey = "test1:" + Data(repeating: 7, count: 32).base64EncodedString()

    @Test func reencryptMovesEveryCaseToTheNewKey() async throws {
        try await TestStack.with { stack in
            for worker in ["intake", "dispatch", "relay"] { try stack.startWorker(worker) }
            try stack.publish((1...6).map { IntakeEvents.appeal($0) })
            try await stack.waitForPipeline(messages: 6)
            let accepted = try await stack.count("SELECT count(*) FROM cases")
            let underOldKey = try await stack.count("SELECT count(*) FROM cases WHERE data_key_id = 'test1'")
            #expect(accepted > 1 && accepted == underOldKey)
            let numbers = try await stack.pairs("SELECT case_number, 0::bigint FROM cases").keys.sorted()
            let legacyNumber = try #require(numbers.first)
            try await makeLegacy(stack, legacyNumber)

            let rotated = ["HOTLINE_DATA_KEY": Self.newKey, "HOTLINE_DATA_KEYS_PREVIOUS": Self.oldKey]
            let first = try stack.run(["keys", "reencrypt", "--batch-size", "2"], extraEnvironment: rotated).stdout
            #expect(first.contains("re-encrypted under key test2: \(accepted - 1) case data keys re-wrapped, 1 older cases given their own data key"))
            #expect(try await stack.count(
                "SELECT count(*) FROM cases WHERE data_key_id = 'test2' AND caller_key_id = 'case' AND content IS NULL AND appeal_sealed IS NOT NULL")
                == accepted)
            let again = try stack.run(["keys", "reencrypt"], extraEnvironment: rotated).stdout
            #expect(again.contains(": 0 case data keys re-wrapped, 0 older cases given their own data key, 0 callback comments"),
                    "a second run finds nothing to do")
            #expect(try stack.run(["keys", "status"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "test2  \(accepted)")

            // The old key is gone: every case still opens, under the new key alone, the one from
            // before migration 0030 with the same caller and text.
            let newOnly = try PersonalDataVault(keys: try HotlineConfiguration.fromEnvironment(stack.environment.merging(["HOTLINE_DATA_KEY": Self.newKey]) { $1 }).keys)
            let oldOnly = try PersonalDataVault(keys: try HotlineConfiguration.fromEnvironment(stack.environment).keys)
            for number in numbers {
                let sealed = try await sealedCase(stack, number)
                #expect(try newOnly.caller(of: sealed).normalizedPhone == String(format: "139%08d", try await appealNumber(stack, number)))
                #expect(try newOnly.appeal(of: sealed)?.content.contains("小区门口道路破损严重") == true)
                #expect(throws: (any Error).self, "the old key alone no longer opens the case") { try oldOnly.caller(of: sealed) }
            }
        }
    }

    /// Puts a case back as it was stored before migration 0030.
    func makeLegacy(_ stack: TestStack, _ number: String) async throws {
        let vault = try PersonalDataVault(keys: try HotlineConfiguration.fromEnvironment(stack.environment).keys)
        let sealed = try await sealedCase(stack, number)
        let caller = try vault.caller(of: sealed)
        let appeal = try #require(try vault.appeal(of: sealed))
        let box = try AES.GCM.seal(
            try JSONEncoder().encode(caller), using: SymmetricKey(data: Data(repeating: 7, count: 32)),
            authenticating: Data(sealed.caseID.uuidString.lowercased().utf8))
        try await stack.client.query(
            """
            UPDATE cases SET caller_sealed = \(ByteBuffer(bytes: Array(try #require(box.combined)))), caller_key_id = 'test1',
                             subject = \(appeal.subject), content = \(appeal.content), appeal_sealed = NULL, data_key_sealed = NULL, data_key_id = NULL
            WHERE case_number = \(number)
            """, logger: stack.logger)
    }

    func sealedCase(_ stack: TestStack, _ number: String) async throws -> SealedCase {
        let rows = try await stack.client.query(
            """
            SELECT id, data_key_sealed, data_key_id, caller_sealed, caller_key_id, appeal_sealed, subject, content
            FROM cases WHERE case_number = \(number)
            """, logger: stack.logger)
        for try await row in rows.decode((UUID, ByteBuffer?, String?, ByteBuffer, String, ByteBuffer?, String?, String?).self) {
            return SealedCase(
                caseID: row.0, dataKey: row.1.map { WrappedDataKey(wrapped: Array($0.readableBytesView), keyID: row.2 ?? "") },
                callerSealed: Array(row.3.readableBytesView), callerKeyID: row.4, appealSealed: row.5.map { Array($0.readableBytesView) },
                clearSubject: row.6, clearContent: row.7)
        }
        throw StackError("no case \(number)")
    }

    /// The appeals of IntakeEvents.appeal(n) come from 139 followed by n in 8 digits.
    func appealNumber(_ stack: TestStack, _ number: String) async throws -> Int {
        let external = try #require(try await stack.pairs(
            "SELECT external_id, 0::bigint FROM cases WHERE case_number = \(number)").keys.first)
        return try #require(Int(external.filter(\.isNumber)))
    }
}
