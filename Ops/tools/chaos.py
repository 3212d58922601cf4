#!/usr/bin/env python3
"""Fault-injection suite (`Ops/dev chaos`; `--short` runs inside `Ops/dev test`).

Each scenario gets a fresh database on a PostgreSQL server of its own (so it can be
stopped), a dev broker with its fault-injection port, and the real worker processes.
It publishes load, injects a fault while the load flows, lets the system recover, and
checks the invariants with SQL and by reading the topics:

  I1 every published intake event ends as exactly one receipt (one distinct receipt
     event id) and at most one case, or as exactly one dead letter;
  I2 every dispatched case has exactly one current lead assignment; none is left undispatched;
  I3 the history is append-only (its trigger is in place) and consistent with the
     current state: each case's first entry is its acceptance, each dispatched case
     was dispatched once;
  I4 every clock that fell due produced exactly one deadline.overdue event, and no
     other clock did;
  I5 no event id was applied twice (processed_events, and no history entry repeated
     for one event).

One line per scenario with its counts; exit 1 on any violation.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timedelta

from localstack import free_port, psql

WORKERS = ["intake", "dispatch", "deadlines", "supervision", "callbacks", "relay"]
CONSUMERS = ["intake", "dispatch", "supervision", "callbacks"]
START = "2026-10-19T09:00:00+08:00"


class Violation(Exception):
    pass


class Stack:
    """One scenario's system: its database, dev broker and worker processes."""

    def __init__(self, args, name):
        self.args, self.name = args, name
        self.work = os.path.join(args.work, name)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.database = "chaos_" + name.replace("-", "_")
        self.url = args.pg_url.replace("/postgres?", f"/{self.database}?")
        psql(args.pg_url, f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        psql(args.pg_url, f"CREATE DATABASE {self.database}")
        self.processes = {}
        self.control = free_port()
        bootstrap = os.path.join(self.work, "bootstrap")
        self.launch("broker", ["dev-broker", "--topics", os.path.join(args.root, "Topics"),
                               "--bootstrap-file", bootstrap, "--control-port", str(self.control)])
        wait_until(lambda: os.path.exists(bootstrap), 20, "the dev broker starts")
        self.brokers = open(bootstrap).read().strip()
        self.env = dict(os.environ, KAFKA_BROKERS=self.brokers, DATABASE_URL=self.url,
                        HOTLINE_POLICY_DIR=os.path.join(args.root, "Ops/policies"),
                        HOTLINE_ROUTING_FILE=os.path.join(args.root, "Ops/routing/changsha.yaml"),
                        HOTLINE_CALENDAR_DIR=os.path.join(args.root, "Ops/calendars"),
                        HOTLINE_CLOCK="simulated", HOTLINE_SWEEP_INTERVAL_MS="200",
                        HOTLINE_LOG_LEVEL=os.environ.get("CHAOS_LOG_LEVEL", "info"))
        self.hotline("migrate")
        self.hotline("clock", "set", START)
        self.restarts = 0
        self.lock = threading.Lock()
        self.supervising = True
        threading.Thread(target=self.supervise, daemon=True).start()

    def supervise(self):
        """Restarts a worker that exited by itself, as systemd's Restart=on-failure would."""
        while self.supervising:
            time.sleep(0.5)
            with self.lock:
                for ident, process in list(self.processes.items()):
                    if ident != "broker" and process.poll() is not None:
                        self.restarts += 1
                        self.launch(ident, process.args[1:])

    def hotline(self, *arguments, check=True):
        result = subprocess.run([self.args.bin, *arguments], env=self.env, cwd=self.args.root,
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"hotline {' '.join(arguments)} exited {result.returncode}: {result.stderr[-2000:]}")
        return result

    def launch(self, ident, arguments):
        log = open(os.path.join(self.work, f"{ident}.log"), "ab")
        env = getattr(self, "env", os.environ)
        self.processes[ident] = subprocess.Popen([self.args.bin, *arguments], stdout=log, stderr=log,
                                                 env=env, cwd=self.args.root)

    def start(self, worker, ident=None):
        with self.lock:
            self.launch(ident or worker, ["worker", worker])

    def kill9(self, ident):
        with self.lock:
            process = self.processes.pop(ident)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def terminate(self, ident):
        with self.lock:
            process = self.processes.pop(ident)
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise Violation(f"{ident} did not stop within 30 s of SIGTERM")

    def fault(self, path):
        request = urllib.request.Request(f"http://127.0.0.1:{self.control}/{path}", method="POST")
        with urllib.request.urlopen(request, timeout=5) as answer:
            answer.read()

    def sql(self, query):
        return psql(self.url, query)

    def count(self, query):
        return int(self.sql(query) or 0)

    def publish_valid(self, events):
        path = os.path.join(self.work, f"load-{time.monotonic_ns()}.jsonl")
        with open(path, "w") as file:
            for event in events:
                key = f"{event['channel']}:{event['external_id']}"
                file.write(json.dumps({"key": key, "value": event}, ensure_ascii=False) + "\n")
        self.hotline("publish", path)

    def publish_raw(self, lines):
        """key<TAB>bytes lines through kcat, for what `hotline publish` cannot express."""
        subprocess.run(["kcat", "-P", "-b", self.brokers, "-t", "hotline.intake.v1", "-K", "\t"],
                       input=b"".join(key + b"\t" + value + b"\n" for key, value in lines), check=True)

    def topic(self, name):
        output = subprocess.run(["kcat", "-C", "-b", self.brokers, "-t", name, "-e", "-q", "-f", "%s\n"],
                                capture_output=True, check=True).stdout
        return [json.loads(line) for line in output.splitlines() if line.strip()]

    def quiesce(self, expected_messages, timeout=240):
        """Waits until every published message was answered or dead-lettered, nothing waits
        in the outbox, no case waits for dispatch, and no group has lag."""
        def settled():
            answered = self.count("SELECT count(*) FROM processed_events WHERE consumer = 'intake'")
            dead = self.count("SELECT count(*) FROM dead_letters WHERE topic = 'hotline.intake.v1'")
            if answered + dead < expected_messages:
                return False
            if self.count("SELECT count(*) FROM outbox") or self.count("SELECT count(*) FROM cases WHERE status = 'accepted'"):
                return False
            status = self.hotline("status", "--format", "json", check=False)
            if status.returncode == 2:
                return False
            groups = json.loads(status.stdout)["groups"]
            return all(sum(p["lag"] for p in g["partitions"]) == 0 for g in groups if g["worker"] in self.running_consumers())
        wait_until(settled, timeout, f"{self.name}: the system settles")

    def running_consumers(self):
        return {ident.split("-")[0] for ident, process in self.processes.items() if process.poll() is None} & set(CONSUMERS)

    def stop(self):
        self.supervising = False
        for ident in [i for i in self.processes if i != "broker"] + ["broker"]:
            if ident in self.processes:
                process = self.processes.pop(ident)
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (RuntimeError, json.JSONDecodeError, KeyError):
            pass
        time.sleep(0.5)
    raise Violation(f"timed out after {timeout} s waiting until {what}")


def load(args, count, tag):
    """`count` appeals in the shape of the demo fixture's, each with its own ids."""
    lines = [json.loads(line) for line in open(os.path.join(args.root, "Ops/fixtures/demo-intake.jsonl"))]
    base = [line["value"] for line in lines if isinstance(line.get("value"), dict)]
    events = []
    for number in range(count):
        event = dict(random.Random(number).choice(base))
        event["event_id"] = f"chaos-{tag}-{number:06d}"
        event["external_id"] = f"CHAOS-{tag}-{number:06d}"
        event["channel"] = "web"
        events.append(event)
    return events


def bad_events(count):
    """Malformed JSON, wrong types, missing fields, oversized, invalid UTF-8, unknown
    schema version, huge strings and deep nesting, in turn."""
    def valid(n):
        return {"schema_version": 1, "event_id": f"bad-{n}", "channel": "web", "external_id": f"BAD-{n}",
                "received_at": "2026-10-19T09:00:00+08:00", "caller": {"phone": "13800001111"},
                "content": "路灯不亮", "area_code": "430104"}
    kinds = [
        lambda n: b'{"schema_version": 1, "event_id": ',
        lambda n: json.dumps({**valid(n), "schema_version": "one"}).encode(),
        lambda n: json.dumps({k: v for k, v in valid(n).items() if k != "content"}).encode(),
        lambda n: json.dumps({**valid(n), "content": "长" * 200_000}, ensure_ascii=False).encode(),
        lambda n: json.dumps(valid(n)).encode().replace(b"\\u8def", b"\xff\xfe"),
        lambda n: json.dumps({**valid(n), "schema_version": 99}).encode(),
        lambda n: json.dumps({**valid(n), "subject": "x" * 30_000}).encode(),
        lambda n: json.dumps({**valid(n), "caller": None}).encode().replace(b"null", b"[" * 5000 + b"]" * 5000),
    ]
    return [(f"bad:{n}".encode(), kinds[n % len(kinds)](n)) for n in range(count)]


def check_invariants(stack, valid_ids, bad_count):
    counts = {}
    receipts = {}
    for receipt in stack.topic("hotline.intake.receipts.v1"):
        receipts.setdefault(receipt["in_reply_to"]["event_id"], set()).add(receipt["event_id"])
    dead = stack.count("SELECT count(*) FROM dead_letters WHERE topic = 'hotline.intake.v1'")
    answered = set(stack.sql("SELECT event_id FROM processed_events WHERE consumer = 'intake'").split())
    problems = []
    missing = [i for i in valid_ids if i not in answered]
    if missing:
        problems.append(f"I1: {len(missing)} valid events never applied, e.g. {missing[:3]}")
    wrong = [i for i in valid_ids if len(receipts.get(i, ())) != 1]
    if wrong:
        problems.append(f"I1: {len(wrong)} events without exactly one receipt, e.g. {wrong[:3]}")
    if dead != bad_count:
        problems.append(f"I1: {dead} dead letters for {bad_count} bad events")
    twice = stack.count("SELECT count(*) FROM (SELECT intake_event_id FROM cases GROUP BY 1 HAVING count(*) > 1) AS t")
    if twice:
        problems.append(f"I1: {twice} intake events made more than one case")
    counts["cases"] = stack.count("SELECT count(*) FROM cases")
    leads = stack.count("""SELECT count(*) FROM cases c WHERE c.status <> 'awaiting_manual_dispatch' AND
        (SELECT count(*) FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead') <> 1""")
    if leads:
        problems.append(f"I2: {leads} cases without exactly one current lead")
    if stack.count("SELECT count(*) FROM cases WHERE status = 'accepted'"):
        problems.append("I2: cases left undispatched")
    if stack.count("SELECT count(*) FROM pg_trigger WHERE tgname = 'case_history_append_only'") != 1:
        problems.append("I3: the append-only trigger on case_history is missing")
    first = stack.count("""SELECT count(*) FROM cases c WHERE (SELECT action FROM case_history h WHERE h.case_id = c.id
        ORDER BY id LIMIT 1) IS DISTINCT FROM 'accepted'""")
    if first:
        problems.append(f"I3: {first} cases whose history does not start with their acceptance")
    redispatched = stack.count("""SELECT count(*) FROM (SELECT case_id FROM case_history WHERE action = 'dispatched'
        GROUP BY case_id HAVING count(*) > 1) AS t""")
    if redispatched:
        problems.append(f"I3: {redispatched} cases dispatched more than once")
    overdue_events = {}
    for event in stack.topic("hotline.cases.v1"):
        if event.get("type") == "deadline.overdue":
            overdue_events.setdefault(str(event["clock_id"]), set()).add(event["event_id"])
    overdue_clocks = set(stack.sql("SELECT id FROM case_clocks WHERE overdue_at IS NOT NULL").split())
    counts["overdue"] = len(overdue_clocks)
    if set(overdue_events) != overdue_clocks or any(len(ids) != 1 for ids in overdue_events.values()):
        problems.append(f"I4: {len(overdue_clocks)} clocks overdue, {len(overdue_events)} announced, "
                        f"{sum(len(ids) > 1 for ids in overdue_events.values())} announced more than once")
    repeated = stack.count("""SELECT count(*) FROM (SELECT event_id, case_id, action FROM case_history
        WHERE event_id IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) > 1) AS t""")
    if repeated:
        problems.append(f"I5: {repeated} history entries applied twice for one event")
    counts["dead_letters"] = dead
    counts["restarts"] = stack.restarts
    counts["receipts"] = sum(len(ids) for ids in receipts.values())
    return counts, problems


def under_load(stack, args, tag, share, extra=()):
    """Starts every worker (and `extra` second instances), publishes the load in the
    background and returns once `share` of it was taken in: the moment to inject a fault."""
    for name in WORKERS:
        stack.start(name)
    for name in extra:
        stack.start(name, f"{name}-2")
    events = load(args, args.events, tag)
    publisher = threading.Thread(target=stack.publish_valid, args=(events,))
    publisher.start()
    threshold = int(args.events * share)
    wait_until(lambda: stack.count("SELECT count(*) FROM processed_events WHERE consumer = 'intake'") >= threshold,
               120, f"{threshold} events are in")
    return events, publisher


def scenario_kill9(worker):
    def run(stack, args):
        events, publisher = under_load(stack, args, f"k9{worker}", 1 / 3)
        stack.kill9(worker)
        time.sleep(1)
        stack.start(worker)
        publisher.join()
        return events, 0, f"killed -9 {worker} under load, restarted"
    return run


def scenario_survivor(stack, args):
    events, publisher = under_load(stack, args, "survivor", 1 / 3, extra=CONSUMERS)
    for name in CONSUMERS:
        stack.kill9(f"{name}-2")
    publisher.join()
    return events, 0, "two of each consumer, one of each killed -9; the survivors took the partitions"


def scenario_broker(stack, args):
    events, publisher = under_load(stack, args, "broker", 1 / 4)
    stack.fault("brokers/1/down")
    time.sleep(4)
    stack.fault("brokers/1/up")
    stack.fault("brokers/2/rtt/300")
    stack.fault("errors/Produce/20/7")
    stack.fault("errors/Fetch/20/7")
    stack.fault("errors/OffsetCommit/10/16")
    time.sleep(4)
    stack.fault("brokers/2/rtt/0")
    publisher.join()
    return events, 0, "broker 1 down 4 s; broker 2 +300 ms; Produce, Fetch and OffsetCommit errors injected"


def scenario_postgres(stack, args):
    events, publisher = under_load(stack, args, "postgres", 1 / 3)
    subprocess.run([os.path.join(args.root, "Ops/dev"), "postgres", "stop", args.pg_dir], check=True, capture_output=True)
    time.sleep(5)
    subprocess.run([os.path.join(args.root, "Ops/dev"), "postgres", "start", args.pg_dir], check=True, capture_output=True)
    publisher.join()
    return events, 0, "PostgreSQL stopped 5 s under load and restarted"


def scenario_rebalance(stack, args):
    events, publisher = under_load(stack, args, "rebalance", 1 / 4)
    for name in CONSUMERS:
        stack.start(name, f"{name}-2")
    time.sleep(3)
    for name in CONSUMERS:
        if stack.terminate(f"{name}-2") != 0:
            raise Violation(f"{name}-2 did not exit 0 on SIGTERM during a rebalance")
    publisher.join()
    return events, 0, "second instances joined and left (SIGTERM) while events were in flight"


def scenario_bad_events(stack, args):
    events, publisher = under_load(stack, args, "bad", 0)
    bad = bad_events(args.events // 2)
    stack.publish_raw(bad)
    publisher.join()
    return events, len(bad), f"{len(bad)} bad events (8 kinds) mixed with {len(events)} valid ones"


def scenario_clock_jump(stack, args):
    for name in WORKERS:
        stack.start(name)
    events = load(args, args.events, "clock")
    stack.publish_valid(events)
    stack.quiesce(len(events))
    for days in (3, 10, 30):
        stack.hotline("clock", "set", (datetime.fromisoformat(START) + timedelta(days=days)).isoformat())
        if days == 10:
            stack.kill9("deadlines")
            stack.start("deadlines")
        time.sleep(3)
    wait_until(lambda: stack.count("""SELECT count(*) FROM case_clocks WHERE state = 'open' AND overdue_at IS NULL
        AND due_at < (SELECT now FROM simulated_clock)""") == 0 and stack.count("SELECT count(*) FROM outbox") == 0,
               120, "every clock past due was announced")
    return events, 0, "simulated clock jumped +3, +10 (deadlines killed -9) and +30 days"


def scenarios():
    table = {f"kill9-{worker}": scenario_kill9(worker) for worker in WORKERS}
    table.update({"survivor": scenario_survivor, "broker-faults": scenario_broker, "postgres-restart": scenario_postgres,
                  "rebalance": scenario_rebalance, "bad-events": scenario_bad_events, "clock-jump": scenario_clock_jump})
    return table


SHORT = ["kill9-dispatch", "survivor", "broker-faults", "bad-events", "clock-jump"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--short", action="store_true", help=f"only {', '.join(SHORT)}, with less load")
    parser.add_argument("--events", type=int)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    table = scenarios()
    names = args.names or (SHORT if args.short else list(table))
    unknown = [n for n in names if n not in table]
    if unknown:
        parser.error(f"unknown scenarios {unknown}; known: {', '.join(table)}")
    args.events = args.events or (150 if args.short else 400)
    args.pg_dir = os.path.join(args.work, "pg")
    started = subprocess.run([os.path.join(args.root, "Ops/dev"), "postgres", "start", args.pg_dir],
                             check=True, capture_output=True, text=True)
    args.pg_url = started.stdout.strip()
    failed = 0
    try:
        for name in names:
            began = time.monotonic()
            stack = Stack(args, name)
            try:
                events, bad, what = table[name](stack, args)
                stack.quiesce(len(events) + bad)
                counts, problems = check_invariants(stack, [e["event_id"] for e in events], bad)
            except (Violation, RuntimeError, subprocess.CalledProcessError, OSError) as error:
                counts, problems, what = {}, [str(error)], "did not settle"
            finally:
                stack.stop()
            verdict = "ok  " if not problems else "FAIL"
            figures = ", ".join(f"{k} {v}" for k, v in counts.items())
            print(f"{verdict} {name:<20} {time.monotonic() - began:5.1f} s  {what}; {figures}", flush=True)
            for problem in problems:
                print(f"     {problem}  (logs: {stack.work})", flush=True)
            failed += bool(problems)
    finally:
        subprocess.run([os.path.join(args.root, "Ops/dev"), "postgres", "stop", args.pg_dir], capture_output=True)
    print(f"chaos: {len(names) - failed} of {len(names)} scenarios kept every invariant")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
