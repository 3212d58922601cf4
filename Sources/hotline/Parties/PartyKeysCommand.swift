import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// A party's public keys: generate a pair (the private half to a file, never to the
/// database), enrol, rotate, revoke, list.
struct PartyKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Generate, enrol, rotate, revoke and list parties' public keys.",
        subcommands: [Generate.self, Add.self, Issue.self, Rotate.self, Revoke.self, List.self])

    /// How long a rotated key still counts after its successor is enrolled: messages signed
    /// just before the rotation are still on their way and every sender of the party needs
    /// time to switch to the new file. A day covers a restart in office hours.
    static let defaultOverlapHours = 24

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key pair: write the private key to --out (mode 0600) and print the public key in Base64 for `keys add`.")

        @Option(help: "signing (Ed25519) or sealing (X25519 for HPKE).")
        var purpose: String
        @Option(help: "The private key file to create; an existing file is never overwritten.")
        var out: String

        func run() throws {
            let purpose = try PartyKeysCommand.purpose(purpose)
            let pair = PartyKeyFile.generate(purpose)
            do {
                try PartyKeyFile.write(pair.privateKey, to: out)
            } catch {
                throw CommandSupport.fail("--out: \(error)")
            }
            print(Data(pair.publicKey).base64EncodedString())
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrol a party's public key; prints its key id.")

        @Option(help: "The party the key belongs to.")
        var party: String
        @Option(help: "signing or sealing.")
        var purpose: String
        @Option(help: "The public key in Base64, as `keys generate` prints it.")
        var publicKey: String
        @Option(help: "From when the key counts (RFC 3339; default: now, by the real clock).")
        var validFrom: String?
        @OptionGroup var change: DirectoryChangeOptions

        func run() async throws {
            let purpose = try PartyKeysCommand.purpose(purpose)
            let publicKey = try PartyKeysCommand.publicKey(publicKey)
            let validFrom = try validFrom.map(PartyKeysCommand.instant)
            let note = try change.note()
            let keyID = PartyKeyFile.keyID(party: party, purpose: purpose, publicKey: publicKey)
            try await PartiesCommand.changing { [party] client, logger in
                let from = validFrom ?? Date()
                let key = PartyKey(keyID: keyID, partyID: party, purpose: purpose, publicKey: publicKey, validFrom: from)
                try await PartyStore.add(key, note: note, client: client, logger: logger)
            }
            print(keyID)
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate and enrol a key for each party that has no valid key of the purpose, writing <key-dir>/<party>.<purpose>.key.",
            discussion: """
                For a development, test or demo stack where one operator holds every party's key. A real party runs \
                `keys generate` on its own machine and hands over only the public key for `keys add`.
                """)

        @Option(help: "signing or sealing.")
        var purpose: String
        @Option(help: "The directory the private key files are written to (created if missing).")
        var keyDir: String
        @Option(help: "Only this party (repeatable); default: every party without a valid key of the purpose.")
        var party: [String] = []
        @OptionGroup var change: DirectoryChangeOptions

        func run() async throws {
            let purpose = try PartyKeysCommand.purpose(purpose)
            let note = try change.note()
            do {
                try FileManager.default.createDirectory(atPath: keyDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CommandSupport.fail("--key-dir: \(keyDir) cannot be created (\(error.localizedDescription))")
            }
            let issued = try await PartiesCommand.changing { [party, keyDir] client, logger in
                let now = Date()
                let directory = try await client.withConnection { try await PartyStore.directory(on: $0, logger: logger) }
                if let unknown = party.first(where: { directory.party($0) == nil }) {
                    throw PartyDirectoryError(description: "party '\(unknown)' is not in the directory; add it first with `hotline parties add`")
                }
                let chosen = party.isEmpty
                    ? directory.parties.map(\.id).filter { id in !directory.keys(of: id).contains { $0.purpose == purpose && $0.isValid(at: now) } }
                    : party
                var issued: [String] = []
                for id in chosen {
                    let pair = PartyKeyFile.generate(purpose)
                    do {
                        try PartyKeyFile.write(pair.privateKey, to: "\(keyDir)/\(id).\(purpose.rawValue).key")
                    } catch {
                        throw PartyDirectoryError(description: "\(error)")
                    }
                    let keyID = PartyKeyFile.keyID(party: id, purpose: purpose, publicKey: pair.publicKey)
                    try await PartyStore.add(
                        PartyKey(keyID: keyID, partyID: id, purpose: purpose, publicKey: pair.publicKey, validFrom: now), note: note, client: client, logger: logger)
                    issued.append(keyID)
                }
                return issued
            }
            for keyID in issued { print(keyID) }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a party's new key, valid now, and end its current keys of that purpose after an overlap; prints the new key id.",
            discussion: """
                During the overlap (--overlap-hours, default \(PartyKeysCommand.defaultOverlapHours)) both keys verify the party's \
                messages, so senders can switch to the new private key file one by one; data is sealed to the new key at once.
                """)

        @Option(help: "The party whose key is replaced.")
        var party: String
        @Option(help: "signing or sealing.")
        var purpose: String
        @Option(help: "The new public key in Base64, as `keys generate` prints it.")
        var publicKey: String
        @Option(help: "Hours the old keys still count.")
        var overlapHours = PartyKeysCommand.defaultOverlapHours
        @OptionGroup var change: DirectoryChangeOptions

        func run() async throws {
            let purpose = try PartyKeysCommand.purpose(purpose)
            let publicKey = try PartyKeysCommand.publicKey(publicKey)
            guard (0...24 * 90).contains(overlapHours) else { throw CommandSupport.fail("--overlap-hours: must be 0 to 2160 (90 days), found \(overlapHours)") }
            let note = try change.note()
            let keyID = PartyKeyFile.keyID(party: party, purpose: purpose, publicKey: publicKey)
            let ended = try await PartiesCommand.changing { [party, overlapHours] client, logger in
                let now = Date()
                let directory = try await client.withConnection { try await PartyStore.directory(on: $0, logger: logger) }
                guard directory.party(party) != nil else {
                    throw PartyDirectoryError(description: "party '\(party)' is not in the directory; add it first with `hotline parties add`")
                }
                let ended = directory.keysEndedByRotation(of: party, purpose: purpose, at: now, overlap: TimeInterval(overlapHours * 3600))
                let key = PartyKey(keyID: keyID, partyID: party, purpose: purpose, publicKey: publicKey, validFrom: now)
                try await PartyStore.rotate(to: key, ending: ended, note: note, client: client, logger: logger)
                return ended
            }
            print(keyID)
            for old in ended { print("\(old.keyID) valid until \(RFC3339.format(old.until))") }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key at once (a lost or leaked private key): from now on nothing it signed is accepted.")

        @Option(help: "The key id, as `keys list` shows it.")
        var keyID: String
        @Option(help: "Why the key is revoked, kept with the change.")
        var reason: String
        @Option(help: "Who revokes it (default: $USER).")
        var by: String?

        func run() async throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandSupport.fail("--reason: say why the key is revoked") }
            let note = try DirectoryChangeOptions.note(by: by, reason: reason)
            let party = try await PartiesCommand.changing { [keyID] client, logger in
                let now = Date()
                return try await PartyStore.revoke(keyID: keyID, at: now, note: note, client: client, logger: logger)
            }
            print("revoked \(keyID) of \(party)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys, of one party or all, and whether each is valid now.")

        @Option(help: "Only this party's keys.")
        var party: String?

        func run() async throws {
            let (directory, now) = try await PartiesCommand.reading { client, logger in
                try await client.withConnection { try await PartyStore.directory(on: $0, logger: logger) }
            }
            if let party, directory.party(party) == nil {
                throw CommandSupport.fail("--party: '\(party)' is not in the directory; `hotline parties list` shows the parties")
            }
            for key in directory.keys where party == nil || key.partyID == party {
                let state = key.revokedAt != nil && !key.isValid(at: now) ? "revoked" : key.isValid(at: now) ? "valid" : "not valid"
                print([
                    key.keyID, key.partyID, key.purpose.rawValue, state, "from " + RFC3339.format(key.validFrom),
                    key.validUntil.map { "until " + RFC3339.format($0) } ?? "-", key.revokedAt.map { "revoked " + RFC3339.format($0) } ?? "-",
                    Data(key.publicKey).base64EncodedString(),
                ].joined(separator: "\t"))
            }
        }
    }

    static func purpose(_ text: String) throws -> KeyPurpose {
        guard let purpose = KeyPurpose(rawValue: text) else { throw CommandSupport.fail("--purpose: must be signing or sealing, found '\(text)'") }
        return purpose
    }

    static func publicKey(_ text: String) throws -> [UInt8] {
        guard let raw = Data(base64Encoded: text), raw.count == 32 else {
            throw CommandSupport.fail("--public-key: must be the Base64 of a 32-byte public key, as `hotline parties keys generate` prints it")
        }
        return Array(raw)
    }

    static func instant(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else { throw CommandSupport.fail("--valid-from: must be an RFC 3339 instant such as 2026-03-02T09:00:00+08:00, found '\(text)'") }
        return date
    }
}
