import ArgumentParser
import Crypto
import Foundation
import HotlineDomain
import HotlineKafka
import HotlineWorkers

/// Publishes a fixture file (`FixtureFile`) as a channel adapter, a unit, the centre or a
/// callback adapter would, optionally one wave of it, signing each message where a key is
/// given (docs/CONTRACTS.md "Signed messages"; the inbound topics refuse what is unsigned).
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Publish a JSON-lines fixture to a topic, signed as a party where a key is given.",
        discussion: """
            --as PARTY --key-file FILE signs every line as PARTY; --key-dir DIR signs each line as the party its "sign_as" \
            names, with DIR/<party>.signing.key (as `hotline parties keys issue` writes them), and publishes a line without \
            "sign_as" unsigned (the workers refuse it: a way to try the refusal). The send time signed is now \
            by the real clock (the workers judge it by theirs, also under a simulated HOTLINE_CLOCK), or --sent-at.
            """)

    @Option(help: "Topic to publish to.")
    var topic = TopicName.intake

    @Option(help: "Only the lines of this wave.")
    var wave: Int?

    @Option(name: .customLong("as"), help: "Sign every line as this party (with --key-file).")
    var party: String?

    @Option(help: "The party's private signing key file (with --as).")
    var keyFile: String?

    @Option(help: "Sign each line as its \"sign_as\" party with <key-dir>/<party>.signing.key.")
    var keyDir: String?

    @Option(help: "The send time to sign (RFC 3339); default: now.")
    var sentAt: String?

    @Argument(help: "JSON-lines fixture file.")
    var file: String

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.publish")
        let brokers = try CommandSupport.kafkaBrokers()
        let lines = try FixtureFile(path: file).lines.filter { wave == nil || $0.wave == wave }
        let signer = try signer()
        let messages = try lines.map { line in
            var message = OutgoingMessage(
                topic: topic, key: line.key.map { Array($0.utf8) }, value: line.value,
                headers: line.headers.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, value: Array($0.value.utf8)) })
            if let signer, let signature = try signer.sign(line, message, file: file) {
                message.headers.append(KafkaHeader(key: MessageSignature.header, value: signature.headerValue))
            } else if signer == nil, line.signAs != nil {
                throw CommandSupport.fail("\(file):\(line.number): names sign_as but no key was given; pass --key-dir DIR")
            }
            return message
        }
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: brokers), logger: logger)
        let started = ContinuousClock.now
        for start in stride(from: 0, to: messages.count, by: 500) {
            try await producer.send(Array(messages[start..<min(start + 500, messages.count)]))
        }
        producer.close()
        print("published \(messages.count) messages to \(topic)\(signer == nil ? "" : ", signed,") in \(ContinuousClock.now - started)")
    }

    /// The keys and the send time, when the options ask for signing.
    private func signer() throws -> Signer? {
        switch (party, keyFile, keyDir) {
        case (nil, nil, nil):
            return nil
        case let (party?, keyFile?, nil):
            guard Party.isValidID(party) else { throw CommandSupport.fail("--as: '\(party)' is not a party id") }
            return Signer(keys: .one(party: party, key: try Self.key(keyFile)), sentAtText: try sentAtText())
        case let (nil, nil, keyDir?):
            return Signer(keys: .directory(keyDir), sentAtText: try sentAtText())
        default:
            throw CommandSupport.fail("signing: give either --as PARTY with --key-file FILE, or --key-dir DIR with sign_as on each line")
        }
    }

    private func sentAtText() throws -> String {
        guard let sentAt else { return RFC3339.format(Date()) }
        guard RFC3339.parse(sentAt) != nil else { throw CommandSupport.fail("--sent-at: must be an RFC 3339 instant, found '\(sentAt)'") }
        return sentAt
    }

    static func key(_ path: String) throws -> Curve25519.Signing.PrivateKey {
        do {
            return try PartyKeyFile.signingKey(at: path)
        } catch {
            throw CommandSupport.fail("\(error)")
        }
    }

    /// Signs each line with the key of its party.
    struct Signer {
        enum Keys {
            case one(party: String, key: Curve25519.Signing.PrivateKey)
            case directory(String)
        }

        var keys: Keys
        var sentAtText: String

        /// The line's signature; nil for a line without "sign_as" under --key-dir.
        func sign(_ line: FixtureFile.Line, _ message: OutgoingMessage, file: String) throws -> MessageSignature? {
            let party: String
            let key: Curve25519.Signing.PrivateKey
            switch keys {
            case let .one(one, oneKey):
                (party, key) = (one, oneKey)
            case let .directory(directory):
                guard let signAs = line.signAs else { return nil }
                guard Party.isValidID(signAs) else {
                    throw CommandSupport.fail("\(file):\(line.number): \"sign_as\" must be a party id, found '\(signAs)'")
                }
                (party, key) = (signAs, try PublishCommand.key("\(directory)/\(signAs).\(KeyPurpose.signing.rawValue).key"))
            }
            return try SignatureVerification.sign(
                topic: message.topic, key: message.key, value: message.value, as: party, with: key, sentAtText: sentAtText)
        }
    }
}
