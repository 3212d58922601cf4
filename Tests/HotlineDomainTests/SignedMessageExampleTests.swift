import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// docs/CONTRACTS.md "Signed messages" shows a Python `cryptography` signer: this runs that
/// very block (python3-cryptography from Debian) and checks that the worker's verification
/// accepts what it prints, so the document cannot drift from the code.
@Suite struct SignedMessageExampleTests {
    /// The Python block after the `signed-message-example` marker.
    static func example() throws -> String {
        let text = try String(contentsOfFile: Repository.path("docs/CONTRACTS.md"), encoding: .utf8)
        let afterMarker = try #require(text.range(of: "<!-- signed-message-example -->\n```python\n"))
        let end = try #require(text.range(of: "\n```", range: afterMarker.upperBound..<text.endIndex))
        return String(text[afterMarker.upperBound..<end.lowerBound])
    }

    @Test func theDocumentedPythonSignerIsAcceptedByTheWorkersVerification() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("signed-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("sign.py")
        try Data(try Self.example().utf8).write(to: script)
        let pair = PartyKeyFile.generate(.signing)
        let keyFile = folder.appendingPathComponent("yuelu.signing.key").path
        try PartyKeyFile.write(pair.privateKey, to: keyFile)
        let value = Array(#"{"schema_version":1,"event_id":"ua-py-0001","type":"sign","unit_id":"yuelu","staff_id":"s1"}"#.utf8)
        let valueFile = folder.appendingPathComponent("value.json")
        try Data(value).write(to: valueFile)
        let caseKey = "8f0c7d1e-7f43-4c1a-9b61-3c0a2f9e5d11"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, keyFile, "yuelu", "hotline.unit-actions.v1", caseKey, valueFile.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 (with python3-cryptography) runs the documented example")

        let header = Array(String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        let yuelu = Party(id: "yuelu", kind: .unit, displayName: "岳麓区")
        let key = PartyKey(
            keyID: PartyKeyFile.keyID(party: "yuelu", purpose: .signing, publicKey: pair.publicKey), partyID: "yuelu", purpose: .signing,
            publicKey: pair.publicKey, validFrom: Date().addingTimeInterval(-60))
        let authenticator = MessageAuthenticator(directory: PartyDirectory(parties: [yuelu], keys: [key]), verify: SignatureVerification.verify)
        let sender = authenticator.sender(
            topic: "hotline.unit-actions.v1", key: Array(caseKey.utf8), value: value, headers: [(MessageSignature.header, header)], receivedAt: Date())
        #expect(try sender.get() == yuelu)
        let altered = authenticator.sender(
            topic: "hotline.unit-actions.v1", key: Array(caseKey.utf8), value: value + [0x20], headers: [(MessageSignature.header, header)], receivedAt: Date())
        #expect((try? altered.get()) == nil, "the signature covers the value")
    }
}
