import ArgumentParser
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// `hotline intake judge`: what intake and dispatch make of a fixture, from the domain's
/// own rules, so the demo's expectations are never a second copy of them; `hotline intake
/// show`: an appeal's record as intake answered it, its kept text opened for the centre.
struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake", abstract: "Judge intake events with the workers' rules; show how an appeal was answered.",
        subcommands: [Judge.self, Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an appeal's receipt and, for one redirected or not accepted, its text opened with the centre's data keys.",
            discussion: """
            The text is kept (sealed) for unaccepted_appeal_text_days after the answer (README "Retention"), \
            for the caller who asks again or complains of the refusal; "text" is null once it is removed \
            and for an appeal that opened or joined a case (`hotline case show` prints that case).
            """)

        @Option(help: "The channel the appeal came in on, e.g. web.")
        var channel: String

        @Option(help: "The channel's own id for it, e.g. WEB-2026-100026.")
        var externalID: String

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.intake")
            guard let channel = Channel(rawValue: channel) else {
                throw CommandSupport.fail("--channel must be one of \(Channel.allCases.map(\.rawValue).joined(separator: ", ")), found \(self.channel)")
            }
            let key = IntakeRequestKey(channel: channel, externalID: externalID)
            let configuration = try HotlineConfiguration.fromEnvironment()
            let vault = try PersonalDataVault(keys: configuration.keys)
            let kept = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { client in
                try await IntakeStore.keptRequest(key, client: client, logger: logger)
            }
            guard let kept else { throw CommandSupport.fail("no appeal \(channel.rawValue):\(externalID) was received") }
            let text: String?
            do {
                text = try kept.sealedText.map { try vault.open(requestText: $0, of: key) } ?? kept.clearText
            } catch {
                throw CommandSupport.fail("the text of \(channel.rawValue):\(externalID) is sealed under key \(kept.sealedText?.keyID ?? "-"), which this environment does not hold: \(error)")
            }
            var record = try JSONSerialization.jsonObject(with: Data(kept.receiptJSON.utf8)) as? [String: Any] ?? [:]
            record["text"] = text ?? NSNull()
            let output = try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: output, as: UTF8.self))
        }
    }

    struct Judge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what intake and dispatch make of each line of a fixture file, one JSON object per line.",
            discussion: """
            The file is a fixture as `hotline publish` reads it. In file order, each line is decoded \
            as the intake worker decodes it, decided by the policy's intake rules and, when it opens \
            a case to dispatch, routed by the routing file; earlier lines stand in for the database. \
            A case an earlier line opened is a possible repeat for a later line of the same caller \
            (phone number) or one naming its case number (refers_to_case); a line with the channel \
            and external id of an earlier one is the same appeal and gets its answer again \
            ("duplicate": true).

            Each output line has "line", "key", "outcome" (accepted, merged, not_accepted, \
            redirected or dead_letter) and "duplicate"; then, by outcome: "category", \
            "category_source", "case_number" (as a fresh database would number the file's cases), \
            "case_status" (accepted; closed when answered from the knowledge base; awaiting_reply), \
            and for a case to dispatch "lead_unit", "co_units" and "rule" (lead_unit and rule null: \
            the manual-dispatch queue); "merged_into" (channel:external_id of the appeal that \
            opened the case), "reason_code", "article", "redirect_to"; a dead letter's \
            "reason_code", "field" and "message".

            Not judged, as they live in the database: whether an answered_from version was shown \
            to operators (taken as shown), the centre's routing precedents, and cases opened \
            before the file.
            """)

        @Argument(help: "JSON-lines fixture file.")
        var file: String

        @Option(help: "Policy id, as the workers' HOTLINE_POLICY.")
        var policy = ProcessInfo.processInfo.environment["HOTLINE_POLICY"] ?? "changsha-2020"

        @Option(help: "Folder of policies, as HOTLINE_POLICY_DIR.")
        var policyDir = ProcessInfo.processInfo.environment["HOTLINE_POLICY_DIR"] ?? "Ops/policies"

        @Option(help: "Unit network and routing rules, as HOTLINE_ROUTING_FILE.")
        var routingFile = ProcessInfo.processInfo.environment["HOTLINE_ROUTING_FILE"] ?? "Ops/routing/changsha.yaml"

        @Option(help: "The largest event in bytes, as HOTLINE_MAX_EVENT_BYTES.")
        var maxEventBytes = ProcessInfo.processInfo.environment["HOTLINE_MAX_EVENT_BYTES"].flatMap(Int.init) ?? IntakeEventDecoder.defaultMaximumBytes

        func run() async throws {
            guard (1_024...1_048_576).contains(maxEventBytes) else {
                throw CommandSupport.fail("--max-event-bytes (or HOTLINE_MAX_EVENT_BYTES) must be in 1024...1048576, found \(maxEventBytes)")
            }
            var judge = try CommandSupport.reportingFileErrors {
                IntakeJudge(
                    policy: try PolicyLoader.load(id: policy, directory: policyDir), router: try RoutingLoader.load(file: routingFile),
                    maximumEventBytes: maxEventBytes)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var output = Data()
            for line in try FixtureFile(path: file).lines {
                output.append(try encoder.encode(judge.judge(line)))
                output.append(0x0A)
            }
            FileHandle.standardOutput.write(output)
        }
    }
}
