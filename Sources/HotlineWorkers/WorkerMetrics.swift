import Foundation
import HotlineDomain
import HotlineKafka
import Prometheus
import Synchronization

/// The workers' Prometheus series (README "Metrics"), each with its help text, in one
/// registry per process that `/metrics` emits. Counting is always on; it costs a lookup
/// and an atomic add.
public enum WorkerMetrics {
    public static let registry = PrometheusCollectorRegistry()

    static let batchSizeBuckets: [Double] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000]
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    private static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    static func consumed(worker: String, topic: String, count: Int) {
        registry.makeCounter(
            descriptor: name("hotline_messages_consumed_total", "Messages a worker consumed in committed batches, by topic."),
            labels: [("worker", worker), ("topic", topic)]
        ).increment(by: Int64(count))
    }

    static func applied(worker: String, topic: String, count: Int) {
        registry.makeCounter(
            descriptor: name("hotline_events_applied_total", "Consumed events whose effects a worker committed: consumed minus duplicates skipped and dead letters."),
            labels: [("worker", worker), ("topic", topic)]
        ).increment(by: Int64(max(0, count)))
    }

    static func batch(worker: String, size: Int, took: Duration) {
        registry.makeValueHistogram(
            descriptor: name("hotline_batch_size", "Messages per committed batch."), labels: [("worker", worker)], buckets: batchSizeBuckets
        ).record(Double(size))
        registry.makeDurationHistogram(
            descriptor: name("hotline_batch_transaction_seconds", "Time to apply a batch in one PostgreSQL transaction."),
            labels: [("worker", worker)], buckets: durationBuckets
        ).record(took)
    }

    static func batchFailed(worker: String, kind: FailureKind) {
        batchFailures(worker: worker, kind: kind).increment()
    }

    private static func batchFailures(worker: String, kind: FailureKind) -> Counter {
        registry.makeCounter(
            descriptor: name("hotline_batch_failures_total", "Batch transactions that failed and were retried, by kind (infrastructure, conflict, poison, deterministic)."),
            labels: [("worker", worker), ("kind", "\(kind)")])
    }

    /// A consumer's failure counters exist at 0 from its start: a series born at its first
    /// increment hides that increment from `rate()` and `increase()`, which the alerts use.
    static func consumerStarted(worker: String) {
        for kind in FailureKind.allCases { batchFailures(worker: worker, kind: kind).increment(by: Int64(0)) }
        withheldCounter(worker: worker).increment(by: Int64(0))
        calendarSetAsideCounter(worker: worker, kind: "message").increment(by: Int64(0))
    }

    static func duplicates(worker: String, topic: String, count: Int) {
        registry.makeCounter(
            descriptor: name("hotline_duplicates_skipped_total", "Events skipped because their event id was already applied (redeliveries, republished events)."),
            labels: [("worker", worker), ("topic", topic)]
        ).increment(by: Int64(count))
    }

    static func deadLettered(worker: String, topic: String, reason: String, count: Int) {
        registry.makeCounter(
            descriptor: name("hotline_dead_letters_total", "Messages dead-lettered to hotline.intake.dlq.v1, by source topic and reason code."),
            labels: [("worker", worker), ("topic", topic), ("reason", reason)]
        ).increment(by: Int64(count))
    }

    /// Dead letters published without their original because the centre had no valid sealing
    /// key (`DeadLetterWriter`): those originals are lost to the operators, so it alerts.
    static func deadLettersWithheld(worker: String, count: Int) {
        withheldCounter(worker: worker).increment(by: Int64(count))
    }

    private static func withheldCounter(worker: String) -> Counter {
        registry.makeCounter(
            descriptor: name("hotline_dead_letters_withheld_total", "Dead letters published without their original because the centre had no valid sealing key."),
            labels: [("worker", worker)])
    }

    /// Receipts intake committed for the channel adapters, by outcome; `duplicate` marks the
    /// receipt re-issued for an appeal published again. Refused appeals get no receipt: they
    /// are in `hotline_dead_letters_total{worker="intake"}`.
    static func receipts(outcome: String, duplicate: Bool, count: Int) {
        registry.makeCounter(
            descriptor: name("hotline_intake_receipts_total", "Receipts intake committed for the channel adapters, by outcome (accepted, merged, not_accepted, redirected); duplicate=true for a re-published appeal."),
            labels: [("outcome", outcome), ("duplicate", "\(duplicate)")]
        ).increment(by: Int64(count))
    }

    /// Set once when the process starts: a value that changes is a restart (an exit 70 after
    /// a stalled transaction, a crash, an OOM kill), which no counter inside the process survives.
    static func started(worker: String) {
        registry.makeGauge(
            descriptor: name("hotline_process_start_time_seconds", "When this worker process started (Unix time); a change means it restarted."),
            labels: [("worker", worker)]
        ).set(Date().timeIntervalSince1970)
    }

    /// What `/ready` would answer, read at every scrape, so an alert sees an instance that
    /// stays unready (and out of its Service) however its orchestrator treats the probe.
    static func ready(worker: String, _ ready: Bool) {
        registry.makeGauge(
            descriptor: name("hotline_ready", "1 when the worker's readiness checks pass (what /ready answers with 200), else 0."),
            labels: [("worker", worker)]
        ).set(ready ? 1.0 : 0.0)
    }

    static func swept(_ sweep: String, handled: Int) {
        let labels = [("sweep", sweep.replacingOccurrences(of: " ", with: "_"))]
        registry.makeCounter(
            descriptor: name("hotline_sweep_items_total", "Items a periodic sweep handled (deadline notices, ladder climbs, callbacks expired, cases archived, reports)."),
            labels: labels
        ).increment(by: Int64(handled))
        registry.makeCounter(
            descriptor: name("hotline_sweep_runs_total", "Runs of a periodic sweep (with its process CPU time: the cost of one sweep)."),
            labels: labels
        ).increment()
        registry.makeGauge(
            descriptor: name("hotline_sweep_last_run_timestamp_seconds", "When the sweep last finished a run (Unix time); stale means stuck."),
            labels: labels
        ).set(Date().timeIntervalSince1970)
    }

    /// Rows the retention sweep removed (README "Retention"), by kind; counted as each batch is removed and logged.
    static func retentionRemoved(_ kind: RetentionKind, count: Int) {
        registry.makeCounter(
            descriptor: name("hotline_retention_removed_total", "Rows (or, for unaccepted_appeal_texts, texts) the retention sweep removed as past the policy's retention period, by kind."),
            labels: [("kind", kind.rawValue)]
        ).increment(by: Int64(count))
    }

    /// The calendar's horizon: operators add next year's notice before it runs out (RUNBOOK "Calendar").
    static func calendar(_ calendar: WorkingDayCalendar) {
        registry.makeGauge(descriptor: name(
            "hotline_calendar_official_until_timestamp_seconds",
            "End (23:59:59 +08:00, Unix time) of the last day a State Council holiday notice covers in the loaded calendar; later days are counted provisionally."))
            .set(calendar.lastOfficialDay?.endOfDay.timeIntervalSince1970 ?? 0)
    }

    /// The running regulation's term (鄂尔多斯 第三十三条, 长沙 第四十二条 「有效期5年」): a policy past it
    /// keeps working, and operators load its successor (RUNBOOK "Policy validity").
    static func policyValidity(_ policy: Policy, at now: Date) {
        let labels = [("policy", policy.policy), ("version", policy.version)]
        registry.makeGauge(
            descriptor: name(
                "hotline_policy_valid_until_timestamp_seconds",
                "End (23:59:59 +08:00, Unix time) of the last day the running policy's regulation is in force; 0 when it states no end."),
            labels: labels
        ).set(policy.validity.until?.endOfDay.timeIntervalSince1970 ?? 0)
        registry.makeGauge(
            descriptor: name("hotline_policy_lapsed", "1 when the running policy's regulation was past its term as the worker started (its clock), else 0."),
            labels: labels
        ).set(Double(policy.validity.lapsed(at: now) ? 1 : 0))
    }

    static func provisionalClocks(_ count: Int) {
        registry.makeGauge(descriptor: name(
            "hotline_clocks_provisional",
            "Open deadline clocks counted on days of a year without its State Council notice (they move on `hotline calendar replan`)."))
            .set(Double(count))
    }

    static func parked(_ count: Int) {
        registry.makeCounter(descriptor: name(
            "hotline_outbox_parked_total",
            "Outbox rows the relay parked because the broker refuses them as they are (too large, invalid); listed by `hotline outbox parked`."))
            .increment(by: Int64(count))
    }

    static func parkedBacklog(_ count: Int) {
        registry.makeGauge(descriptor: name("hotline_outbox_parked", "Rows in outbox_parked, waiting for an operator.")).set(Double(count))
    }

    static func outbox(backlog: Int64, oldest: Date?) {
        registry.makeGauge(descriptor: name("hotline_outbox_backlog", "Outbox rows not yet published to Kafka.")).set(Double(backlog))
        registry.makeGauge(descriptor: name("hotline_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row; 0 when empty."))
            .set(oldest.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
    }

    static func relayShards(_ count: Int) {
        registry.makeGauge(descriptor: name("hotline_relay_shards", "Outbox shards this relay instance holds a lease on and publishes.")).set(Double(count))
    }

    static func published(_ count: Int, oldestCreatedAt: Date) {
        registry.makeCounter(descriptor: name("hotline_outbox_published_total", "Outbox rows the relay published.")).increment(by: Int64(count))
        registry.makeDurationHistogram(
            descriptor: name("hotline_relay_latency_seconds", "Time from an outbox row's commit to its delivery report, oldest row of each set of reports the relay settles."),
            buckets: durationBuckets
        ).record(.seconds(max(0, Date().timeIntervalSince(oldestCreatedAt))))
    }

    /// Every stage of every obligation is set, so a stage that emptied reads 0, not its last value.
    static func clocks(_ counts: [(String, String, Int)]) {
        let byKey = Dictionary(counts.map { ("\($0.0) \($0.1)", $0.2) }, uniquingKeysWith: +)
        for obligation in Set(counts.map(\.0)).union(["sign", "handling", "review", "callback"]) {
            for stage in ["running", "warned", "due_unannounced", "overdue"] {
                registry.makeGauge(
                    descriptor: name("hotline_clocks_open", "Open deadline clocks by obligation and stage (running, warned, overdue announced, due_unannounced: past due but not yet announced)."),
                    labels: [("obligation", obligation), ("stage", stage)]
                ).set(Double(byKey["\(obligation) \(stage)"] ?? 0))
            }
        }
    }

    static func supervisions(_ counts: [(String, Int)], ladder: [String]) {
        let byLevel = Dictionary(counts, uniquingKeysWith: +)
        for level in Set(ladder).union(byLevel.keys) {
            registry.makeGauge(
                descriptor: name("hotline_supervisions_open", "Open supervisions (督办) by ladder level."), labels: [("level", level)]
            ).set(Double(byLevel[level] ?? 0))
        }
    }

    private static let lagSeries = Mutex<Set<TopicPartition>>([])

    /// One series per partition this member holds; a partition that moved to another
    /// member loses its series here (the new owner reports it), so no stale lag stays.
    static func consumerLag(group: String, _ partitions: [TopicPartition: PartitionLag]) {
        func gauge(_ partition: TopicPartition) -> Gauge {
            registry.makeGauge(
                descriptor: name("hotline_consumer_lag", "Messages in a partition this member holds that its group has not processed yet (end offset minus the stored or committed offset)."),
                labels: [("group", group), ("topic", partition.topic), ("partition", "\(partition.partition)")])
        }
        let gone = lagSeries.withLock { series in
            let gone = series.subtracting(partitions.keys)
            series = Set(partitions.keys)
            return gone
        }
        for partition in gone { registry.unregisterGauge(gauge(partition)) }
        for (partition, lag) in partitions { gauge(partition).set(Double(lag.lag)) }
    }

    static func brokers(worker: String, up: Int) {
        registry.makeGauge(
            descriptor: name("hotline_kafka_brokers_up", "Kafka brokers this worker's client is connected to, from its latest statistics report; 0 means Kafka is unreachable."),
            labels: [("worker", worker)]
        ).set(Double(up))
    }

    static func buffered(worker: String, messages: Int, bytes: Int) {
        registry.makeGauge(
            descriptor: name("hotline_consumer_buffered_bytes", "Bytes fetched from Kafka and waiting for this worker's next batch; at HOTLINE_CONSUMER_BUFFER_BYTES fetching pauses."),
            labels: [("worker", worker)]
        ).set(Double(bytes))
        registry.makeGauge(
            descriptor: name("hotline_consumer_buffered_messages", "Messages fetched from Kafka and waiting for this worker's next batch; at 5,000 fetching pauses."),
            labels: [("worker", worker)]
        ).set(Double(messages))
    }

    static func assigned(worker: String, partitions: Int) {
        registry.makeGauge(
            descriptor: name("hotline_assigned_partitions", "Partitions this consumer-group member holds; 0 for long means it is not consuming."),
            labels: [("worker", worker)]
        ).set(Double(partitions))
    }

    /// A consumed message dead-lettered (`kind` "message") or a sweep row skipped for an hour
    /// (`kind` "sweep") because the working-day calendar does not cover a year one of its
    /// deadlines needs: set aside rather than retried, so the rest moves on (DESIGN.md: a
    /// deterministic failure never stalls a partition). Above 0 means a calendar file is missing.
    static func calendarSetAside(worker: String, kind: String) {
        calendarSetAsideCounter(worker: worker, kind: kind).increment()
    }

    private static func calendarSetAsideCounter(worker: String, kind: String) -> Counter {
        registry.makeCounter(
            descriptor: name("hotline_calendar_set_aside_total", "Messages dead-lettered (kind=message) and sweep rows skipped for an hour (kind=sweep) because the working-day calendar does not cover a year their deadlines need; add the year's calendar file."),
            labels: [("worker", worker), ("kind", kind)])
    }
}
