import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Builds one worker process from its configuration and runs it until SIGTERM or
/// SIGINT: the PostgreSQL pool starts first and stops last, so the worker can
/// finish its batch and store its offsets before the pool goes away.
public enum WorkerRunner {
    public static func run(_ name: WorkerName, configuration: HotlineConfiguration, logger: Logger) async throws {
        WorkerMetrics.started(worker: name.rawValue)
        // First in the group, so it stops last and exports the spans of the final batch.
        let tracing = try configuration.traceExport.map { try $0.bootstrap(serviceName: "hotline-\(name.rawValue)", logger: logger) }
        let client = PostgresClient(configuration: configuration.databaseURL.configuration, backgroundLogger: logger)
        let worker: any Service
        var companions: [any Service] = []
        let jumps = configuration.clock == .simulated ? SimulatedClockChanges() : nil
        let clock = makeClock(configuration.clock, client: client, logger: logger, jumps: jumps)
        if let jumps { companions.append(SimulatedClockListener(client: client, jumps: jumps, logger: logger)) }
        switch name {
        case .intake:
            // The keys first: a worker without them stops before it touches anything.
            let vault = try PersonalDataVault(keys: configuration.keys)
            let queryCodes = try QueryCodeIssuer(configuration: configuration.keys)
            let archive = try await recordedArchive(configuration, logger: logger)
            let policy = archive.running.policy
            let handler = IntakeHandler(
                policy: policy, calendar: archive.running.calendar, vault: vault,
                queryCodes: queryCodes, caseNumbers: PostgresCaseNumbers(client: client, logger: logger), maximumEventBytes: configuration.maximumEventBytes, logger: logger)
            worker = try consumerWorker(name, handler: handler, client: client, clock: clock, configuration: configuration, logger: logger)
            logger.info("intake worker configured", metadata: ["policy": "\(policy.policy)", "policy_version": "\(policy.version)"])
        case .dispatch:
            let vault = try PersonalDataVault(keys: configuration.keys)
            let router = try RoutingLoader.load(file: configuration.routingFile)
            let archive = try await recordedArchive(configuration, logger: logger)
            worker = try consumerWorker(
                name, handler: DispatchHandler(router: router, archive: archive, vault: vault, logger: logger),
                client: client, clock: clock, configuration: configuration, logger: logger)
            logger.info("dispatch worker configured", metadata: ["units": "\(router.network.units.count)", "rules": "\(router.rules.count)"])
        case .deadlines:
            let archive = try await recordedArchive(configuration, logger: logger)
            try await replanAtStart(archive, configuration: configuration, logger: logger)
            let watcher = DeadlineWatcher(archive: archive, logger: logger)
            worker = PeriodicSweep(
                name: "deadlines", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: watcher.sweep,
                nextDue: { _, client, logger in try await ClockStore.nextFireAt(client: client, logger: logger) })
        case .supervision:
            let archive = try await recordedArchive(configuration, logger: logger)
            let handler = SupervisionHandler(archive: archive, logger: logger)
            worker = try consumerWorker(name, handler: handler, client: client, clock: clock, configuration: configuration, logger: logger)
            companions.append(PeriodicSweep(
                name: "supervision ladder", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: SupervisionLadder(archive: archive, logger: logger).climb,
                nextDue: { _, client, logger in try await SupervisionStore.nextClimbAt(client: client, logger: logger) }))
            let reviewer = UnitRateReviewer(archive: archive, logger: logger)
            companions.append(PeriodicSweep(
                name: "unit review", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: reviewer.sweep,
                nextDue: { now, _, _ in reviewer.quietDay.nextDue(now: now) }))
            let reports = ReportPublisher(archive: archive, logger: logger)
            companions.append(PeriodicSweep(
                name: "period reports", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: reports.sweep,
                nextDue: { now, _, _ in reports.quietDay.nextDue(now: now) }))
            companions.append(PeriodicSweep(
                name: "history digest", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: HistoryDigestSweep(logger: logger).sweep,
                nextDue: { _, client, logger in
                    let progress = try await HistoryChainStore.digestProgress(client: client, logger: logger)
                    return HistoryDigestSweep.nextDue(lastDay: progress.lastDay, firstRowAt: progress.firstRowAt)
                }))
            companions.append(PeriodicSweep(
                name: "knowledge review", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger,
                sweep: KnowledgeReviewSweep(archive: archive, logger: logger).sweep,
                nextDue: { _, client, logger in
                    KnowledgeReviewSweep.nextDue(earliestReviewBy: try await KnowledgeStore.earliestReviewBy(client: client, logger: logger))
                }))
            let policy = archive.running.policy
            guard let retention = policy.retention else {
                throw ConfigurationError(
                    setting: "HOTLINE_POLICY", problem: "\(policy.policy) \(policy.version) has no retention section; add it (docs/POLICY-FORMAT.md \"Retention\")")
            }
            companions.append(PeriodicSweep(
                name: "retention", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger,
                sweep: RetentionSweep(rules: retention, policyID: policy.policy, policyVersion: policy.version, logger: logger).sweep,
                nextDue: { _, client, logger in
                    RetentionDecision.nextDue(oldest: try await RetentionStore.oldestDates(client: client, logger: logger), rules: retention)
                }))
        case .callbacks:
            let desk = CallbackDesk(
                vault: try PersonalDataVault(keys: configuration.keys), sealer: try ContactSealer(configuration: configuration.keys), logger: logger)
            let archive = try await recordedArchive(configuration, logger: logger)
            let handler = CallbacksHandler(archive: archive, desk: desk, logger: logger)
            worker = try consumerWorker(name, handler: handler, client: client, clock: clock, configuration: configuration, logger: logger)
            companions.append(PeriodicSweep(
                name: "callback expiry", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: CallbackExpiry(archive: archive, desk: desk, logger: logger).sweep,
                nextDue: { _, client, logger in try await CallbackStore.nextExpiryAt(client: client, logger: logger) }))
            companions.append(PeriodicSweep(
                name: "archive", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: CaseArchiver(logger: logger).sweep,
                nextDue: { _, client, logger in try await ArchiveStore.earliestClosedAt(client: client, logger: logger) }))
        case .relay:
            worker = OutboxRelay(
                client: client, producer: try KafkaProducer(configuration: configuration.kafka, logger: logger),
                batchSize: configuration.batchSize, logger: logger)
        }
        companions.append(MemberHeartbeat(
            worker: name, consumer: (worker as? ConsumerWorker)?.consumer, client: client, interval: .seconds(5), logger: logger))
        if let port = configuration.httpPort {
            companions.append(operationsServer(
                name, worker: worker, port: port, client: client, clock: clock, configuration: configuration, logger: logger))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: (tracing.map { [.init(service: $0)] } ?? []) + [.init(service: client), .init(service: worker)]
                    + companions.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// `/health`, `/ready` (PostgreSQL; Kafka brokers connected; for a consumer, partitions
    /// assigned) and `/metrics`;
    /// the gauges that need a query (outbox, clocks, supervisions) are read at scrape time.
    private static func operationsServer(
        _ name: WorkerName, worker: any Service, port: Int, client: PostgresClient, clock: any HotlineClock,
        configuration: HotlineConfiguration, logger: Logger
    ) -> OperationsServer {
        // The ladder's codes only: parsed without the files it names, so its examples are not learned a second time.
        let file = "\(configuration.policyDirectory)/\(configuration.policyID).yaml"
        let ladder = (try? PolicyLoader.parse(PolicyLoader.text(of: file), origin: file, expectedID: configuration.policyID))?
            .supervision.ladder.map(\.code) ?? []
        let consumer = (worker as? ConsumerWorker)?.consumer
        let producer = (worker as? OutboxRelay)?.producer
        var checks = [ReadinessCheck.postgres(client, logger: logger)]
        if let consumer { checks += [.kafka { consumer.statistics }, .assignment(consumer)] }
        if let producer { checks.append(.kafka { producer.statistics }) }
        return OperationsServer(
            worker: name.rawValue, host: configuration.httpHost, port: port, registry: WorkerMetrics.registry, checks: checks,
            collect: {
                if let consumer {
                    WorkerMetrics.assigned(worker: name.rawValue, partitions: consumer.assignment.count)
                    let buffered = consumer.buffered
                    WorkerMetrics.buffered(worker: name.rawValue, messages: buffered.messages, bytes: buffered.bytes)
                    WorkerMetrics.consumerLag(group: consumer.groupID, consumer.statistics?.partitions ?? [:])
                }
                if let statistics = consumer?.statistics ?? producer?.statistics {
                    WorkerMetrics.brokers(worker: name.rawValue, up: statistics.brokersUp)
                }
                switch name {
                case .relay:
                    if let backlog = try? await client.withConnection({ try await OutboxStore.backlog(on: $0, logger: logger) }) {
                        WorkerMetrics.outbox(backlog: backlog.count, oldest: backlog.oldest)
                    }
                    if let parked = try? await client.withConnection({ try await OutboxParkedStore.count(on: $0, logger: logger) }) {
                        WorkerMetrics.parkedBacklog(parked)
                    }
                case .deadlines:
                    if let now = try? await clock.now(), let counts = try? await ClockStore.openByStage(now: now, client: client, logger: logger) {
                        WorkerMetrics.clocks(counts)
                    }
                    if let provisional = try? await ClockReplanStore.openProvisionalCount(client: client, logger: logger) {
                        WorkerMetrics.provisionalClocks(provisional)
                    }
                case .supervision:
                    if let counts = try? await SupervisionStore.openByLevel(client: client, logger: logger) {
                        WorkerMetrics.supervisions(counts, ladder: ladder)
                    }
                default:
                    break
                }
            },
            logger: logger)
    }

    /// The policy and its calendar must load, the calendar reach far enough ahead, and the
    /// running version's text be recorded for the cases accepted under it, before a worker starts.
    private static func recordedArchive(_ configuration: HotlineConfiguration, logger: Logger) async throws -> PolicyArchive {
        let archive = try PolicyArchive(configuration: configuration)
        WorkerMetrics.calendar(archive.running.calendar)
        try await withPostgres(configuration.databaseURL.configuration, logger: logger) { client in
            try await archive.record(client: client, logger: logger)
            let now = try await makeClock(configuration.clock, client: client, logger: logger).now()
            try archive.requireCalendarCoverage(at: now)
            let policy = archive.running.policy
            WorkerMetrics.policyValidity(policy, at: now)
            if let warning = policy.validity.warning(policy: policy.policy, version: policy.version, at: now) {
                logger.warning("the policy is past its term", metadata: ["problem": "\(warning)", "policy": "\(policy.policy)"])
            }
        }
        return archive
    }

    /// The deadlines worker recounts the clocks counted provisionally before it sweeps, so a
    /// notice added to the calendar files takes effect with the restart that loads it.
    private static func replanAtStart(_ archive: PolicyArchive, configuration: HotlineConfiguration, logger: Logger) async throws {
        try await withPostgres(configuration.databaseURL.configuration, logger: logger) { client in
            let now = try await makeClock(configuration.clock, client: client, logger: logger).now()
            let summary = try await CalendarReplan(archive: archive, logger: logger).run(client: client, now: now, batchSize: configuration.batchSize)
            if summary.examined > 0 { logger.info("replanned the provisional clocks", metadata: ["summary": "\(summary)"]) }
        }
    }

    private static func consumerWorker<Handler: BatchHandler>(
        _ name: WorkerName, handler: Handler, client: PostgresClient, clock: any HotlineClock,
        configuration: HotlineConfiguration, logger: Logger
    ) throws -> ConsumerWorker {
        try consumerWorker(
            name, pipeline: BatchPipeline(client: client, clock: clock, handler: handler, logger: logger),
            configuration: configuration, logger: logger)
    }

    private static func consumerWorker(
        _ name: WorkerName, pipeline: any BatchProcessor, configuration: HotlineConfiguration, logger: Logger
    ) throws -> ConsumerWorker {
        guard let subscription = name.subscription else { preconditionFailure("\(name) consumes no topic") }
        WorkerMetrics.consumerStarted(worker: name.rawValue)
        let consumer = try KafkaConsumer(
            configuration: configuration.kafka, groupID: subscription.group, topics: subscription.topics,
            bufferBytes: configuration.consumerBufferBytes, logger: logger)
        return ConsumerWorker(
            consumer: consumer, pipeline: pipeline, batchSize: configuration.batchSize,
            linger: configuration.batchLinger ?? name.defaultBatchLinger, logger: logger)
    }
}
