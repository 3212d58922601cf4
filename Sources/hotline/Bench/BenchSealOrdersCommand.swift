import ArgumentParser
import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres
import HotlineWorkers

/// CPU per sealed work order (issue 19): the dispatch worker's edge for one order, as its
/// flush runs it: the caller's data opened from its data-key seal (AES-256-GCM), the
/// content sealed to the unit's key (HPKE X25519/HKDF-SHA256/ChaCha20-Poly1305) and the
/// order encoded; then the sealing alone, and a unit's opening. Appeals from a fixture, on
/// one core, no database or broker; the figures are printed, never asserted.
struct BenchSealOrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal-orders", abstract: "Microseconds per sealed work order (no database, no broker).")

    @Argument(help: "A JSON-lines fixture, as hotline publish reads it.")
    var file = "Ops/fixtures/demo-intake.jsonl"

    @Option(help: "Orders sealed per appeal.")
    var rounds = 20

    func run() async throws {
        let decoder = IntakeEventDecoder(maximumBytes: IntakeEventDecoder.defaultMaximumBytes)
        let events = try FixtureFile(path: file).lines.compactMap { try? decoder.decode($0.value).get() }
        guard !events.isEmpty else { throw CommandSupport.fail("\(file): no valid intake event to seal") }
        let random = { (0..<32).map { _ in UInt8.random(in: .min ... .max) } }
        let vault = try PersonalDataVault(keys: KeyConfiguration(active: .init(id: "bench", key: random()), indexKey: random()))
        let unitKey = Curve25519.KeyAgreement.PrivateKey()
        let key = PartySealingKey(keyID: "bench-unit:sealing:0", publicKey: Array(unitKey.publicKey.rawRepresentation))
        let unit = HandlingUnit(id: "bench-unit", name: "基准单位", level: .bureau, parent: nil, areas: [])
        let now = Date(timeIntervalSince1970: 1_791_000_000)
        var pending: [PendingWorkOrder] = []
        for event in events {
            let caseID = UUID()
            let appeal = WorkOrderAppeal(subject: event.subject, content: event.content, areaCode: event.areaCode, confidential: event.caller.confidential)
            let stored = StoredAppeal(
                appeal: appeal, sealed: try vault.sealNewCase(caseID, caller: event.caller, subject: event.subject, content: event.content))
            let round = LifecycleCase(
                id: caseID, caseNumber: "20261019-000001", policy: .init(id: "changsha-2020", version: "bench"), status: .dispatched,
                category: event.category ?? .complaint, urgent: event.urgent, round: 1, leadUnitID: unit.id, dispatchedAt: now)
            for draft in WorkOrderPlanner.drafts(
                kind: .dispatch, round: round, lead: unit, coUnits: [], clocks: [], appeal: appeal, earlierRounds: [], now: now, newID: UUID.init)
            {
                pending.append(PendingWorkOrder(draft: draft, key: key, appeal: stored))
            }
        }
        let issuer = WorkOrderIssuer(vault: vault, logger: try CommandSupport.makeLogger("hotline.bench"))
        let clock = ContinuousClock()
        var issued: [OutboxMessage] = []
        let issue = try clock.measure {
            for _ in 0..<rounds { issued = try issuer.issue(pending, at: now).messages }
        }
        var sealed: [WorkOrder] = []
        let seal = try clock.measure {
            for _ in 0..<rounds {
                sealed = try pending.map { pending in
                    var order = pending.draft.order
                    order.sealed = try WorkOrderSealer.seal(pending.draft.content, of: order, to: key)
                    return order
                }
            }
        }
        var opened = 0
        let open = try clock.measure {
            for _ in 0..<rounds { for order in sealed { opened += try WorkOrderSealer.open(order, as: unit.id, with: unitKey).content.isEmpty ? 0 : 1 } }
        }
        let orders = Double(rounds * pending.count)
        var figures = BenchFigures()
        figures["orders"] = pending.count
        figures["rounds"] = rounds
        figures["issue_us_per_order"] = (issue.seconds * 1e6 / orders * 100).rounded() / 100
        figures["seal_us_per_order"] = (seal.seconds * 1e6 / orders * 100).rounded() / 100
        figures["open_us_per_order"] = (open.seconds * 1e6 / orders * 100).rounded() / 100
        figures["mean_order_bytes"] = issued.map(\.payload.count).reduce(0, +) / max(issued.count, 1)
        figures["opened"] = opened / rounds
        try figures.print()
    }
}
