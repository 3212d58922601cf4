import ArgumentParser
import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import HotlineWorkers

/// `hotline status`: what the on-call engineer reads first (Ops/RUNBOOK.md "Read lag").
/// Needs only DATABASE_URL, KAFKA_BROKERS (and HOTLINE_KAFKA_* for a secured cluster);
/// never the data keys.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per worker: members, partitions, committed offsets, lag, oldest unprocessed event; the outbox. Exit 1 when stuck.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "Seconds an event may wait unprocessed (or unpublished in the outbox) before it counts as stuck.")
    var stuckAfter: Double = 120

    @Option(help: "text or json.")
    var format: Format = .text

    @Flag(help: "List every partition, not only those with lag.")
    var allPartitions = false

    @Option(help: ArgumentHelp(
        "Wait up to SECONDS until the pipeline is idle (every group caught up, the outbox empty, no clock due unannounced) and nothing moved for --quiet-for; then report. Exit 1 if it did not settle in time.",
        valueName: "SECONDS"))
    var waitIdle: Double?

    @Option(help: "With --wait-idle: the seconds nothing may move for the pipeline to count as settled.")
    var quietFor: Double = 0.5

    func validate() throws {
        if let waitIdle, !(waitIdle.isFinite && waitIdle > 0) {
            throw ValidationError("--wait-idle must be a number of seconds above 0, found \(waitIdle)")
        }
        if !(quietFor.isFinite && quietFor >= 0) {
            throw ValidationError("--quiet-for must be a number of seconds, 0 or more, found \(quietFor)")
        }
    }

    func run() async throws {
        let logger = try CommandSupport.makeLogger("hotline.status")
        let environment = ProcessInfo.processInfo.environment
        let kafka: KafkaConfiguration
        let clockMode: HotlineConfiguration.ClockMode
        do {
            kafka = KafkaConfiguration(
                bootstrapServers: try CommandSupport.kafkaBrokers(), properties: try HotlineConfiguration.kafkaProperties(environment))
            clockMode = try HotlineConfiguration.ClockMode.fromEnvironment(environment)
        } catch let error as ConfigurationError {
            throw CommandSupport.fail(error.description)
        }
        let database = try CommandSupport.databaseURL(session: .reader)
        let policy = Result { try Self.policy(environment) }
        let calendar = policy.flatMap { policy in Result { try Self.calendar(of: policy, environment) } }
        let status: ClusterStatus
        let settled: Bool
        do {
            (status, settled) = try await withPostgres(database.configuration, logger: logger) { [stuckAfter, waitIdle, quietFor] client in
                let clock = makeClock(clockMode, client: client, logger: logger)
                let reader = ClusterStatusReader(kafka: kafka, client: client, clock: clock, logger: logger)
                var status = try await reader.read(stuckAfter: stuckAfter)
                var settled = true
                if let waitIdle {
                    (status, settled) = try await Self.untilSettled(
                        from: status, reader: reader, stuckAfter: stuckAfter, within: .seconds(waitIdle), quietFor: .seconds(quietFor))
                }
                // The workers' clock (simulated or not) is what their deadlines count from.
                let now = try await clock.now()
                if case let .success(policy) = policy {
                    status.policyLapsed = policy.validity.warning(policy: policy.policy, version: policy.version, at: now)
                }
                for (unit, orders) in try await WorkOrderStore.openWithheldByUnit(client: client, logger: logger) {
                    status.withheldWorkOrders[unit] = orders
                }
                switch calendar {
                case let .success(calendar):
                    status.calendar = CalendarHorizon(
                        calendar: calendar, now: now,
                        openProvisionalClocks: try await ClockReplanStore.openProvisionalCount(client: client, logger: logger))
                case let .failure(error):
                    status.calendarProblem = "\(error)"
                }
                return (status, settled)
            }
        } catch {
            // Exit 2, not 1: the status is unknown, which is not the same as stuck.
            throw CommandSupport.fail("could not read the status: \(String(describing: error))")
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        case .text:
            print(StatusText(status: status, allPartitions: allPartitions).render())
        }
        if let waitIdle, !settled {
            FileHandle.standardError.write(Data("hotline: the pipeline did not settle within \(Int(waitIdle)) s\n".utf8))
        }
        if status.stuck || !status.warnings.isEmpty || !settled { throw ExitCode(1) }
    }

    /// Reads the status again every 250 ms until the pipeline settled (`IdleWait`) or
    /// `within` passed; the last reading and whether it settled. One process and one
    /// connection for the whole wait: a script polling `hotline status` instead spent most of
    /// its time starting processes (the demo's settles, five demos side by side in Ops/dev test).
    /// Each reading opens a Kafka handle per group: at 100 ms the wait took a fifth of a core.
    private static func untilSettled(
        from first: ClusterStatus, reader: ClusterStatusReader, stuckAfter: Double, within: Duration, quietFor: Duration
    ) async throws -> (ClusterStatus, Bool) {
        let deadline = ContinuousClock.now + within
        var wait = IdleWait(quietFor: quietFor)
        var status = first
        while !wait.settled(status, at: .now) {
            // Unsettled: report a full reading, the lagging partitions' oldest messages included.
            if ContinuousClock.now >= deadline { return (try await reader.read(stuckAfter: stuckAfter), false) }
            try await Task.sleep(for: .milliseconds(250))
            // A look that failed (a broker slow to answer) is not the end of the wait: look again.
            do {
                status = try await reader.read(stuckAfter: stuckAfter, peek: false)
            } catch where ContinuousClock.now < deadline {
                wait = IdleWait(quietFor: quietFor)
            }
        }
        return (status, true)
    }

    /// The running policy's id, version, calendar and validity.
    private static func policy(_ environment: [String: String]) throws -> PolicyHeader {
        try PolicyHeader.load(id: environment["HOTLINE_POLICY"] ?? "changsha-2020", directory: environment["HOTLINE_POLICY_DIR"] ?? "Ops/policies")
    }

    /// The running policy's calendar, read as the workers read it.
    private static func calendar(of policy: PolicyHeader, _ environment: [String: String]) throws -> WorkingDayCalendar {
        try CalendarLoader.load(
            name: policy.calendar, directory: environment["HOTLINE_CALENDAR_DIR"] ?? "Ops/calendars",
            provisionalYears: try CalendarLoader.provisionalYears(environment))
    }
}

/// The readable form of a `ClusterStatus`.
struct StatusText {
    let status: ClusterStatus
    let allPartitions: Bool

    func render() -> String {
        var lines = ["checked \(status.checkedAt.formatted(.iso8601)); stuck means waiting longer than \(Int(status.stuckAfterSeconds)) s"]
        for group in status.groups {
            lines.append("")
            var heading = "\(group.worker)"
            if let name = group.group { heading += " (group \(name))" }
            heading += ": \(group.liveMembers) live member(s)"
            if group.group != nil { heading += ", lag \(group.lag)" + age(group.oldestUnprocessedAgeSeconds, "oldest unprocessed") }
            if let due = group.clocksDueUnannounced { heading += ", \(due) clock(s) past due awaiting announcement" }
            lines.append(heading)
            for member in group.members {
                var line = "  \(member.live ? "member" : "LOST  ") \(member.host) pid \(member.pid), started \(member.startedAt.formatted(.iso8601)), seen \(Int(member.secondsSinceSeen)) s ago"
                if group.group != nil {
                    line += ", \(member.partitions.count) partition(s)" + (member.lag.map { ", lag \($0)" } ?? "")
                }
                lines.append(line)
            }
            for (topic, partitions) in Dictionary(grouping: group.partitions, by: \.topic).sorted(by: { $0.key < $1.key }) {
                let end = partitions.reduce(0) { $0 + $1.endOffset }
                let lag = partitions.reduce(0) { $0 + $1.lag }
                lines.append("  \(topic): \(partitions.count) partitions, \(end) messages, lag \(lag)")
                for partition in partitions.sorted(by: { $0.partition < $1.partition }) where allPartitions || partition.lag > 0 {
                    lines.append("    [\(partition.partition)] committed \(partition.committedOffset.map(String.init) ?? "none"), end \(partition.endOffset), lag \(partition.lag)"
                        + age(partition.oldestUnprocessedAgeSeconds, "oldest"))
                }
            }
        }
        lines.append("")
        lines.append("outbox: \(status.outbox.backlog) unpublished" + age(status.outbox.oldestAgeSeconds, "oldest"))
        if let calendar = status.calendar {
            let provisional = calendar.provisionalYears.isEmpty ? "" : "; \(calendar.provisionalYears.map(String.init).joined(separator: ", ")) counted provisionally"
            lines.append("calendar: official through \(calendar.officialThrough ?? "-") (\(calendar.daysLeft) days)\(provisional); \(calendar.openProvisionalClocks) open clock(s) counted on provisional days")
        }
        lines.append(status.problems.isEmpty ? "ok: nothing is stuck" : "")
        lines += status.problems.map { "STUCK: \($0)" }
        lines += status.warnings.map { "WARNING: \($0)" }
        if let lapsed = status.policyLapsed { lines.append("POLICY: \(lapsed)") }
        if !status.withheldWorkOrders.isEmpty {
            let units = status.withheldWorkOrders.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            lines.append("WORK ORDERS: \(status.withheldWorkOrders.values.reduce(0, +)) withheld, their units had no sealing key: \(units); "
                + "enrol the units' keys (`hotline parties keys add`), then run `hotline units reissue`")
        }
        return lines.joined(separator: "\n")
    }

    private func age(_ seconds: Double?, _ label: String) -> String {
        seconds.map { ", \(label) \(Int($0)) s" } ?? ""
    }
}
