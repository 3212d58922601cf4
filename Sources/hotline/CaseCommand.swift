import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// The centre's staff read a case's whole record: the case, its assignments, clocks,
/// history, callbacks, rating appeals and supervisions, with the appeal's text, the
/// caller's personal data, what units and staff wrote in the history and callback comments
/// opened with the centre's data keys (HOTLINE_DATA_KEY, HOTLINE_DATA_KEYS_PREVIOUS). Only the centre holds those keys; a
/// unit reads what its work order carries.
struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "The centre's view of a case.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a case's whole record as JSON, its caller and comments opened with the centre's data keys.")

        @Option(help: "The case number, e.g. 20261009-000871.")
        var caseNumber: String

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.case")
            let configuration = try HotlineConfiguration.fromEnvironment()
            let vault = try PersonalDataVault(keys: configuration.keys)
            let found = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { client in
                try await CaseRecordStore.record(caseNumber: caseNumber, client: client, logger: logger)
            }
            guard let found else { throw CommandSupport.fail("there is no case \(caseNumber); give a number from a receipt or hotline.cases.v1") }
            guard var record = try JSONSerialization.jsonObject(with: Data(found.recordJSON.utf8)) as? [String: Any],
                  var row = record["case"] as? [String: Any] else {
                throw CommandSupport.fail("the record of case \(caseNumber) is not a JSON object")
            }
            if found.sealed.shredded {
                // Retention shredded it (README "Retention"): its data key is destroyed, and with it the
                // caller, the subject and the content; `shredded_at` says when.
                row["caller"] = NSNull()
            } else {
                do {
                    row["caller"] = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(try vault.caller(of: found.sealed)))
                    if let appeal = try vault.appeal(of: found.sealed) {
                        row["subject"] = appeal.subject ?? NSNull()
                        row["content"] = appeal.content
                    }
                } catch {
                    throw CommandSupport.fail(
                        "case \(caseNumber) is sealed under key \(found.sealed.dataKey?.keyID ?? found.sealed.callerKeyID), which this environment does not hold: \(error)")
                }
            }
            record["case"] = row
            var comments: [String: String] = [:]
            for comment in found.comments {
                comments[comment.taskID.uuidString.lowercased()] = try vault.open(
                    comment: SealedText(sealed: comment.sealed, keyID: comment.keyID), caseID: found.caseID, dataKey: found.sealed.dataKey)
            }
            if var history = record["history"] as? [[String: Any]] {
                for index in history.indices {
                    guard var detail = history[index]["detail"] as? [String: Any],
                          let sealed = (detail[HistoryFreeText.sealedMember] as? String).flatMap({ Data(base64Encoded: $0) }),
                          let keyID = detail[HistoryFreeText.sealedKeyMember] as? String else { continue }
                    detail[HistoryFreeText.sealedMember] = nil
                    detail[HistoryFreeText.sealedKeyMember] = nil
                    if let texts = try vault.openFreeText(SealedText(sealed: Array(sealed), keyID: keyID), of: found.sealed) {
                        detail.merge(texts) { $1 }
                    } else {
                        // A shredded case's texts went with its data key.
                        detail["texts"] = "shredded"
                    }
                    history[index]["detail"] = detail
                }
                record["history"] = history
            }
            if var callbacks = record["callbacks"] as? [[String: Any]] {
                for index in callbacks.indices {
                    guard let id = callbacks[index]["id"] as? String else { continue }
                    callbacks[index]["comment"] = comments[id] ?? NSNull()
                }
                record["callbacks"] = callbacks
            }
            let text = try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: text, as: UTF8.self))
        }
    }
}
