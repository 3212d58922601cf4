import Foundation
import HotlineDomain
import HotlineKafka
import HotlineWorkers

/// The parties of a test stack, enrolled with `hotline parties` as an operator would: the
/// units of the routing file, the centre and one callback adapter, each with a signing key
/// in `keyDirectory` (`<party>.signing.key`), and the centre with a sealing key too
/// (`centre.sealing.key`), which dead letters' originals are sealed to. Every message a test publishes to a signed
/// topic is signed by the party its line names (`FixtureLine.signAs`), or by the party it
/// claims to be.
extension TestStack {
    static let centre = "centre"
    static let callbackDesk = "callback-desk"

    var keyDirectory: URL { directory.appendingPathComponent("keys") }

    func enrolParties() throws {
        let owner = ["DATABASE_URL": ownerDatabaseURL]
        try run(["parties", "sync-units", "--routing-file", values.root + "/Ops/routing/changsha.yaml", "--by", "test"], extraEnvironment: owner)
        try run(["parties", "add", "--id", Self.centre, "--kind", "centre", "--name", "12345 中心", "--by", "test"], extraEnvironment: owner)
        try run(["parties", "add", "--id", Self.callbackDesk, "--kind", "callback_adapter", "--name", "回访坐席", "--by", "test"], extraEnvironment: owner)
        try run(["parties", "keys", "issue", "--purpose", "signing", "--key-dir", keyDirectory.path, "--by", "test"], extraEnvironment: owner)
        try run(["parties", "keys", "issue", "--purpose", "sealing", "--party", Self.centre, "--key-dir", keyDirectory.path, "--by", "test"],
                extraEnvironment: owner)
    }

    /// CONTRACTS.md's `open_sealed.py` block, written to a file as a reader would copy it.
    func contractsOpeningExample() throws -> String {
        let contracts = try String(contentsOfFile: values.root + "/docs/CONTRACTS.md", encoding: .utf8)
        guard let marker = contracts.range(of: "<!-- open_sealed.py -->\n```python\n"),
              let end = contracts.range(of: "\n```", range: marker.upperBound..<contracts.endIndex)
        else { throw StackError("docs/CONTRACTS.md has no open_sealed.py block") }
        let path = directory.appendingPathComponent("open_sealed.py").path
        try Data(contracts[marker.upperBound..<end.lowerBound].utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The centre's private sealing key file, for `hotline dlq show` and `replay --key`.
    var centreSealingKeyFile: String { keyDirectory.appendingPathComponent("\(Self.centre).sealing.key").path }

    /// The `hotline-signature` header of a message signed now by `party`'s test key.
    func signatureHeader(topic: String, key: [UInt8]?, value: [UInt8], as party: String, sentAt: Date = Date()) throws -> KafkaHeader {
        let signingKey = try PartyKeyFile.signingKey(at: keyDirectory.appendingPathComponent("\(party).signing.key").path)
        let signature = try SignatureVerification.sign(
            topic: topic, key: key, value: value, as: party, with: signingKey, sentAtText: RFC3339.format(sentAt))
        return KafkaHeader(key: MessageSignature.header, value: signature.headerValue)
    }
}

extension FixtureLine {
    /// Who sends the line when the test does not say: the unit a unit action or entry names,
    /// the centre for its actions and reviews, the callback adapter for a result.
    func claimedSender(on topic: String) -> String? {
        guard case let .object(fields)? = value else { return nil }
        switch topic {
        case TopicName.unitActions:
            if case let .string(unit)? = fields["unit_id"] { return unit }
            return nil
        case TopicName.centreActions:
            return TestStack.centre
        case TopicName.knowledge:
            if case let .string(type)? = fields["type"], type == KnowledgeEventDecoder.publishedType, case let .string(unit)? = fields["unit_id"] { return unit }
            return TestStack.centre
        case TopicName.callbackResults:
            return TestStack.callbackDesk
        default:
            return nil
        }
    }
}
