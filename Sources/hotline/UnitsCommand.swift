import ArgumentParser
import Crypto
import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import HotlineWorkers
import Logging

/// Work orders (工单) for the handling units: `orders` is the reference client a unit's
/// system follows to read and open its own orders; `reissue` is the centre's, for orders
/// withheld because their unit had no sealing key.
struct UnitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units", abstract: "Handling units' work orders: open a unit's orders; reissue withheld ones.",
        subcommands: [Orders.self, Reissue.self])

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read hotline.work-orders.v1 and print the orders of one unit, opened with its private sealing key.",
            discussion: """
                Orders addressed to other units are passed over: they are sealed to those units' keys and \
                cannot be opened with this one. Without --from-beginning the client resumes where it last \
                stopped (consumer group hotline-unit-orders-UNIT). Exit 1 when one of the unit's own orders \
                did not open with the key.
                """)

        @Option(help: "The unit's id, as in the routing file.")
        var unit: String

        @Option(help: "The unit's private sealing key file (as `hotline parties keys generate` wrote it).")
        var key: String

        @Flag(help: "Read every order still on the topic, and remember no position.")
        var fromBeginning = false

        @Option(help: "Read the orders from this file instead of the topic: one order (a message value) per line, as `kcat -C -f '%s\\n'` prints them.")
        var input: String?

        @Option(help: "Stop when no message arrived for this many seconds (default: follow forever).")
        var idleTimeout: Double?

        @Option(help: "text (readable) or json (one object per order: order, content).")
        var format: OutputFormat = .text

        enum OutputFormat: String, ExpressibleByArgument {
            case text, json
        }

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.units")
            let privateKey: Curve25519.KeyAgreement.PrivateKey
            do {
                privateKey = try PartyKeyFile.sealingKey(at: key)
            } catch {
                throw CommandSupport.fail("\(error)")
            }
            var tally = Tally()
            if let input {
                let text: String
                do {
                    text = try String(contentsOfFile: input, encoding: .utf8)
                } catch {
                    throw CommandSupport.fail("cannot read \(input): \(error.localizedDescription)")
                }
                for (index, line) in text.split(separator: "\n").enumerated() where !line.isEmpty {
                    try show(Array(line.utf8), at: "\(input):\(index + 1)", tally: &tally, privateKey: privateKey)
                }
            } else {
                try await follow(tally: &tally, privateKey: privateKey, logger: logger)
            }
            FileHandle.standardError.write(Data((
                "unit \(unit): \(tally.opened) orders opened, \(tally.withheld) withheld (no sealing key when issued; the centre reissues them), "
                    + "\(tally.failed) not opened with this key; \(tally.otherUnits) orders of other units passed over (sealed to their own keys)\n").utf8))
            if tally.failed > 0 { throw ExitCode(1) }
        }

        /// Reads the topic: from where this unit last stopped, or everything with --from-beginning.
        private func follow(tally: inout Tally, privateKey: Curve25519.KeyAgreement.PrivateKey, logger: Logger) async throws {
            let group = fromBeginning ? "hotline-unit-orders-\(unit)-\(UUID().uuidString.prefix(8).lowercased())" : "hotline-unit-orders-\(unit)"
            let consumer = try KafkaConsumer(
                configuration: KafkaConfiguration(bootstrapServers: try CommandSupport.kafkaBrokers(), properties: [:]),
                groupID: group, topics: [TopicName.workOrders], logger: logger)
            // The idle timeout counts once the group gave this client its partitions: joining
            // takes a few seconds, and an order published meanwhile must not be missed.
            let joinBy = ContinuousClock.now + .seconds(60)
            while true {
                let joined = !consumer.assignment.isEmpty
                let batch = await consumer.nextBatch(maxMessages: 100, timeout: joined ? idleTimeout.map { .seconds($0) } : .seconds(1))
                if batch.isEmpty && !joined {
                    guard ContinuousClock.now < joinBy else {
                        throw CommandSupport.fail("no partition of \(TopicName.workOrders) was assigned within 60 s; check KAFKA_BROKERS and that the topic exists")
                    }
                    continue
                }
                if batch.isEmpty { break }
                for message in batch {
                    try show(message.value, at: "\(message.topic)[\(message.partition)]@\(message.offset)", tally: &tally, privateKey: privateKey)
                }
                if !fromBeginning { try consumer.storeOffsets(for: batch) }
            }
            consumer.stopFetching()
            await consumer.close()
        }

        struct Tally {
            var opened = 0
            var withheld = 0
            var failed = 0
            var otherUnits = 0
        }

        private func show(_ value: [UInt8]?, at place: String, tally: inout Tally, privateKey: Curve25519.KeyAgreement.PrivateKey) throws {
            guard let value, let order = try? JSONDecoder().decode(WorkOrder.self, from: Data(value)) else {
                FileHandle.standardError.write(Data("not a work order at \(place); skipped\n".utf8))
                return
            }
            guard order.unitID == unit else {
                tally.otherUnits += 1
                return
            }
            var content: WorkOrderContent?
            if order.sealed == nil {
                tally.withheld += 1
            } else {
                do {
                    content = try WorkOrderSealer.open(order, as: unit, with: privateKey)
                    tally.opened += 1
                } catch {
                    tally.failed += 1
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                    return
                }
            }
            switch format {
            case .json: print(try Self.json(order, content))
            case .text: print(Self.text(order, content))
            }
        }

        static func json(_ order: WorkOrder, _ content: WorkOrderContent?) throws -> String {
            var object: [String: Any] = ["order": try JSONSerialization.jsonObject(with: Data(try EventJSON.encode(order)))]
            object["content"] = try content.map { try JSONSerialization.jsonObject(with: Data(try EventJSON.encode($0))) } ?? NSNull()
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        }

        static func text(_ order: WorkOrder, _ content: WorkOrderContent?) -> String {
            var lines = [
                "── order \(order.eventID.uuidString.lowercased()): case \(order.caseNumber), \(order.kind.rawValue), \(order.role.rawValue), round \(order.round)"
                    + (order.reissueOf.map { " (reissue of \($0.uuidString.lowercased()))" } ?? ""),
                "   \(order.category.rawValue)\(order.urgent ? ", urgent" : "")\(order.source.map { ", source \($0)" } ?? ""), area \(order.areaCode ?? "-")",
                "   lead \(order.lead.id) \(order.lead.name)" + (order.coUnits.isEmpty ? "" : "; co-units " + order.coUnits.map { "\($0.id) \($0.name)" }.joined(separator: ", ")),
                "   sign by \(order.signDue.map(RFC3339.formatSeconds) ?? "-"), handle by \(order.handlingDue.map(RFC3339.formatSeconds) ?? "counted from signing")",
            ]
            for round in order.earlierRounds {
                let wrote = content?.earlierResults.first { $0.round == round.round }
                lines.append("   round \(round.round): \(round.unitID) \(round.outcome?.rawValue ?? "no result") rated \(round.rating?.rawValue ?? "-")"
                    + (wrote?.actionTaken.map { ": \($0)" } ?? ""))
            }
            guard let content else {
                lines.append("   withheld (\(order.withheld?.rawValue ?? "-")): the centre reissues this order once the unit's sealing key is enrolled")
                return lines.joined(separator: "\n")
            }
            if let subject = content.subject { lines.append("   subject: \(subject)") }
            lines.append("   content: \(content.content)")
            if order.callerConfidential {
                lines.append("   caller: confidential (长沙 第十五条; 兰溪 四.3): the centre tells the caller the result")
            } else if let caller = content.caller {
                lines.append("   caller: " + [caller.name, caller.phone, caller.address].compactMap { $0 }.joined(separator: ", "))
            } else {
                lines.append("   caller: gave no contact")
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Reissue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish again the work orders withheld because their unit had no sealing key, now sealed to its key.",
            discussion: """
                Run after enrolling the units' sealing keys (`hotline parties keys add`). An order whose unit no \
                longer holds that round is settled as superseded and not sent. `hotline status` lists the units \
                with withheld orders.
                """)

        @Option(help: "Only this unit's orders.")
        var unit: String?

        @Option(help: "At most this many orders in one transaction.")
        var limit = 10_000

        func run() async throws {
            let logger = try CommandSupport.makeLogger("hotline.units")
            guard (1...100_000).contains(limit) else { throw CommandSupport.fail("--limit must be 1 to 100000, found \(limit)") }
            let configuration = try HotlineConfiguration.fromEnvironment()
            let vault = try PersonalDataVault(keys: configuration.keys)
            let outcome = try await withPostgres(configuration.databaseURL.configuration, logger: logger) { [unit, limit] client in
                let now = try await makeClock(configuration.clock, client: client, logger: logger).now()
                let directory = try await client.withConnection { try await PartyStore.directory(on: $0, logger: logger) }
                // Keys are valid in real time, also under a simulated clock (as the dispatch worker seals).
                let keys = PartySealingKey.current(in: directory, at: Date())
                return try await WorkOrderReissue(client: client, vault: vault, logger: logger).run(unitID: unit, keys: keys, now: now, limit: limit)
            }
            print("reissued \(outcome.reissued) work orders; \(outcome.superseded) superseded (the unit no longer holds that round)")
            for (unit, count) in outcome.stillWithoutKey.sorted(by: { $0.key < $1.key }) {
                print("still withheld: \(unit) \(count) (no valid sealing key; enrol one with `hotline parties keys add --party \(unit) --purpose sealing`)")
            }
        }
    }
}
