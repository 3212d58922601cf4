import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// `hotline parties` as an operator runs it (issue 19): a party generates its key pair and
/// hands over the public key; the directory enrols it, rotates it with an overlap and keeps
/// every change with who and why. The worker login cannot change the directory.
@Suite(.serialized)
struct PartiesCommandTests {
    @Test func aKeyIsEnrolledRotatedWithAnOverlapAndEveryChangeIsKept() async throws {
        try await TestStack.with { stack in
            let owner = ["DATABASE_URL": stack.ownerDatabaseURL]
            let first = stack.directory.appendingPathComponent("console-1.key").path
            let second = stack.directory.appendingPathComponent("console-2.key").path
            let firstPublic = try stack.run(["parties", "keys", "generate", "--purpose", "signing", "--out", first]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let mode = try FileManager.default.attributesOfItem(atPath: first)[.posixPermissions] as? Int
            #expect(mode == 0o600, "the private key file is readable by its owner alone")
            try stack.run(["parties", "add", "--id", "web-form", "--kind", "channel_adapter", "--name", "网站留言", "--by", "ops-li"], extraEnvironment: owner)
            let firstID = try stack.run(
                ["parties", "keys", "add", "--party", "web-form", "--purpose", "signing", "--public-key", firstPublic, "--by", "ops-li", "--reason", "go-live"],
                extraEnvironment: owner).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(firstID.hasPrefix("web-form:signing:"))

            let refused = try stack.run(["parties", "add", "--id", "intruder", "--kind", "unit", "--name", "x", "--by", "intruder"], expectSuccess: false)
            #expect(refused.status == 2 && refused.output.contains("OWNER_DATABASE_URL"), "the worker login is told to use the owner's: \(refused.output)")

            let secondPublic = try stack.run(["parties", "keys", "generate", "--purpose", "signing", "--out", second]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let rotated = try stack.run(
                ["parties", "keys", "rotate", "--party", "web-form", "--purpose", "signing", "--public-key", secondPublic, "--overlap-hours", "2",
                 "--by", "ops-li", "--reason", "yearly rotation"], extraEnvironment: owner).stdout
            #expect(rotated.contains("\(firstID) valid until"))
            let keys = try stack.run(["parties", "keys", "list", "--party", "web-form"]).stdout.split(separator: "\n")
            #expect(keys.count == 2 && keys.allSatisfy { $0.contains("\tvalid\t") }, "both count during the overlap: \(keys)")
            #expect(try await stack.count(
                """
                SELECT count(*) FROM party_keys old JOIN party_keys new ON new.party_id = old.party_id AND new.key_id <> old.key_id
                WHERE old.key_id = \(firstID) AND old.valid_until = new.valid_from + interval '2 hours'
                """) == 1, "the old key ends the overlap after the new one starts")

            let changes = try stack.run(["parties", "changes", "--party", "web-form"]).stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            #expect(changes.map { $0[2] } == ["party_added", "key_added", "key_rotated"])
            #expect(changes.allSatisfy { $0[5] == "ops-li" } && changes.last?.last == "yearly rotation")
        }
    }
}
