import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// The tamper-evident case history (README "Tamper-evident history"): verify the chains
/// and digests, print a day's digest. A case's history is the evidence in a rating appeal
/// (长沙 第二十七条).
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Verify the case history's hash chains; print a day's digest.",
        subcommands: [HistoryVerifyCommand.self, HistoryDigestCommand.self])
}

/// Exit 0 when every chain and digest holds, 1 when something is wrong (each problem on
/// a line naming the case, the row and what), 2 when it could not check.
struct HistoryVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every history row's hash and chain, and the daily digests; name what was changed, removed or inserted.")

    @Option(help: "Only this case's chain, e.g. 20261019-000001 (the digests are still checked).")
    var caseNumber: String?

    @Option(help: "Digests kept outside the database: JSON lines as published on hotline.history-digests.v1 or printed by `hotline history digest --format json`.")
    var digestFile: String?

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.history")
        let kept = try digestFile.map(Self.readDigests) ?? [:]
        let url = try CommandSupport.databaseURL(session: .reader)
        let result = try await withPostgres(url.configuration, logger: logger) { client in
            try await HistoryVerifier.verify(caseNumber: caseNumber, kept: kept, client: client, logger: logger)
        }
        if let caseNumber, result.cases == 0, result.problems.isEmpty {
            throw CommandSupport.fail("case \(caseNumber) has no history; check the case number")
        }
        for problem in result.problems { print(problem) }
        let checked = "\(result.cases) case\(result.cases == 1 ? "" : "s"), \(result.rows) rows, \(result.digests) daily digests"
            + (kept.isEmpty ? "" : ", \(kept.count) kept")
        if result.problems.isEmpty {
            print("verified \(checked): every chain and digest holds")
        } else {
            print("\(result.problems.count) problem\(result.problems.count == 1 ? "" : "s") in \(checked); see the RUNBOOK, \"History verification failed\"")
            throw ExitCode(1)
        }
    }

    /// Each line's `day` and `digest`; a line that is not such an object is refused with its number.
    static func readDigests(_ path: String) throws -> [CalendarDate: [UInt8]] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandSupport.fail("--digest-file \(path): cannot be read (\(error.localizedDescription))")
        }
        var kept: [CalendarDate: [UInt8]] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let dayText = object["day"] as? String, let day = CalendarDate(dayText),
                  let digestText = object["digest"] as? String, let digest = Hex.bytes(digestText), digest.count == 32
            else {
                throw CommandSupport.fail("--digest-file \(path), line \(index + 1): not a history digest (a JSON object with day YYYY-MM-DD and digest, 64 hex digits)")
            }
            if let other = kept[day], other != digest {
                throw CommandSupport.fail("--digest-file \(path), line \(index + 1): a second, different digest for \(day); keep one copy per day")
            }
            kept[day] = digest
        }
        return kept
    }
}

/// A day's digest as recorded and published: text, or the published event's JSON (one line,
/// to keep in a digest file).
struct HistoryDigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Print a day's history digest (the one published on hotline.history-digests.v1).")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Option(help: "The day, YYYY-MM-DD (China time).")
    var date: String

    @Option(help: "text or json (the published event, one line).")
    var format: Format = .text

    @Flag(help: "Also list the heads folded (text only): case number, row id, hash.")
    var heads = false

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.history")
        guard let day = CalendarDate(date) else { throw CommandSupport.fail("--date must be a day YYYY-MM-DD, found '\(date)'") }
        let url = try CommandSupport.databaseURL(session: .reader)
        let published = try await withPostgres(url.configuration, logger: logger) { client in
            try await HistoryChainStore.published(day: day, client: client, logger: logger)
        }
        guard let (event, folded) = published else {
            throw CommandSupport.fail("no history digest for \(day): a day is digested once the supervision worker's clock is past it and the history has rows")
        }
        switch format {
        case .json:
            print(String(decoding: try EventJSON.encode(event), as: UTF8.self))
        case .text:
            print("day             \(day)")
            print("digest          \(Hex.string(event.digest))  (sha-256)")
            print("previous        \(event.previousDay.map { "\($0)" } ?? "none")  \(Hex.string(event.previousDigest))")
            print("heads           \(event.heads)")
            print("published       \(RFC3339.format(event.occurredAt))  event \(event.eventID.uuidString.lowercased())")
            if heads {
                for (head, number) in folded {
                    print("  \(number)  row \(head.rowID)  \(Hex.string(head.hash))")
                }
            }
        }
    }
}
