import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres
import Logging
import PostgresNIO
import Synchronization

/// The policy versions a worker judges cases by. A case keeps the version it was
/// accepted under (`cases.policy_id`, `cases.policy_version`): a worker running a
/// newer version reads the older text from `policy_versions`, where every worker
/// records the version it runs before it starts, so a limit changed today never
/// moves the deadline of a case accepted yesterday.
public final class PolicyArchive: Sendable {
    /// One policy version with the working-day calendar its limits count in.
    public struct Edition: Sendable {
        public let policy: Policy
        public let calendar: WorkingDayCalendar
    }

    /// The version this worker runs: new cases are accepted under it.
    public let running: Edition
    private let runningText: String
    private let calendarDirectory: String
    private let provisionalYears: Int
    private let editions: Mutex<[String: Edition]>

    /// Loads the configured policy (`HOTLINE_POLICY` from `HOTLINE_POLICY_DIR`) and its calendar.
    public convenience init(configuration: HotlineConfiguration) throws {
        try self.init(
            policyFile: "\(configuration.policyDirectory)/\(configuration.policyID).yaml", policyID: configuration.policyID,
            calendarDirectory: configuration.calendarDirectory, provisionalYears: configuration.calendarProvisionalYears)
    }

    /// Runs the policy in `policyFile` with its calendar from `calendarDirectory`.
    public init(policyFile file: String, policyID: String, calendarDirectory: String, provisionalYears: Int = CalendarLoader.defaultProvisionalYears) throws {
        runningText = try PolicyLoader.text(of: file)
        let policy = try PolicyLoader.parse(
            runningText, origin: file, expectedID: policyID, directory: URL(fileURLWithPath: file).deletingLastPathComponent().path)
        self.calendarDirectory = calendarDirectory
        self.provisionalYears = provisionalYears
        running = Edition(
            policy: policy,
            calendar: try CalendarLoader.load(name: policy.calendar, directory: calendarDirectory, provisionalYears: provisionalYears))
        editions = Mutex([Self.key(policy.policy, policy.version): running])
    }

    /// Records the running version's text, or checks it against the text recorded
    /// under the same version: a policy edited without a new `version` is refused, as
    /// cases already accepted under that version would silently change rules.
    public func record(client: PostgresClient, logger: Logger) async throws {
        let policy = running.policy
        let digest = SHA256.hash(data: Data(runningText.utf8)).map { String(format: "%02x", $0) }.joined()
        let recorded: RecordedPolicyVersion?
        do {
            recorded = try await PolicyVersionStore.record(
                policyID: policy.policy, version: policy.version, document: runningText, sha256: digest,
                client: client, logger: logger)
        } catch {
            throw ConfigurationError(
                setting: "DATABASE_URL",
                problem: "cannot record policy \(policy.policy) version \(policy.version) (\(String(reflecting: error))); is PostgreSQL up and has `hotline migrate` run?")
        }
        guard let recorded, recorded.sha256 == digest else {
            throw ConfigurationError(
                setting: "HOTLINE_POLICY",
                problem: "\(policy.policy).yaml says version \(policy.version), but its text differs from the version \(policy.version) recorded on \(recorded.map { RFC3339.format($0.recordedAt) } ?? "-"); give the changed policy a new `version`")
        }
    }

    /// The version a case was accepted under, read from `policy_versions` the first time.
    public func edition(policyID: String, version: String, connection: PostgresConnection, logger: Logger) async throws -> Edition {
        let key = Self.key(policyID, version)
        if let known = editions.withLock({ $0[key] }) { return known }
        guard let text = try await PolicyVersionStore.document(policyID: policyID, version: version, on: connection, logger: logger) else {
            throw PolicyVersionMissing(policyID: policyID, version: version)
        }
        let policy = try PolicyLoader.parse(text, origin: "policy_versions(\(policyID), \(version))", expectedID: policyID, recorded: true)
        let edition = Edition(
            policy: policy,
            calendar: try CalendarLoader.load(name: policy.calendar, directory: calendarDirectory, provisionalYears: provisionalYears))
        editions.withLock { $0[key] = edition }
        return edition
    }

    /// The case state machine under the version a case was accepted under.
    public func lifecycle(
        for policy: CaseEvent.PolicyRef, network: UnitNetwork, connection: PostgresConnection, logger: Logger
    ) async throws -> CaseLifecycle {
        let edition = try await edition(policyID: policy.id, version: policy.version, connection: connection, logger: logger)
        return CaseLifecycle(policy: edition.policy, calendar: edition.calendar, network: network)
    }

    private static func key(_ policyID: String, _ version: String) -> String { "\(policyID)\u{1F}\(version)" }
}

/// A case names a policy version no worker has recorded in this database.
public struct PolicyVersionMissing: Error, CustomStringConvertible, Sendable {
    public var policyID: String
    public var version: String

    public var description: String {
        "policy \(policyID) version \(version) is not in policy_versions; start any worker once with that version's file in HOTLINE_POLICY_DIR so it is recorded"
    }
}

extension PolicyArchive {
    /// A worker starts only when its calendar, official plus provisional, covers `now` plus
    /// the longest chain of limits the running policy can produce; otherwise one line names
    /// the year and the file to add (`hotline config check` says the same).
    public func requireCalendarCoverage(at now: Date) throws {
        let coverage = CalendarCoverage(policy: running.policy)
        do {
            _ = try coverage.reach(from: now, calendar: running.calendar)
        } catch {
            throw ConfigurationError(
                setting: "HOTLINE_CALENDAR_DIR",
                problem: "policy \(running.policy.policy)'s longest limit from \(RFC3339.formatSeconds(now)) (\(coverage)) runs past the calendar: \(error)")
        }
    }
}
