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
     for one event);
  I6 per-key order on every outbound topic: each key on one partition, each case's events
     starting with its acceptance and its lifecycle steps in the order they happened, each
     case's action outcomes in the order its actions were sent;
  I7 (the scenarios where units, the centre and callback adapters act) every unit action,
     centre action and callback result has exactly one outcome, accepted, and every case
     is rated once.

The short run (`--short`, inside `Ops/dev test`) keeps to the quick scenarios; the long
run adds PostgreSQL down 2 minutes, hanging and out of disk, every broker down 60 s, a
consumer stalled past max.poll.interval.ms and oversized keys and headers, each while
unit actions, centre actions and callback results flow beside the intake.

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
from pgproxy import HangingProxy

WORKERS = ["intake", "dispatch", "deadlines", "supervision", "callbacks", "relay"]
CONSUMERS = ["intake", "dispatch", "supervision", "callbacks"]
START = "2026-10-19T09:00:00+08:00"
# The parties that sign what the units' systems, the centre's console and the callback desk send.
CENTRE = "centre"
CALLBACK_DESK = "callback-desk"
OUTBOUND = ["hotline.intake.receipts.v1", "hotline.intake.dlq.v1", "hotline.cases.v1", "hotline.escalations.v1",
            "hotline.action-outcomes.v1", "hotline.callback-tasks.v1", "hotline.callback-outcomes.v1",
            "hotline.notifications.v1", "hotline.reports.v1", "hotline.knowledge-outcomes.v1"]
# The mock cluster answers a reader's last, empty fetch only after fetch.wait.max.ms (500 ms by default).
QUICK_END = ["-X", "fetch.wait.max.ms=10"]
# The steps of a case the lifecycle load takes through one round, in the order they must appear.
LIFECYCLE = ["case.accepted", "case.dispatched", "case.signed", "case.result_submitted", "case.resolved", "case.rated", "case.closed"]


class Violation(Exception):
    pass


class Stack:
    """One scenario's system: its database, dev broker and worker processes."""

    def __init__(self, args, name, tablespace=None):
        self.args, self.name = args, name
        self.flow = None
        self.work = os.path.join(args.work, name)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.database = "chaos_" + name.replace("-", "_")
        self.url = args.pg_url.replace("/postgres?", f"/{self.database}?")
        psql(args.pg_url, f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        psql(args.pg_url, f"CREATE DATABASE {self.database}" + (f" TABLESPACE {tablespace}" if tablespace else ""))
        self.processes = {}
        self.worker_env = {}
        self.cleanups = []  # run once the processes stopped
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
        # The parties, as in the demo: the units, the centre and the callback desk sign what
        # they send (docs/CONTRACTS.md "Signed messages"); each unit's work orders are sealed to it.
        self.keys = os.path.join(self.work, "keys")
        shutil.rmtree(self.keys, ignore_errors=True)  # this database's keys; a key file is never overwritten
        self.hotline("parties", "sync-units", "--routing-file", self.env["HOTLINE_ROUTING_FILE"], "--by", "chaos")
        self.hotline("parties", "add", "--id", CENTRE, "--kind", "centre", "--name", "12345 热线中心", "--by", "chaos")
        self.hotline("parties", "add", "--id", CALLBACK_DESK, "--kind", "callback_adapter", "--name", "回访坐席与语音回访", "--by", "chaos")
        for purpose in ("signing", "sealing"):
            self.hotline("parties", "keys", "issue", "--purpose", purpose, "--key-dir", self.keys, "--by", "chaos")
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
                        self.launch(ident, process.args[1:], self.worker_env.get(ident))

    def hotline(self, *arguments, check=True):
        result = subprocess.run([self.args.bin, *arguments], env=self.env, cwd=self.args.root,
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"hotline {' '.join(arguments)} exited {result.returncode}: {result.stderr[-2000:]}")
        return result

    def launch(self, ident, arguments, extra=None):
        log = open(os.path.join(self.work, f"{ident}.log"), "ab")
        env = dict(getattr(self, "env", os.environ), **(extra or {}))
        self.processes[ident] = subprocess.Popen([self.args.bin, *arguments], stdout=log, stderr=log,
                                                 env=env, cwd=self.args.root)

    def start(self, worker, ident=None, extra=None):
        """`extra`: settings of this worker alone, kept when it is restarted."""
        with self.lock:
            self.worker_env[ident or worker] = extra
            self.launch(ident or worker, ["worker", worker], extra)

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

    def publish_raw(self, lines, headers=()):
        """key<TAB>bytes lines through kcat, for what `hotline publish` cannot express;
        `headers` (name=value) go on every line."""
        subprocess.run(["kcat", "-P", "-b", self.brokers, "-t", "hotline.intake.v1", "-K", "\t",
                        "-X", "message.max.bytes=4000000", *[a for h in headers for a in ("-H", h)]],
                       input=b"".join(key + b"\t" + value + b"\n" for key, value in lines), check=True)

    def publish_actions(self, topic, actions):
        """(key, signer, value) triples with `hotline publish`, each signed by its signer's key,
        retried while Kafka or PostgreSQL is away (a repeat is harmless: the workers recognise
        an event id they applied with the same content)."""
        path = os.path.join(self.work, f"{topic}-{time.monotonic_ns()}.jsonl")
        with open(path, "w", encoding="utf-8") as file:
            for key, signer, value in actions:
                file.write(json.dumps({"key": key, "value": value, "sign_as": signer}, ensure_ascii=False) + "\n")
        retrying(lambda: self.hotline("publish", "--topic", topic, "--key-dir", self.keys, path), 600,
                 f"{len(actions)} messages reach {topic}")

    def topic(self, name):
        output = subprocess.run(["kcat", "-C", "-b", self.brokers, *QUICK_END, "-t", name, "-e", "-q", "-f", "%s\n"],
                                capture_output=True, check=True).stdout
        return [json.loads(line) for line in output.splitlines() if line.strip()]

    def records(self, name):
        """Every record of a topic with its partition, offset and key, in partition order."""
        output = subprocess.run(["kcat", "-C", "-b", self.brokers, *QUICK_END, "-t", name, "-e", "-q", "-J"],
                                capture_output=True, check=True).stdout
        records = [json.loads(line) for line in output.splitlines() if line.strip()]
        return sorted(records, key=lambda r: (r["partition"], r["offset"]))

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
        while self.cleanups:
            self.cleanups.pop()()


def retrying(action, timeout, what):
    """Runs `action` until it stops raising, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except (RuntimeError, subprocess.CalledProcessError):
            if time.monotonic() > deadline:
                raise Violation(f"gave up after {timeout} s trying until {what}")
            time.sleep(1)


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (RuntimeError, json.JSONDecodeError, KeyError, subprocess.CalledProcessError):
            pass  # PostgreSQL or the brokers away: look again
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


def check_order(stack):
    """I6: per-key order on every outbound topic, read back from the topics."""
    problems = []
    for name in OUTBOUND:
        by_key = {}
        for record in stack.records(name):
            if record.get("key") is not None:
                by_key.setdefault(record["key"], []).append(record)
        split = [key for key, records in by_key.items() if len({r["partition"] for r in records}) > 1]
        if split:
            problems.append(f"I6: {len(split)} keys of {name} on more than one partition, e.g. {split[:2]}")
        if name not in ("hotline.cases.v1", "hotline.action-outcomes.v1"):
            continue
        misordered = []
        for key, records in by_key.items():
            events, seen = [], set()
            for record in records:
                event = json.loads(record["payload"])
                if event["event_id"] not in seen:
                    seen.add(event["event_id"])
                    events.append(event)
            if name == "hotline.cases.v1":
                steps = [LIFECYCLE.index(e["type"]) for e in events if e["type"] in LIFECYCLE]
                if events[0]["type"] != "case.accepted" or steps != sorted(steps):
                    misordered.append(key)
            elif stack.flow is not None and key in stack.flow.sent:
                answered = [e["action_event_id"] for e in events]
                if answered != [i for i in stack.flow.sent[key] if i in answered]:
                    misordered.append(key)
        if misordered:
            problems.append(f"I6: {len(misordered)} keys of {name} out of order, e.g. {misordered[:2]}")
    return problems


def check_flow(stack):
    """I7: every action and callback result answered once and accepted; every case rated once."""
    flow, problems = stack.flow, []
    if flow.error:
        problems.append(f"I7: the units, centre and callback load failed: {flow.error}")
    outcomes = {}
    for outcome in stack.topic("hotline.action-outcomes.v1"):
        outcomes.setdefault(outcome["action_event_id"], set()).add((outcome["event_id"], outcome["type"]))
    sent = [i for ids in flow.sent.values() for i in ids]
    wrong = [i for i in sent if len({e for e, _ in outcomes.get(i, ())}) != 1 or {t for _, t in outcomes[i]} != {"action.accepted"}]
    if wrong:
        problems.append(f"I7: {len(wrong)} of {len(sent)} actions without exactly one accepted outcome, e.g. "
                        f"{[(i, sorted(outcomes.get(i, ()))) for i in wrong[:2]]}")
    answers = {}
    for outcome in stack.topic("hotline.callback-outcomes.v1"):
        answers.setdefault(outcome["result_event_id"], set()).add((outcome["event_id"], outcome["type"]))
    wrong = [i for i in flow.results if len({e for e, _ in answers.get(i, ())}) != 1
             or {t for _, t in answers[i]} != {"callback.result_accepted"}]
    if wrong:
        problems.append(f"I7: {len(wrong)} of {len(flow.results)} callback results without exactly one accepted outcome")
    ratings = {}
    for event in stack.topic("hotline.cases.v1"):
        if event.get("type") == "case.rated":
            ratings.setdefault(event["case_id"], set()).add(event["event_id"])
    unrated = [c for c in flow.sent if len(ratings.get(c, ())) != 1]
    if unrated:
        problems.append(f"I7: {len(unrated)} of {len(flow.sent)} cases not rated exactly once")
    return problems, {"actions": len(sent), "callback_results": len(flow.results)}


RESULT = {"handled_by": "承办单位经办人", "action_taken": "已按职责现场核查并处理，已电话告知诉求人办理结果。",
          "outcome": "resolved"}


class Lifecycle(threading.Thread):
    """The units' systems, the centre's console and the callback adapters, for every case
    dispatched when it starts: each unit signs and submits its result (unit actions), the
    centre approves it (a centre action), the citizen answers the callback (a callback
    result); each step once the step before was answered, the simulated clock moving with them."""

    def __init__(self, stack, tag):
        super().__init__(daemon=True)
        self.stack, self.tag = stack, tag
        self.acting = threading.Event()
        self.sent = {}  # case id -> its action event ids, in the order sent
        self.results = []
        self.error = None

    def run(self):
        try:
            self.play()
        except (Violation, RuntimeError, subprocess.CalledProcessError, KeyError, ValueError) as error:
            self.error = error
        finally:
            self.acting.set()

    def at(self, hours):
        return (datetime.fromisoformat(START) + timedelta(hours=hours)).isoformat()

    def clock(self, hours):
        retrying(lambda: self.stack.hotline("clock", "set", self.at(hours)), 600, "the simulated clock moves")

    def answered(self, topic, field, wanted, what):
        wait_until(lambda: set(wanted) <= {o[field] for o in self.stack.topic(topic)}, 900, what)

    def action(self, case, kind, serial, fields, signer):
        event = {"schema_version": 1, "event_id": f"chaos-{self.tag}-{serial:05d}-{kind}", "type": kind,
                 "case_id": case, **fields}
        self.sent.setdefault(case, []).append(event["event_id"])
        return case, signer, event

    def play(self):
        stack = self.stack
        leads = {e["case_id"]: e["lead_unit"]["id"] for e in stack.topic("hotline.cases.v1")
                 if e.get("type") == "case.dispatched" and e.get("round") == 1}
        cases = sorted(leads)
        self.clock(1)
        unit = {"staff_id": "chaos-staff", "occurred_at": self.at(1)}
        actions = [self.action(case, kind, n, dict(unit, unit_id=leads[case], **fields), leads[case]) for n, case in enumerate(cases)
                   for kind, fields in (("sign", {}), ("submit_result", {"result": dict(RESULT, handled_at=self.at(0.5))}))]
        stack.publish_actions("hotline.unit-actions.v1", actions)
        self.acting.set()
        self.answered("hotline.action-outcomes.v1", "action_event_id", [v["event_id"] for _, _, v in actions], "every unit action is answered")
        self.clock(6)
        centre = {"staff_id": "centre-dispatcher", "occurred_at": self.at(6), "reason": "混沌测试：审核通过"}
        approvals = [self.action(case, "approve_result", n, centre, CENTRE) for n, case in enumerate(cases)]
        stack.publish_actions("hotline.centre-actions.v1", approvals)
        self.answered("hotline.action-outcomes.v1", "action_event_id", [v["event_id"] for _, _, v in approvals], "every approval is answered")
        wait_until(lambda: set(cases) <= {t["case_id"] for t in stack.topic("hotline.callback-tasks.v1")}, 900,
                   "every approved case has its callback task")
        self.clock(7)
        results = []
        for n, task in enumerate(t for t in stack.topic("hotline.callback-tasks.v1") if t["case_id"] in leads):
            results.append((task["task_id"], task["performer"].get("unit_id", CALLBACK_DESK), {
                "schema_version": 1, "event_id": f"chaos-{self.tag}-cb-{n:05d}", "task_id": task["task_id"],
                "outcome": "answered", "rating": "satisfied", "resolved": True, "called_by": "chaos-ivr",
                "called_at": self.at(7)}))
        self.results = [value["event_id"] for _, _, value in results]
        stack.publish_actions("hotline.callback-results.v1", results)
        self.answered("hotline.callback-outcomes.v1", "result_event_id", self.results, "every callback result is answered")


def under_flow(stack, args, tag, extra=None, before=None):
    """Every worker (`extra`: settings per worker), the intake load taken in and dispatched,
    then (after `before`, a fault that must be in place first) units, the centre and
    callback adapters acting on it while a second intake load arrives. Returns once the
    units act, the moment to inject a fault, with every appeal published and what to wait for."""
    for name in WORKERS:
        stack.start(name, extra=(extra or {}).get(name))
    events = load(args, args.events, tag)
    stack.publish_valid(events)
    stack.quiesce(len(events))
    if before:
        before()
    stack.flow = Lifecycle(stack, tag)
    stack.flow.start()
    more = load(args, args.events // 2, tag + "more")
    publisher = threading.Thread(target=retrying, args=(lambda: stack.publish_valid(more), 600, "the second intake load is in"),
                                 daemon=True)
    publisher.start()
    stack.flow.acting.wait(600)
    return events + more, [publisher, stack.flow]


def finish(threads):
    for thread in threads:
        thread.join(1200)
        if thread.is_alive():
            raise Violation("the load did not finish within 20 minutes")


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


def postgres(args, action):
    subprocess.run([os.path.join(args.root, "Ops/dev"), "postgres", action, args.pg_dir], check=True, capture_output=True)


def scenario_postgres_down(stack, args):
    events, threads = under_flow(stack, args, "pgdown")
    postgres(args, "stop")
    time.sleep(120)
    postgres(args, "start")
    finish(threads)
    return events, 0, "PostgreSQL stopped 2 min while units, the centre and callbacks acted"


def scenario_postgres_hang(stack, args):
    """The workers reach PostgreSQL through a proxy that stops forwarding for 60 s: their
    connections hang (nothing refused, nothing reset), then traffic flows again."""
    port = int(stack.url.split("@127.0.0.1:")[1].split("/")[0])
    proxy = HangingProxy(port)
    stack.cleanups.append(proxy.close)
    proxied = {"DATABASE_URL": stack.url.replace(f":{port}/", f":{proxy.port}/")}
    events, threads = under_flow(stack, args, "pghang", extra={name: proxied for name in WORKERS})
    proxy.hang()
    time.sleep(60)
    proxy.resume()
    finish(threads)
    return events, 0, "PostgreSQL behind a proxy that hung every connection 60 s while units, the centre and callbacks acted"


def scenario_brokers_down(stack, args):
    events, threads = under_flow(stack, args, "brokersdown")
    for broker in (1, 2, 3):
        stack.fault(f"brokers/{broker}/down")
    time.sleep(60)
    for broker in (1, 2, 3):
        stack.fault(f"brokers/{broker}/up")
    finish(threads)
    return events, 0, "every broker down 60 s while units, the centre and callbacks acted"


def scenario_disk_full(stack, args):
    """The database's tablespace is a small tmpfs volume (see full_volume): filled to the
    last byte while the load flows, freed 30 s later."""
    events, threads = under_flow(stack, args, "diskfull")
    filler = os.path.join(args.full_volume, "filler")
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M"], capture_output=True)
    time.sleep(30)
    os.remove(filler)
    finish(threads)
    return events, 0, "the database's volume full 30 s, then freed, while units, the centre and callbacks acted"


def scenario_slow_consumer(stack, args):
    """Dispatch with a 16 KiB buffer and max.poll.interval.ms 10 s; a lock held 40 s on the
    assignments, taken before the units act, stalls its batch, its buffer fills with their
    actions, it stops polling and is put out of the group; once the lock goes, the batch
    commits, it rejoins and takes the rest."""
    slow = {"dispatch": {"HOTLINE_CONSUMER_BUFFER_BYTES": "16384", "HOTLINE_KAFKA_MAX_POLL_INTERVAL_MS": "10000",
                         "HOTLINE_KAFKA_SESSION_TIMEOUT_MS": "6000"}}
    lock = []

    def stall():
        lock.append(subprocess.Popen(["psql", stack.url, "-qAtX", "-c", "BEGIN", "-c", "LOCK TABLE assignments IN ACCESS EXCLUSIVE MODE",
                                      "-c", "SELECT pg_sleep(40)", "-c", "COMMIT"], stdout=subprocess.DEVNULL))
        time.sleep(1)
    events, threads = under_flow(stack, args, "slow", extra=slow, before=stall)
    lock[0].wait()
    finish(threads)
    log = open(os.path.join(stack.work, "dispatch.log"), encoding="utf-8", errors="replace").read().lower()
    exceeded = log.count("poll interval")
    return events, 0, (f"dispatch stalled 40 s past max.poll.interval.ms 10 s while units acted "
                       f"({exceeded} poll-interval errors, {log.count('partitions revoked')} revokes in its log)")


def scenario_oversized(stack, args):
    events, threads = under_flow(stack, args, "oversized")
    keys = [(b"k" * size, json.dumps({"n": n}).encode()) for n, size in enumerate([1025, 64_000, 500_000])]
    stack.publish_raw(keys)
    big = [(f"big-headers:{n}".encode(), json.dumps({"n": n}).encode()) for n in range(3)]
    stack.publish_raw(big, headers=[f"x-big-{h}={'v' * 100_000}" for h in range(3)])
    many = [(f"many-headers:{n}".encode(), json.dumps({"n": n}).encode()) for n in range(3)]
    stack.publish_raw(many, headers=[f"x-{h}=v" for h in range(500)])
    finish(threads)
    return events, len(keys) + len(big) + len(many), "keys of 1 KB to 500 KB, 300 KB of headers, 500 headers, while units acted"


def full_volume(args):
    """A 96 MiB tmpfs mounted for the disk-full scenario, owned by the PostgreSQL server's
    user, as a tablespace; needs root or CAP_SYS_ADMIN (mount)."""
    path = os.path.join(args.work, "full-volume")
    os.makedirs(path, exist_ok=True)
    subprocess.run(["umount", path], capture_output=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", path], capture_output=True, text=True)
    if mounted.returncode != 0:
        raise Violation(f"cannot mount a small volume for the disk-full scenario ({mounted.stderr.strip()}): run it as root")
    owner = os.stat(os.path.join(args.pg_dir, "data"))
    os.chown(path, owner.st_uid, owner.st_gid)
    psql(args.pg_url, "DROP TABLESPACE IF EXISTS chaos_full")
    psql(args.pg_url, f"CREATE TABLESPACE chaos_full LOCATION '{path}'")
    args.full_volume = path
    return "chaos_full"


def release_volume(args):
    psql(args.pg_url, "DROP DATABASE IF EXISTS chaos_postgres_disk_full WITH (FORCE)")
    psql(args.pg_url, "DROP TABLESPACE IF EXISTS chaos_full")
    subprocess.run(["umount", args.full_volume], capture_output=True)


scenario_disk_full.tablespace = (full_volume, release_volume)


def scenarios():
    table = {f"kill9-{worker}": scenario_kill9(worker) for worker in WORKERS}
    table.update({"survivor": scenario_survivor, "broker-faults": scenario_broker, "postgres-restart": scenario_postgres,
                  "rebalance": scenario_rebalance, "bad-events": scenario_bad_events, "clock-jump": scenario_clock_jump,
                  "postgres-down-2min": scenario_postgres_down, "postgres-hang": scenario_postgres_hang,
                  "brokers-down-60s": scenario_brokers_down, "postgres-disk-full": scenario_disk_full,
                  "slow-consumer": scenario_slow_consumer, "oversized-keys-headers": scenario_oversized})
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
            volume = getattr(table[name], "tablespace", None)
            try:
                stack = Stack(args, name, tablespace=volume[0](args) if volume else None)
            except (Violation, RuntimeError) as error:
                print(f"FAIL {name:<20} could not set up: {error}", flush=True)
                failed += 1
                continue
            try:
                events, bad, what = table[name](stack, args)
                stack.quiesce(len(events) + bad)
                counts, problems = check_invariants(stack, [e["event_id"] for e in events], bad)
                problems += check_order(stack)
                if stack.flow is not None:
                    flow_problems, flow_counts = check_flow(stack)
                    problems += flow_problems
                    counts.update(flow_counts)
            except (Violation, RuntimeError, subprocess.CalledProcessError, OSError) as error:
                counts, problems, what = {}, [str(error)], "did not settle"
            finally:
                stack.stop()
                if volume:
                    volume[1](args)
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
