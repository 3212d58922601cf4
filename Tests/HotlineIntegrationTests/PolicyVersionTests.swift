import Foundation
import HotlineDomain
import PostgresNIO
import Testing

/// A case keeps the policy version it was accepted under (issue 4, "Jurisdiction
/// policies"): the centre may adopt a new version at any time, and cases already
/// accepted keep the limits they were accepted with.
@Suite(.serialized)
struct PolicyVersionTests {
    static let simulated = ["HOTLINE_CLOCK": "simulated"]

    /// A copy of the shipped 长沙 policy (with its labelled examples) as a new version whose sign limit
    /// (第十七条, "次日(工作日)内签收", 1 working day) is changed to `signDays`.
    static func editedPolicyDirectory(in stack: TestStack, version: String, signDays: Int) throws -> String {
        let shipped = try String(contentsOfFile: stack.values.root + "/Ops/policies/changsha-2020.yaml", encoding: .utf8)
        let versionLine = "version: \"\(try shippedVersion(stack))\""
        let signRule = "    default: {working_days: 1}\n  return-window:"
        try #require(shipped.contains(versionLine) && shipped.contains(signRule), "the shipped 长沙 policy changed; update this test's edit")
        let edited = shipped
            .replacingOccurrences(of: versionLine, with: "version: \"\(version)\"")
            .replacingOccurrences(of: signRule, with: "    default: {working_days: \(signDays)}\n  return-window:")
        let directory = stack.directory.appendingPathComponent("policies-\(version)-\(signDays)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(edited.utf8).write(to: directory.appendingPathComponent("changsha-2020.yaml"))
        try FileManager.default.copyItem(atPath: stack.values.root + "/Ops/policies/examples", toPath: directory.appendingPathComponent("examples").path)
        return directory.path
    }

    /// The version of the shipped 长沙 policy, the one a worker runs by default.
    static func shippedVersion(_ stack: TestStack) throws -> String {
        try PolicyFileReader.policy("changsha-2020", root: stack.values.root).version
    }

    func signDue(_ stack: TestStack, externalID: String) async throws -> (version: String, due: String) {
        let rows = try await stack.client.query(
            """
            SELECT c.policy_version, k.due_at FROM cases c JOIN case_clocks k ON k.case_id = c.id AND k.obligation = 'sign'
            WHERE c.external_id = \(externalID)
            """, logger: stack.logger)
        for try await (version, due) in rows.decode((String, Date).self) {
            return (version, RFC3339.formatSeconds(due))
        }
        throw StackError("no sign clock for \(externalID)")
    }

    /// Case A is accepted under the shipped version (sign within 1 working day); the
    /// dispatch worker then runs an edited one (3 working days). A is still timed by its own;
    /// case B, accepted under the new version, gets 3 working days. Friday 9 October
    /// 2026: the next working day is the 调休 Saturday 10 October.
    @Test func aCaseIsTimedByThePolicyVersionItWasAcceptedUnder() async throws {
        try await TestStack.with { stack in
            try stack.setClock("2026-10-09T09:00:00+08:00")
            try stack.startWorker("intake", extraEnvironment: Self.simulated)
            try stack.startWorker("relay", extraEnvironment: Self.simulated)
            try stack.publish([IntakeEvents.appeal(1)])
            try await stack.waitUntil("case A is accepted") {
                try await stack.count("SELECT count(*) FROM cases WHERE external_id = 'T-00000001'") == 1
            }
            _ = stack.terminate("intake")

            let shipped = try Self.shippedVersion(stack)
            let newVersion = ["HOTLINE_POLICY_DIR": try Self.editedPolicyDirectory(in: stack, version: "\(shipped)-edited", signDays: 3)]
            try stack.startWorker("intake", extraEnvironment: Self.simulated.merging(newVersion) { $1 })
            try stack.startWorker("dispatch", extraEnvironment: Self.simulated.merging(newVersion) { $1 })
            try stack.publish([IntakeEvents.appeal(2)])
            try await stack.waitUntil("both cases are dispatched with their sign clocks") {
                try await stack.count("SELECT count(*) FROM case_clocks WHERE obligation = 'sign'") == 2
            }

            let accepted = try await signDue(stack, externalID: "T-00000001")
            #expect(accepted.version == shipped)
            #expect(accepted.due == "2026-10-10T23:59:59+08:00")
            let later = try await signDue(stack, externalID: "T-00000002")
            #expect(later.version == "\(shipped)-edited")
            #expect(later.due == "2026-10-13T23:59:59+08:00")
            #expect(try await stack.count("SELECT count(*) FROM policy_versions WHERE policy_id = 'changsha-2020'") == 2)
        }
    }

    /// A policy edited without a new version would silently change the rules of every
    /// case accepted under that version: the worker refuses to start and says so.
    @Test func aPolicyEditedWithoutANewVersionIsRefusedAtStartUp() async throws {
        try await TestStack.with { stack in
            try stack.startWorker("intake")
            let shipped = try Self.shippedVersion(stack)
            try await stack.waitUntil("the running version is recorded") {
                try await stack.count("SELECT count(*) FROM policy_versions WHERE version = \(shipped)") == 1
            }
            _ = stack.terminate("intake")
            let edited = ["HOTLINE_POLICY_DIR": try Self.editedPolicyDirectory(in: stack, version: shipped, signDays: 2)]
            let refused = try stack.run(["worker", "dispatch"], extraEnvironment: edited, expectSuccess: false)
            #expect(refused.status != 0)
            #expect(refused.output.contains("HOTLINE_POLICY"))
            #expect(refused.output.contains("new `version`"))
            #expect(!stack.isRunning("dispatch"))
        }
    }
}
