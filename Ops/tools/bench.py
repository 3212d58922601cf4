#!/usr/bin/env python3
"""Ops/dev bench: how fast the worker cluster is, against this machine's own ceilings
and a peer, in one run on one machine (issue "Measure it").

1. Ceilings, with the workers' settings: PostgreSQL (the rows a dispatched case needs,
   batched inserts, one transaction per batch; three runs, the median is the ceiling) and
   Kafka (intake-sized messages through the project's own producer on the dev broker, and
   plain librdkafka, `kcat -P` with the same settings, on the same broker).
2. The six real worker processes with a load generator acting as channel adapters
   (`hotline bench load`): throughput at full speed, then latency (intake event handed
   to Kafka -> commit of the dispatching transaction) at half that rate, with 10k, 100k
   and 1M cases already in the database; each worker's peak RSS.
   Also: the receipt latency a channel adapter publishing 5 appeals/s sees, and CPU
   microseconds per case in each worker.
3. The relay alone: outbox rows published per second by one instance, then by two.
4. The deadline watcher with 1M open clocks: a steady stream falling due (lateness due ->
   overdue event on Kafka, p50/p99; CPU per sweep) and a burst (overdue events per
   second); pgqueuer (PyPI) on the same PostgreSQL server with the same numbers of
   items as the peer.
5. Intake's text rules alone: CPU microseconds per appeal for normalising and deciding the
   demo fixture's appeals (scope rules, category), no database or broker
   (`hotline bench intake-text`).

It writes .hotline/bench/latest.json (one key per figure) and prints a table.
"""
import argparse
import json
import os
import signal
import shutil
import subprocess
import sys
import time
import urllib.request

from localstack import free_port, psql

WORKERS = ["intake", "dispatch", "deadlines", "supervision", "callbacks", "relay"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def say(text):
    print(f"bench: {text}", flush=True)


def wait_until(condition, timeout, what, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise RuntimeError(f"timed out after {timeout} s waiting until {what}")


class Bench:
    def __init__(self, args):
        self.args = args
        self.processes = {}
        self.ports = {}
        self.env = dict(os.environ,
                        HOTLINE_POLICY_DIR=os.path.join(args.root, "Ops/policies"),
                        HOTLINE_ROUTING_FILE=os.path.join(args.root, "Ops/routing/changsha.yaml"),
                        HOTLINE_CALENDAR_DIR=os.path.join(args.root, "Ops/calendars"),
                        HOTLINE_CLOCK="system", HOTLINE_LOG_LEVEL="warning",
                        # The mock cluster holds an empty fetch for fetch.wait.max.ms (README "The dev broker").
                        HOTLINE_KAFKA_FETCH_WAIT_MAX_MS="10")

    # PostgreSQL: a server of its own, with commit timestamps on (the end of the
    # end-to-end measure); otherwise the settings the workers run with.
    def start_postgres(self):
        pg_dir = os.path.join(self.args.work, "pg")
        dev = os.path.join(self.args.root, "Ops/dev")
        url = subprocess.run([dev, "postgres", "start", pg_dir], check=True, capture_output=True, text=True).stdout.strip()
        if psql(url, "SHOW track_commit_timestamp") != "on" or "pg_stat_statements" not in psql(url, "SHOW shared_preload_libraries"):
            psql(url, "ALTER SYSTEM SET track_commit_timestamp = on")
            psql(url, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
            subprocess.run([dev, "postgres", "stop", pg_dir], check=True, capture_output=True)
            url = subprocess.run([dev, "postgres", "start", pg_dir], check=True, capture_output=True, text=True).stdout.strip()
        self.pg_dir, self.admin_url = pg_dir, url
        return {name: psql(url, f"SHOW {name}") for name in ["synchronous_commit", "fsync", "shared_buffers", "server_version"]}

    def stop_postgres(self):
        subprocess.run([os.path.join(self.args.root, "Ops/dev"), "postgres", "stop", self.pg_dir], capture_output=True)

    def database(self, name):
        psql(self.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(self.admin_url, f"CREATE DATABASE {name}")
        url = self.admin_url.replace("/postgres?", f"/{name}?")
        self.env["DATABASE_URL"] = url
        self.hotline("migrate")
        # Every unit holds a sealing key, as in the demo: dispatch seals each work order.
        self.hotline("parties", "sync-units", "--routing-file", self.env["HOTLINE_ROUTING_FILE"], "--by", "bench",
                     "--reason", "the bench's unit network")
        keys = os.path.join(self.args.work, "keys", name)
        shutil.rmtree(keys, ignore_errors=True)  # a fresh database's keys; a key file is never overwritten
        self.hotline("parties", "keys", "issue", "--purpose", "sealing", "--key-dir", keys, "--by", "bench", "--reason", "the bench's unit systems")
        psql(url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        return url

    def start_broker(self):
        self.stop("broker")
        bootstrap = os.path.join(self.args.work, "bootstrap")
        if os.path.exists(bootstrap):
            os.remove(bootstrap)
        self.launch("broker", ["dev-broker", "--topics", os.path.join(self.args.root, "Topics"), "--bootstrap-file", bootstrap])
        wait_until(lambda: os.path.exists(bootstrap), 60, "the dev broker starts")
        self.env["KAFKA_BROKERS"] = open(bootstrap).read().strip()

    def launch(self, ident, arguments, env=None):
        log = open(os.path.join(self.args.work, f"{ident}.log"), "ab")
        self.processes[ident] = subprocess.Popen([self.args.bin, *arguments], stdout=log, stderr=log,
                                                 env=env or self.env, cwd=self.args.root)

    def start_workers(self):
        for worker in WORKERS:
            self.ports[worker] = free_port()
            self.launch(worker, ["worker", worker], env=dict(self.env, HOTLINE_HTTP_PORT=str(self.ports[worker])))
        for worker in WORKERS:
            wait_until(lambda: self.ready(worker), 120, f"the {worker} worker is ready")

    def ready(self, worker):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[worker]}/ready", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def stop(self, ident):
        process = self.processes.pop(ident, None)
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self):
        for ident in [i for i in self.processes if i != "broker"] + ["broker"]:
            self.stop(ident)

    def hotline(self, *arguments, timeout=3600):
        result = subprocess.run([self.args.bin, *arguments], env=self.env, cwd=self.args.root,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"hotline {' '.join(arguments)} exited {result.returncode}: {result.stderr[-2000:]}")
        return result.stdout

    def figures(self, *arguments):
        """Runs a `hotline bench` part; its last line is a JSON object of figures."""
        return json.loads(self.hotline("bench", *arguments).strip().splitlines()[-1])

    def peak_rss_mb(self):
        """Each worker's peak resident set size so far (VmHWM), in MB."""
        peaks = {}
        for worker in WORKERS:
            with open(f"/proc/{self.processes[worker].pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peaks[worker] = round(int(line.split()[1]) / 1024, 1)
        return peaks

    def cpu_seconds(self, worker):
        with open(f"/proc/{self.processes[worker].pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    @staticmethod
    def machine_busy_seconds():
        """CPU seconds the whole machine spent busy (all cores, /proc/stat), so a share
        counts PostgreSQL's backends however short-lived."""
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]
        return (sum(fields[:8]) - idle) / CLOCK_TICKS

    def top_statements(self, by="total_exec_time", limit=6):
        """The statements that took the most server time (or were sent most often: by="calls")
        since the last reset."""
        rows = psql(self.env["DATABASE_URL"], f"""
            SELECT round(total_exec_time)::bigint, calls, round(mean_exec_time::numeric, 3),
                   regexp_replace(left(query, 90), '\\s+', ' ', 'g')
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY {by} DESC LIMIT {limit}""")
        return [dict(zip(["total_ms", "calls", "mean_ms", "query"], line.split("|", 3))) for line in rows.splitlines()]

    def batch_totals(self, worker):
        """Batches committed, messages in them and seconds spent in their transactions."""
        labels = {"worker": worker}
        return (self.metric(worker, "hotline_batch_size_count", labels), self.metric(worker, "hotline_batch_size_sum", labels),
                self.metric(worker, "hotline_batch_transaction_seconds_sum", labels))

    def settle(self, timeout=120):
        """Waits until every consumer group has caught up and the outbox is empty, so a
        latency measure starts on an idle pipeline, not behind the previous phase's backlog."""
        def idle():
            result = subprocess.run([self.args.bin, "status", "--format", "json"], env=self.env, cwd=self.args.root,
                                    capture_output=True, text=True, timeout=60)
            try:
                status = json.loads(result.stdout)
            except ValueError:
                return False
            lag = sum(partition.get("lag", 0) for group in status.get("groups", []) for partition in group.get("partitions", []))
            return lag == 0 and int(psql(self.env["DATABASE_URL"], "SELECT count(*) FROM outbox")) == 0
        wait_until(idle, timeout, "the workers caught up")

    def metric(self, worker, name, labels):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[worker]}/metrics", timeout=5) as answer:
            for line in answer.read().decode().splitlines():
                if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
                    return float(line.rsplit(" ", 1)[1])
        return 0.0


def ceilings(bench, args, results):
    say("ceiling: PostgreSQL, batched inserts of a dispatched case's rows (three runs)")
    runs = []
    for _ in range(3):
        bench.database("bench_ceiling")
        pg = bench.figures("postgres-ceiling", "--cases", str(args.ceiling_cases), "--batch", "500")
        runs.append(round(pg["cases_per_second"], 1))
        psql(bench.admin_url, "DROP DATABASE bench_ceiling WITH (FORCE)")
    runs.sort()
    results["ceiling_postgres_cases_per_s"] = runs[1]
    results["ceiling_postgres_runs"] = ", ".join(str(run) for run in runs)
    results["ceiling_postgres_spread"] = round((runs[2] - runs[0]) / runs[1], 3)
    results["ceiling_postgres_rows_per_case"] = pg["rows_per_case"]
    say("ceiling: Kafka, intake-sized messages through the project's producer on the dev broker")
    bench.start_broker()
    kafka = bench.figures("kafka-ceiling", "--messages", str(args.ceiling_messages))
    results["ceiling_kafka_produce_per_s"] = round(kafka["produce_per_second"], 1)
    results["ceiling_kafka_consume_per_s"] = round(kafka["consume_per_second"], 1)
    results["ceiling_kafka_message_bytes"] = kafka["message_bytes"]
    say("ceiling: plain librdkafka (kcat -P, idempotent, acks=all, linger 5 ms) on the same broker")
    results["ceiling_kcat_produce_per_s"] = round(kcat_produce(bench, args.ceiling_messages, kafka["message_bytes"]), 1)
    results["producer_vs_kcat_ratio"] = round(results["ceiling_kafka_produce_per_s"] / results["ceiling_kcat_produce_per_s"], 3)


def kcat_produce(bench, messages, size):
    """Messages per second `kcat -P` pushes into the dev broker with the relay's settings."""
    value = "x" * size
    lines = "".join(f"bench:{number % 5000}\t{value}\n" for number in range(messages)).encode()
    started = time.monotonic()
    subprocess.run(["kcat", "-P", "-b", bench.env["KAFKA_BROKERS"], "-t", "hotline.intake.receipts.v1", "-K", "\t",
                    "-X", "enable.idempotence=true", "-X", "acks=all", "-X", "linger.ms=5"],
                   input=lines, check=True, capture_output=True, timeout=600)
    return messages / (time.monotonic() - started)


def intake_text(bench, args, results):
    say("intake text rules: µs per appeal on the demo fixture")
    figures = bench.figures("intake-text", "--rounds", str(args.text_rounds))
    results["intake_text_decide_us_per_appeal"] = figures["decide_us_per_appeal"]
    results["intake_text_normalise_us_per_appeal"] = figures["normalise_us_per_appeal"]


def relay(bench, args, results):
    """Outbox rows per second published by one relay instance, then by two, with nothing
    else running (Kafka is the dev broker; the relay's own ceiling)."""
    bench.stop_all()
    bench.start_broker()
    bench.database("bench_relay")
    for instances in [1, 2]:
        say(f"relay: {args.relay_rows} outbox rows, {instances} instance(s)")
        # The instances start, claim their share of the shards and get their producer ids
        # before the rows exist: the figure is publishing, not a process's start or a lease
        # changing hands (each takes seconds, against a second or two of publishing).
        for number in range(instances):
            bench.launch(f"relay-{number}", ["worker", "relay"])
        wait_until(lambda: psql(bench.env["DATABASE_URL"], "SELECT count(*) FROM (SELECT owner FROM outbox_shard_leases "
                                "WHERE expires_at > now() GROUP BY owner HAVING count(*) = 16 / " + str(instances) + ") s") == str(instances),
                   60, f"{instances} relay(s) hold an equal share of the shards")
        time.sleep(2)  # past the first delivery of each new producer (its producer id)
        bench.figures("outbox-fill", "--rows", str(args.relay_rows))
        broker, busy = bench.cpu_seconds("broker"), bench.machine_busy_seconds()
        relays = sum(bench.cpu_seconds(f"relay-{n}") for n in range(instances))
        started = time.monotonic()
        remaining = int(psql(bench.env["DATABASE_URL"], "SELECT count(*) FROM outbox"))
        wait_until(lambda: int(psql(bench.env["DATABASE_URL"], "SELECT count(*) FROM outbox")) == 0, 600,
                   f"{instances} relay(s) publish the outbox", every=0.05)
        seconds = time.monotonic() - started
        results[f"relay_{instances}_rows_per_s"] = round(remaining / seconds, 1)
        # Where the cores went while the relays published: the relays, the broker, and the
        # whole machine (the rest is mostly PostgreSQL); 2.0 is two cores fully busy.
        results[f"relay_{instances}_cpu_share_relays"] = round((sum(bench.cpu_seconds(f"relay-{n}") for n in range(instances)) - relays) / seconds, 2)
        results[f"relay_{instances}_cpu_share_broker"] = round((bench.cpu_seconds("broker") - broker) / seconds, 2)
        results[f"relay_{instances}_cpu_share_machine"] = round((bench.machine_busy_seconds() - busy) / seconds, 2)
        for number in range(instances):
            bench.stop(f"relay-{number}")
    results["relay_2_vs_1_ratio"] = round(results["relay_2_rows_per_s"] / results["relay_1_rows_per_s"], 2)
    psql(bench.admin_url, "DROP DATABASE bench_relay WITH (FORCE)")


def end_to_end(bench, args, results, where):
    """`where` gets, per level, the statements that took the most PostgreSQL time."""
    bench.start_broker()
    bench.database("bench_e2e")
    bench.start_workers()
    ceiling = min(results["ceiling_postgres_cases_per_s"], results["ceiling_kafka_produce_per_s"])
    for level in args.levels:
        have = int(psql(bench.env["DATABASE_URL"], "SELECT count(*) FROM cases"))
        if level > have:
            say(f"preloading {level - have} cases (to {level})")
            bench.figures("preload", "--cases", str(level - have))
        key = f"{level // 1000}k" if level < 1_000_000 else f"{level // 1_000_000}m"
        say(f"{key}: full speed, {args.events} appeals")
        psql(bench.env["DATABASE_URL"], "SELECT pg_stat_statements_reset()")
        cpu = {worker: bench.cpu_seconds(worker) for worker in WORKERS}
        batches = {worker: bench.batch_totals(worker) for worker in ["intake", "dispatch"]}
        full = bench.figures("load", "--count", str(args.events), "--label", f"full-{key}")
        for worker in WORKERS:
            results[f"e2e_{key}_cpu_s_{worker}"] = round(bench.cpu_seconds(worker) - cpu[worker], 1)
            results[f"e2e_{key}_cpu_us_per_case_{worker}"] = round((bench.cpu_seconds(worker) - cpu[worker]) * 1e6 / max(1, full["dispatched"]))
        for worker, before in batches.items():
            count, size, seconds = (a - b for a, b in zip(bench.batch_totals(worker), before))
            results[f"e2e_{key}_{worker}_batches"] = int(count)
            results[f"e2e_{key}_{worker}_mean_batch_size"] = round(size / max(1, count), 1)
            results[f"e2e_{key}_{worker}_transaction_s"] = round(seconds, 1)
        results[f"e2e_{key}_seconds"] = round(full["seconds"], 1)
        where[key] = {"time": bench.top_statements(), "calls": bench.top_statements(by="calls", limit=60)}
        # The workers' statements only: the load generator's own progress polls (BenchStore;
        # pg_stat_statements numbers their constants too, hence `$_`) and this script's
        # queries are left out.
        statements = int(psql(bench.env["DATABASE_URL"], """
            SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query NOT LIKE '%FROM processed_events WHERE consumer = $_ AND event_id >= $_%'
              AND query NOT LIKE '%(SELECT count(*) FROM outbox) +%'
              AND query NOT LIKE '%pg_xact_commit_timestamp%' AND query NOT LIKE '%pg_stat_statements%'
              AND query NOT LIKE 'SELECT count(*) FROM cases%'"""))
        results[f"e2e_{key}_statements_per_case"] = round(statements / max(1, full["dispatched"]), 3)
        maximum = full["dispatched_per_second"]
        half = max(1.0, round(maximum / 2, 1))
        count = max(200, int(half * args.fixed_seconds))
        bench.settle()
        say(f"{key}: {half}/s (half of {maximum:.0f}/s) for {args.fixed_seconds} s")
        fixed = bench.figures("load", "--count", str(count), "--rate", str(half), "--label", f"half-{key}")
        results[f"e2e_{key}_max_per_s"] = round(maximum, 1)
        results[f"e2e_{key}_ratio_to_postgres_ceiling"] = round(maximum / results["ceiling_postgres_cases_per_s"], 3)
        results[f"e2e_{key}_ratio_to_kafka_ceiling"] = round(maximum / results["ceiling_kafka_produce_per_s"], 3)
        results[f"e2e_{key}_ratio_to_lower_ceiling"] = round(maximum / ceiling, 3)
        results[f"e2e_{key}_half_rate_per_s"] = half
        results[f"e2e_{key}_half_rate_achieved_per_s"] = round(fixed["dispatched_per_second"], 1)
        for name in ["p50", "p99", "p999", "max"]:
            results[f"e2e_{key}_latency_{name}_ms"] = round(fixed[f"latency_{name}_ms"], 1)
        for worker, peak in bench.peak_rss_mb().items():
            results[f"rss_peak_mb_{worker}_at_{key}"] = peak
        if level == args.levels[0]:
            bench.settle()
            say(f"{key}: receipts for an adapter publishing 5 appeals/s")
            receipts = bench.figures("receipts", "--count", str(args.receipt_events), "--rate", "5", "--label", f"receipts-{key}")
            for name in ["p50", "p99", "max"]:
                results[f"receipt_latency_{name}_ms"] = round(receipts[f"receipt_latency_{name}_ms"], 1)
    results["rss_peak_mb_max"] = max(v for k, v in results.items() if k.startswith("rss_peak_mb_") and k != "rss_peak_mb_max")


def deadlines(bench, args, results):
    url = bench.env["DATABASE_URL"]
    have = int(psql(url, "SELECT count(*) FROM case_clocks WHERE state = 'open'"))
    if args.clocks > have:
        say(f"preloading {args.clocks - have} cases with open clocks (to {args.clocks} open clocks)")
        bench.figures("preload", "--cases", str(args.clocks - have))
    results["deadline_open_clocks"] = int(psql(url, "SELECT count(*) FROM case_clocks WHERE state = 'open'"))
    stream = args.stream_per_second * args.stream_seconds
    say(f"deadlines: {stream} clocks falling due, {args.stream_per_second} on each second, among {results['deadline_open_clocks']} open")
    cpu_before = bench.cpu_seconds("deadlines")
    runs_before = bench.metric("deadlines", "hotline_sweep_runs_total", {"sweep": "deadlines"})
    due = bench.figures("due-clocks", "--count", str(stream), "--per-second", str(args.stream_per_second), "--start-in", "5")
    lateness = bench.figures("lateness", "--expect", str(stream), "--since", str(due["first_due"]))
    runs = bench.metric("deadlines", "hotline_sweep_runs_total", {"sweep": "deadlines"}) - runs_before
    cpu = bench.cpu_seconds("deadlines") - cpu_before
    results["deadline_stream_items"] = stream
    results["deadline_stream_lateness_p50_ms"] = round(lateness["lateness_p50_ms"], 1)
    results["deadline_stream_lateness_p99_ms"] = round(lateness["lateness_p99_ms"], 1)
    results["deadline_stream_lateness_max_ms"] = round(lateness["lateness_max_ms"], 1)
    results["deadline_sweeps"] = int(runs)
    results["deadline_cpu_ms_per_sweep"] = round(cpu * 1000 / max(1, runs), 2)
    say(f"deadlines: a burst of {args.burst} clocks due at one instant")
    due = bench.figures("due-clocks", "--count", str(args.burst), "--per-second", str(args.burst), "--start-in", "3")
    burst = bench.figures("lateness", "--expect", str(args.burst), "--since", str(due["first_due"]))
    results["deadline_burst_items"] = args.burst
    results["deadline_burst_fired_per_s"] = round(burst["fired_per_second"], 1)
    results["deadline_burst_lateness_p99_ms"] = round(burst["lateness_p99_ms"], 1)


def peer(bench, args, results):
    """pgqueuer on the same server, in a database of its own, with as many queued jobs
    as open clocks and the same stream and burst."""
    lib = os.path.join(args.work, "pylib")
    if not os.path.exists(os.path.join(lib, "pgqueuer")):
        say("installing pgqueuer and asyncpg (PyPI) into .hotline/bench/pylib")
        installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", lib, "pgqueuer", "asyncpg"],
                                   capture_output=True, text=True)
        if installed.returncode != 0:
            raise RuntimeError(f"pip could not install pgqueuer: {installed.stderr[-2000:]}")
    psql(bench.admin_url, "DROP DATABASE IF EXISTS bench_peer WITH (FORCE)")
    psql(bench.admin_url, "CREATE DATABASE bench_peer")
    url = bench.admin_url.replace("/postgres?", "/bench_peer?").replace("?sslmode=disable", "")
    say(f"peer: pgqueuer with {results['deadline_open_clocks']} queued jobs, the same stream and burst")
    output = subprocess.run(
        [sys.executable, os.path.join(args.root, "Ops/tools/bench_pgqueuer.py"), "--url", url,
         "--queued", str(results["deadline_open_clocks"]), "--per-second", str(args.stream_per_second),
         "--seconds", str(args.stream_seconds), "--burst", str(args.burst)],
        env=dict(os.environ, PYTHONPATH=lib), capture_output=True, text=True, check=True, timeout=3600).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    psql(bench.admin_url, "DROP DATABASE bench_peer WITH (FORCE)")
    results["peer"] = "pgqueuer " + figures["version"]
    for name in ["stream_lateness_p50_ms", "stream_lateness_p99_ms", "burst_fired_per_s", "burst_lateness_p99_ms"]:
        results[f"peer_{name}"] = figures[name]
    results["deadline_vs_peer_fired_per_s_ratio"] = round(results["deadline_burst_fired_per_s"] / figures["burst_fired_per_s"], 2)


TARGETS = [
    ("end-to-end throughput >= 50 % of the PostgreSQL batched-insert ceiling", "e2e_{last}_ratio_to_postgres_ceiling", lambda v: v >= 0.5),
    ("SQL statements per case <= 0.2 across all workers", "e2e_{last}_statements_per_case", lambda v: v <= 0.2),
    ("the project's producer >= 50 % of plain librdkafka", "producer_vs_kcat_ratio", lambda v: v >= 0.5),
    ("receipt latency p99 <= 50 ms at 5 appeals/s", "receipt_latency_p99_ms", lambda v: v <= 50),
    ("p99 <= 100 ms at half the maximum rate", "e2e_{last}_latency_p99_ms", lambda v: v <= 100),
    ("relay with 2 instances >= 1.6 x one", "relay_2_vs_1_ratio", lambda v: v >= 1.6),
    ("deadline lateness p99 <= 1 s with 1M open clocks", "deadline_stream_lateness_p99_ms", lambda v: v <= 1000),
    ("ahead of the peer on items fired per second", "deadline_vs_peer_fired_per_s_ratio", lambda v: v > 1),
    ("every worker under 100 MB RSS", "rss_peak_mb_max", lambda v: v < 100),
]


def table(results, levels):
    lines = ["", "figure                                              value"]
    for key, value in results.items():
        lines.append(f"{key:<52}{value}")
    last = f"{levels[-1] // 1000}k" if levels[-1] < 1_000_000 else f"{levels[-1] // 1_000_000}m"
    lines += ["", f"targets (end to end at the largest level, {last}):"]
    for what, key, met in TARGETS:
        key = key.format(last=last)
        value = results.get(key)
        verdict = "n/a " if value is None else ("met " if met(value) else "MISS")
        lines.append(f"  {verdict} {what}: {key} = {value}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--quick", action="store_true", help="10k cases and 100k clocks only, shorter runs: a smoke run")
    parser.add_argument("--skip-peer", action="store_true", help="no pgqueuer run")
    args = parser.parse_args()
    args.levels = [10_000] if args.quick else [10_000, 100_000, 1_000_000]
    args.clocks = 100_000 if args.quick else 1_000_000
    args.events = 2_000 if args.quick else 10_000
    args.fixed_seconds = 10 if args.quick else 30
    args.ceiling_cases = 5_000 if args.quick else 20_000
    args.ceiling_messages = 10_000 if args.quick else 50_000
    args.stream_per_second, args.stream_seconds = (100, 10) if args.quick else (200, 60)
    args.burst = 5_000 if args.quick else 20_000
    args.receipt_events = 50 if args.quick else 150
    args.relay_rows = 50_000 if args.quick else 200_000
    args.text_rounds = 10 if args.quick else 100

    bench = Bench(args)
    where = {}
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(), "quick": args.quick}
    began = time.monotonic()
    try:
        intake_text(bench, args, results)
        settings = bench.start_postgres()
        results.update({f"postgres_{k}": v for k, v in settings.items()})
        ceilings(bench, args, results)
        end_to_end(bench, args, results, where)
        deadlines(bench, args, results)
        relay(bench, args, results)
        bench.stop_all()
        if not args.skip_peer:
            peer(bench, args, results)
    finally:
        bench.stop_all()
        bench.stop_postgres()
    results["bench_seconds"] = round(time.monotonic() - began, 1)
    with open(os.path.join(args.work, "latest.json"), "w") as file:
        json.dump(results, file, indent=2)
    with open(os.path.join(args.work, "statements.json"), "w") as file:
        json.dump(where, file, indent=2, ensure_ascii=False)
    print(table(results, args.levels))
    for key, statements in where.items():
        for order, heading in [("time", "where PostgreSQL's time went"), ("calls", "the statements sent most often")]:
            print(f"\n{heading} at {key} (full speed; server ms, calls, mean ms, statement):")
            for row in statements[order]:
                print(f"  {row['total_ms']:>8} {row['calls']:>8} {row['mean_ms']:>8}  {row['query']}")
    say(f"figures written to {os.path.join(args.work, 'latest.json')}")


if __name__ == "__main__":
    main()
