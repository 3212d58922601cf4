import ArgumentParser
import Crypto
import Foundation
import HotlineDomain
import HotlineWorkers

/// CPU of the pipeline's sender check per message (issue 19): a unit action of the usual
/// size, signed once, authenticated again and again by `MessageAuthenticator` against a
/// directory of every unit of a routing file with one key each: header parsing, key
/// lookup, the signed bytes, Ed25519 verification, the send-time window. Signing is
/// measured too (what `hotline publish` adds per message). No database, no broker; the
/// figures are printed, never asserted.
struct BenchSignaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signatures", abstract: "Microseconds per signature check and per signature (no database, no broker).")

    @Option(help: "The routing file whose units make up the directory.")
    var routingFile = ProcessInfo.processInfo.environment["HOTLINE_ROUTING_FILE"] ?? "Ops/routing/changsha.yaml"

    @Option(help: "Checks to time.")
    var count = 20_000

    func run() async throws {
        guard (1...10_000_000).contains(count) else { throw CommandSupport.fail("--count must be 1 to 10000000, found \(count)") }
        let units = try CommandSupport.reportingFileErrors { try RoutingLoader.load(file: routingFile) }.network.units
        guard let signer = units.first else { throw CommandSupport.fail("\(routingFile): no unit to sign as") }
        let now = Date()
        var keys: [PartyKey] = []
        var signerKey: [UInt8] = []
        for unit in units {
            let pair = PartyKeyFile.generate(.signing)
            if unit.id == signer.id { signerKey = pair.privateKey }
            keys.append(PartyKey(
                keyID: PartyKeyFile.keyID(party: unit.id, purpose: .signing, publicKey: pair.publicKey), partyID: unit.id, purpose: .signing,
                publicKey: pair.publicKey, validFrom: now.addingTimeInterval(-60)))
        }
        let directory = PartyDirectory(parties: units.map { Party(id: $0.id, kind: .unit, displayName: $0.name) }, keys: keys)
        let authenticator = MessageAuthenticator(directory: directory, verify: SignatureVerification.verify)
        let topic = TopicName.unitActions
        let key = Array(UUID().uuidString.lowercased().utf8)
        let value = Array(#"{"schema_version":1,"event_id":"bench-sign-00000001","type":"submit_result","case_id":"\#(UUID().uuidString.lowercased())","unit_id":"\#(signer.id)","staff_id":"bench-staff","occurred_at":"2026-10-12T10:00:00+08:00","result":{"handled_by":"城管执法中队 王某","handled_at":"2026-10-12T09:30:00+08:00","action_taken":"已现场查看并修复破损路面，恢复通行。","outcome":"resolved"}}"#.utf8)
        let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: signerKey)
        let clock = ContinuousClock()
        var header: [UInt8] = []
        let signing = try clock.measure {
            for _ in 0..<max(1, count / 10) {
                header = try SignatureVerification.sign(
                    topic: topic, key: key, value: value, as: signer.id, with: privateKey, sentAtText: RFC3339.format(now)).headerValue
            }
        }
        var accepted = 0
        let checking = clock.measure {
            for _ in 0..<count {
                if case .success = authenticator.sender(topic: topic, key: key, value: value, headers: [(MessageSignature.header, header)], receivedAt: now) {
                    accepted += 1
                }
            }
        }
        guard accepted == count else { throw CommandSupport.fail("bench: \(count - accepted) of \(count) checks refused a good signature") }
        var figures = BenchFigures()
        figures["parties"] = units.count
        figures["checks"] = count
        figures["value_bytes"] = value.count
        figures["check_us_per_message"] = (checking.seconds * 1e6 / Double(count) * 100).rounded() / 100
        figures["sign_us_per_message"] = (signing.seconds * 1e6 / Double(max(1, count / 10)) * 100).rounded() / 100
        try figures.print()
    }
}
