import Foundation
import HotlineDomain
import HotlineKafka
import HotlinePostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// The workers `hotline worker NAME` runs.
public enum WorkerName: String, CaseIterable, Sendable {
    case intake, dispatch, deadlines, supervision, relay
}

/// Builds one worker process from its configuration and runs it until SIGTERM or
/// SIGINT: the PostgreSQL pool starts first and stops last, so the worker can
/// finish its batch and store its offsets before the pool goes away.
public enum WorkerRunner {
    public static func run(_ name: WorkerName, configuration: HotlineConfiguration, logger: Logger) async throws {
        let client = PostgresClient(configuration: configuration.databaseURL.configuration, backgroundLogger: logger)
        let clock: any HotlineClock = configuration.clock == .simulated
            ? SimulatedClock(client: client, logger: logger) : SystemClock()
        let worker: any Service
        var companions: [any Service] = []
        switch name {
        case .intake:
            let policy = try PolicyLoader.load(id: configuration.policyID, directory: configuration.policyDirectory)
            // The policy's limits count in its calendar: refuse to start if it is missing.
            _ = try CalendarLoader.load(name: policy.calendar, directory: configuration.calendarDirectory)
            let handler = IntakeHandler(
                policy: policy, vault: PersonalDataVault(keys: configuration.keys),
                maximumEventBytes: configuration.maximumEventBytes, logger: logger)
            worker = try consumerWorker(
                group: "hotline-intake", topics: [TopicName.intake], handler: handler, client: client, clock: clock,
                configuration: configuration, logger: logger)
            logger.info("intake worker configured", metadata: ["policy": "\(policy.policy)", "policy_version": "\(policy.version)"])
        case .dispatch:
            let router = try RoutingLoader.load(file: configuration.routingFile)
            let (policy, calendar) = try policyAndCalendar(configuration)
            let lifecycle = CaseLifecycle(policy: policy, calendar: calendar, network: router.network)
            worker = try consumerWorker(
                group: "hotline-dispatch", topics: DispatchHandler.topics,
                handler: DispatchHandler(router: router, lifecycle: lifecycle, logger: logger),
                client: client, clock: clock, configuration: configuration, logger: logger)
            logger.info("dispatch worker configured", metadata: ["units": "\(router.network.units.count)", "rules": "\(router.rules.count)"])
        case .deadlines:
            let (policy, _) = try policyAndCalendar(configuration)
            let watcher = DeadlineWatcher(policy: policy, logger: logger)
            worker = PeriodicSweep(
                name: "deadlines", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: watcher.sweep)
        case .supervision:
            let (policy, calendar) = try policyAndCalendar(configuration)
            let handler = SupervisionHandler(supervisor: Supervisor(policy: policy, calendar: calendar), logger: logger)
            worker = try consumerWorker(
                group: "hotline-supervision", topics: [TopicName.cases], handler: handler, client: client, clock: clock,
                configuration: configuration, logger: logger)
            companions.append(PeriodicSweep(
                name: "supervision ladder", client: client, clock: clock, batchSize: configuration.batchSize,
                interval: configuration.sweepInterval, logger: logger, sweep: handler.climb))
        case .relay:
            worker = OutboxRelay(
                client: client, producer: try KafkaProducer(configuration: configuration.kafka, logger: logger),
                batchSize: configuration.batchSize, logger: logger)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: client), .init(service: worker)] + companions.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// The running policy and its calendar; a worker refuses to start without either.
    private static func policyAndCalendar(_ configuration: HotlineConfiguration) throws -> (Policy, WorkingDayCalendar) {
        let policy = try PolicyLoader.load(id: configuration.policyID, directory: configuration.policyDirectory)
        return (policy, try CalendarLoader.load(name: policy.calendar, directory: configuration.calendarDirectory))
    }

    private static func consumerWorker(
        group: String, topics: [String], handler: any BatchHandler, client: PostgresClient, clock: any HotlineClock,
        configuration: HotlineConfiguration, logger: Logger
    ) throws -> ConsumerWorker {
        let consumer = try KafkaConsumer(configuration: configuration.kafka, groupID: group, topics: topics, logger: logger)
        return ConsumerWorker(
            consumer: consumer, pipeline: BatchPipeline(client: client, clock: clock, handler: handler, logger: logger),
            batchSize: configuration.batchSize, logger: logger)
    }
}
