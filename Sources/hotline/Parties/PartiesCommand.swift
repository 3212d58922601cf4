import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers
import Logging
import PostgresNIO

/// The directory of parties and their public keys (issue 19, README "Parties and their
/// keys"). Changes run over the owner's login: DATABASE_URL=$OWNER_DATABASE_URL.
struct PartiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parties", abstract: "The directory of parties (centre, units, adapters) and their public keys.",
        subcommands: [Add.self, SyncUnits.self, List.self, Changes.self, PartyKeysCommand.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a party to the directory (without keys).")

        @Option(help: "The party id: lower-case letters, digits, '.', '_' or '-'; a unit's id is its id in the routing file.")
        var id: String
        @Option(help: "centre, unit, channel_adapter or callback_adapter.")
        var kind: String
        @Option(help: "The name people know the party by.")
        var name: String
        @OptionGroup var change: DirectoryChangeOptions

        func run() async throws {
            guard Party.isValidID(id) else { throw CommandSupport.fail("--id: '\(id)' is not a party id; use 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit") }
            guard let kind = PartyKind(rawValue: kind) else {
                throw CommandSupport.fail("--kind: must be one of \(PartyKind.allCases.map(\.rawValue).joined(separator: ", ")), found '\(kind)'")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandSupport.fail("--name: must not be empty") }
            let party = Party(id: id, kind: kind, displayName: name)
            let note = try change.note()
            try await PartiesCommand.changing { client, logger in
                try await PartyStore.add(party, note: note, client: client, logger: logger)
            }
            print("added \(kind.rawValue) \(id)")
        }
    }

    struct SyncUnits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync-units", abstract: "Add every unit of a routing file's network that is not yet in the directory.")

        @Option(help: "The routing file, e.g. Ops/routing/changsha.yaml.")
        var routingFile: String
        @OptionGroup var change: DirectoryChangeOptions

        func run() async throws {
            let router = try CommandSupport.reportingFileErrors { try RoutingLoader.load(file: routingFile) }
            let invalid = router.network.units.map(\.id).filter { !Party.isValidID($0) }
            guard invalid.isEmpty else {
                throw CommandSupport.fail("\(routingFile): unit ids \(invalid.joined(separator: ", ")) cannot be party ids; rename them to lower-case letters, digits, '.', '_' or '-'")
            }
            let units = router.network.units.map { Party(id: $0.id, kind: .unit, displayName: $0.name) }
            let note = try change.note()
            let added = try await PartiesCommand.changing { client, logger in
                try await PartyStore.addMissing(units, note: note, client: client, logger: logger)
            }
            print("units: \(added.count) added, \(units.count - added.count) already in the directory")
            for id in added { print("added unit \(id)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the parties and how many keys of each purpose are valid now.")

        func run() async throws {
            let (directory, now) = try await PartiesCommand.reading { client, logger in
                try await client.withConnection { try await PartyStore.directory(on: $0, logger: logger) }
            }
            for party in directory.parties {
                let signing = directory.signingKeys(of: party.id, at: now).count
                let sealing = directory.keys(of: party.id).filter { $0.purpose == .sealing && $0.isValid(at: now) }.count
                print("\(party.id)\t\(party.kind.rawValue)\tsigning keys \(signing)\tsealing keys \(sealing)\t\(party.displayName)")
            }
        }
    }

    struct Changes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The directory's change log: who changed what, when and why.")

        @Option(help: "Only this party's changes.")
        var party: String?

        func run() async throws {
            let (changes, _) = try await PartiesCommand.reading { [party] client, logger in
                try await PartyStore.changes(of: party, client: client, logger: logger)
            }
            for change in changes {
                print([String(change.id), RFC3339.format(change.changedAt), change.change, change.partyID, change.keyID ?? "-", change.changedBy, change.reason ?? ""]
                    .joined(separator: "\t"))
            }
        }
    }

    /// Runs a change over the owner's login.
    static func changing<Result: Sendable>(_ body: @Sendable @escaping (PostgresClient, Logger) async throws -> Result) async throws -> Result {
        let logger = try CommandSupport.makeLogger("hotline.parties")
        let url = try CommandSupport.databaseURL(session: .owner)
        do {
            return try await withPostgres(url.configuration, logger: logger) { client in try await body(client, logger) }
        } catch let error as PartyDirectoryError {
            throw CommandSupport.fail("\(error)")
        }
    }

    /// Reads the directory, with the instant keys are judged at: the real time, as the
    /// workers judge signatures (a simulated HOTLINE_CLOCK moves cases, not keys).
    static func reading<Result: Sendable>(_ body: @Sendable @escaping (PostgresClient, Logger) async throws -> Result) async throws -> (Result, Date) {
        let logger = try CommandSupport.makeLogger("hotline.parties")
        let url = try CommandSupport.databaseURL(session: .reader)
        let result = try await withPostgres(url.configuration, logger: logger) { client in try await body(client, logger) }
        return (result, Date())
    }
}

/// Who makes a change to the directory and why; both are kept in `party_key_changes`.
struct DirectoryChangeOptions: ParsableArguments {
    @Option(help: "Who makes the change (default: $USER).")
    var by: String?
    @Option(help: "Why, kept with the change.")
    var reason: String?

    func note() throws -> DirectoryChangeNote { try Self.note(by: by, reason: reason) }

    static func note(by: String?, reason: String?) throws -> DirectoryChangeNote {
        guard let by = by ?? ProcessInfo.processInfo.environment["USER"], !by.isEmpty else {
            throw CommandSupport.fail("--by: say who makes the change (USER is not set)")
        }
        return DirectoryChangeNote(changedBy: by, reason: reason)
    }
}
