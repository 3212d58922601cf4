#!/usr/bin/env python3
"""The demo's handling units and hotline centre, acting on the orders the workers sent.

After the intake fixture is dispatched, this plays the units' systems and the centre's
console for a number of working days under the shared simulated clock (`hotline clock
set`): it reads every `case.dispatched` order from hotline.cases.v1 with kcat, gives each
case a scenario (from a hash of its case number: the mix is the same in every run, though
which appeal gets which number follows the order intake processed them), and
publishes the day's unit actions (10:00) and centre actions (15:00) with `hotline
publish`. Between steps it waits until every action has its outcome and the workers are
idle, so deadline sweeps and supervision climbs happen at the simulated instants.

It also plays the callback adapters (the IVR and the callback staff): each morning at
09:00 it answers the callback tasks on hotline.callback-tasks.v1 issued since, with a
rating chosen by a hash of the case number and the task's channel. Under 长沙 the first
call is automatic: some citizens never answer it, and 72 hours later their rating is
deemed 基本满意 (第二十六条); an automatic 不满意 is followed by a manual callback,
answered the next morning. Where the first call is made by a person, it is answered.

A round rated 不满意 by the person (once the demo sees its `case.rated`) then goes, in
turn, one of the ways the policy provides, so the month shows each: the centre sends it
back (发回重办; the new round is handled in 3 days and rated 满意), the unit appeals the
rating and the centre upholds it (长沙 第二十七条, counted as 基本满意) or rejects it, or
the centre closes it. A closed case is archived (归档) once no appeal can change it.

The preset decides the rest (its policy file and unit network): an action the policy
does not provide (延期 under 宜宾, the 承诺件 outside 长沙 and 宜宾) is played and
expected refused `not_provided`, the unit then reporting on time; a return goes back to
the centre for re-dispatch where no approval is needed (鄂尔多斯, 宜宾); a scenario's
督办 is expected where the policy lists its trigger and not otherwise. Returns, re-dispatches
and wrong actors use the network's first two bureaus.

The units hold sealing keys (generated into the demo's work directory and enrolled in the
directory of parties by Ops/dev before the fixture is published): at the end each unit's
system reads its work orders from hotline.work-orders.v1 with the reference client
(`hotline units orders --input`, over what kcat read) and opens them with its own key;
every unit of every dispatched round must have received and opened its order.

At the end it reads hotline.action-outcomes.v1, hotline.escalations.v1,
hotline.callback-outcomes.v1 and the `case.rated`, appeal, `case.reopened` and
`case.archived` events and checks that each scenario ended as the preset's regulation
says: refused actions with the expected reason code, 督办 opened, climbed and closed for
the late ones, every resolved case rated once as its citizen answered. Exit status 1
when a check fails.

Usage: demo_units.py --hotline BIN --brokers BOOTSTRAP --calendars DIR --policy-file YAML --routing-file YAML
                     --start YYYY-MM-DD --days N --work DIR --keys DIR
"""
import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

import yaml

# Scenario shares, out of 100 (by a hash of the case number).
SCENARIOS = [
    (55, "prompt"),        # signs on the day, reports in 2 working days, result approved
    (10, "extension"),     # 延期 requested on day 1 and approved (长沙 第二十条、第二十一条), reports after the original deadline
    (7, "returned"),       # 退回 on the day of signing (inside every preset's window), re-dispatched to a bureau
    (6, "committed"),      # interim reply with a committed date, told to the caller (长沙 第二十二条（二）; 宜宾 承诺件): reports by that date
    (8, "late_sign"),      # does not sign for 5 working days: sign clock overdue, 督办 not_signed, closed on signing
    (8, "never_handled"),  # signs, never reports: handling overdue, 督办 climbs the ladder
    (4, "rejected"),       # result rejected by the centre (发回重办), 督办 result_rejected, closed when approved
    (2, "wrong_actor"),    # another unit tries to sign; a return asked after the window: both refused
]
# How the citizen answers, out of 100 (by a hash of the case number): to an automatic call,
# and to a person (the first call where a person makes it, or the manual call after an
# automatic 不满意).
CALLBACK_ANSWERS = [
    (50, "satisfied", "satisfied"),
    (20, "basically_satisfied", "basically_satisfied"),
    (10, "dissatisfied", "basically_satisfied"),
    (5, "dissatisfied", "dissatisfied"),
    (15, None, "basically_satisfied"),  # never answers a machine: deemed 基本满意 after 72 hours under 长沙
]
# An urgent appeal is due the same day (第十九条 urgent: same_day): signed and answered that morning.
URGENT = "urgent"
# The party ids Ops/dev enrols for the centre's console and its callback desk (IVR, SMS, seats).
CENTRE = "centre"
CALLBACK_DESK = "callback-desk"
# What the centre and the unit do with a round rated 不满意 twice, in turn by case number.
AFTER_DISSATISFIED = ["reopen", "appeal_upheld", "appeal_rejected", "reopen", "close"]
RESULT = {
    "handled_by": "承办单位经办人",
    "action_taken": "已按职责现场核查并处理，已电话告知诉求人办理结果。",
    "outcome": "resolved",
}


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def share_of(case_number, shares, salt=""):
    bucket = int(hashlib.sha256((salt + case_number).encode()).hexdigest()[:8], 16) % 100
    for entry in shares:
        if bucket < entry[0]:
            return entry
        bucket -= entry[0]
    raise AssertionError("shares must add up to 100")


def scenario_of(case_number):
    return share_of(case_number, SCENARIOS)[1]


def callback_answers_of(case_number):
    return share_of(case_number, CALLBACK_ANSWERS, salt="callback:")[1:]


class Demo:
    def __init__(self, args):
        self.args = args
        # The working days as the workers count them (weekends, holidays, 调休, provisional years).
        self.days = [datetime.date.fromisoformat(day) for day in self.hotline(
            "calendar", "working-days", args.start, "--count", str(args.days + 25), "--calendar-dir", args.calendars).split()]
        self.published = 0
        self.expected = Counter()  # (action type, "accepted" | reason code) -> count
        self.plan = defaultdict(list)  # (day, "units" | "centre") -> [(key, signer, value)]
        self.cases = {}
        self.serial = 0
        self.answered_tasks = set()
        self.expected_ratings = Counter()  # (rating, source, channel) -> count, from the answers given
        self.unanswered = []  # automatic callback tasks the citizen let ring
        self.follow_ups = 0  # manual callbacks the domain owes after an automatic 不满意
        self.reopened = set()  # case numbers sent back after a 不满意: the new round is rated 满意
        self.first_round = {}  # case number -> the round of its first callback task
        self.after = Counter()  # what became of the rounds rated 不满意, by way
        self.followed = set()  # case ids whose 不满意 is taken care of
        policy = load_yaml(args.policy_file)
        lifecycle = policy["lifecycle"]
        # What the preset provides, as its policy file says; the workers refuse the rest `not_provided`.
        self.provides = {
            "extension": lifecycle["extensions"].get("allowed", True),
            "interim_reply": lifecycle["interim_reply"]["allowed"],
            # 宜宾's 承诺件 makes the committed date the deadline; 长沙's interim reply moves none (第二十条).
            "committed_deadline": lifecycle["interim_reply"].get("moves_deadline", False),
            "return_approval": lifecycle["returns"]["approver"] != "none",
            "rating_appeal": "rating_appeals" in policy,
        }
        self.triggers = {t["trigger"] for t in policy["supervision"]["triggers"]}
        self.deemed = policy["callbacks"].get("unanswered") == "basically_satisfied"
        self.ways = [way for way in AFTER_DISSATISFIED if self.provides["rating_appeal"] or not way.startswith("appeal")]
        self.bureaus = [u["id"] for u in load_yaml(args.routing_file)["units"] if u["level"] == "bureau"][:2]

    # ---------------------------------------------------------------- tools
    def hotline(self, *arguments):
        return subprocess.run([self.args.hotline, *arguments], check=True, capture_output=True, text=True).stdout

    def topic(self, name):
        out = subprocess.run(
            # The mock cluster answers the last, empty fetch only after fetch.wait.max.ms (500 ms by default).
            ["kcat", "-C", "-b", self.args.brokers, "-X", "fetch.wait.max.ms=10", "-t", name, "-e", "-q", "-f", "%s\n"],
            check=True, capture_output=True, text=True).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def at(self, day, clock):
        return f"{self.days[day].isoformat()}T{clock}+08:00"

    # ---------------------------------------------------------------- the plan
    def action(self, day, actor, case, kind, fields, expect="accepted", unit=None):
        """Plans an action; one past the last simulated day is not played (Ops/dev test's short run)."""
        if day >= self.args.days:
            return
        self.serial += 1
        value = {
            "schema_version": 1,
            "event_id": f"demo:{case['number']}:{self.serial:05d}",
            "type": kind,
            "case_id": case["id"],
            "staff_id": "demo-staff" if actor == "units" else "centre-dispatcher",
            "occurred_at": self.at(day, "10:00:00" if actor == "units" else "15:00:00"),
        }
        if actor == "units":
            value["unit_id"] = unit or case["lead"]
        value.update(fields)
        # A unit's system signs as the unit it acts for; the centre's console as the centre.
        self.plan[(day, actor)].append((case["id"], value["unit_id"] if actor == "units" else CENTRE, value))
        self.expected[(kind, expect)] += 1

    def result(self, day):
        return {"result": dict(RESULT, handled_at=self.at(day, "09:30:00"))}

    def schedule(self, case):
        unit, centre = "units", "centre"
        name = case["scenario"]
        reason = {"reason": "演示：审核意见"}
        if name == URGENT:
            self.action(0, unit, case, "sign", {})
            self.action(0, unit, case, "submit_result", self.result(0))
            self.action(0, centre, case, "approve_result", reason)
        elif name == "prompt":
            self.action(0, unit, case, "sign", {})
            self.reported(case, 2)
        elif name == "extension":
            until = self.days[12].isoformat()
            self.action(0, unit, case, "sign", {})
            if not self.provides["extension"]:
                self.action(1, unit, case, "request_extension", {"reason": "需多部门联合核查，申请延期办理。", "until": until},
                            expect="not_provided")
                self.reported(case, 2)
                return
            self.action(1, unit, case, "request_extension", {"reason": "需多部门联合核查，申请延期办理。", "until": until})
            self.action(2, centre, case, "approve_extension", dict(reason, until=until))
            self.reported(case, 11)
        elif name == "returned":
            bureau = self.other_bureau(case["lead"])
            self.action(0, unit, case, "sign", {})
            self.action(0, unit, case, "request_return", {"reason": "该诉求不属于本单位职责，申请退回重新派单。"})
            if self.provides["return_approval"]:
                self.action(0, centre, case, "approve_return", dict(reason, redispatch={"lead_unit": bureau}))
            else:
                self.action(0, centre, case, "redispatch", dict(reason, redispatch={"lead_unit": bureau}))
            case["final_lead"] = bureau
            self.action(1, unit, case, "sign", {}, unit=bureau)
            self.reported(case, 3, unit=bureau)
        elif name == "committed":
            progress = {"progress": "已现场核查，需协调相关部门，承诺按期办结。", "committed_date": self.days[14].isoformat()}
            self.action(0, unit, case, "sign", {})
            if not self.provides["interim_reply"]:
                self.action(1, unit, case, "interim_reply", progress, expect="not_provided")
                self.reported(case, 2)
                return
            if not self.provides["committed_deadline"]:
                # The reply moves no deadline (长沙 第二十条), so the date named lies inside the
                # shortest handling limit (咨询, 3 working days).
                progress["committed_date"] = self.days[2].isoformat()
                self.action(1, unit, case, "interim_reply", progress)
                self.reported(case, 2)
                return
            self.action(3, unit, case, "interim_reply", progress)
            self.reported(case, 13)
        elif name == "late_sign":
            self.action(5, unit, case, "sign", {})
            self.reported(case, 7)
        elif name == "never_handled":
            self.action(0, unit, case, "sign", {})
        elif name == "rejected":
            self.action(0, unit, case, "sign", {})
            self.action(2, unit, case, "submit_result", self.result(2))
            self.action(3, centre, case, "reject_result", {"reason": "回访中诉求人表示问题仍未解决，发回重办。"})
            self.action(5, unit, case, "submit_result", self.result(5))
            self.action(6, centre, case, "approve_result", reason)
        elif name == "wrong_actor":
            self.action(0, unit, case, "sign", {}, expect="not_assigned_unit", unit=self.other_bureau(case["lead"]))
            self.action(0, unit, case, "sign", {})
            self.action(5, unit, case, "request_return", {"reason": "申请退回。"}, expect="window_closed")
            self.reported(case, 6)

    def reported(self, case, day, unit=None):
        """The unit submits its result on `day`, the centre approves it the day after."""
        self.action(day, "units", case, "submit_result", self.result(day), unit=unit or case.get("final_lead"))
        self.action(day + 1, "centre", case, "approve_result", {"reason": "演示：审核意见"})

    def other_bureau(self, unit):
        return self.bureaus[0] if unit != self.bureaus[0] else self.bureaus[1]

    def after_dissatisfied(self, day):
        """Each round a person rated 不满意 since the last look: from this day's 10:00 the
        unit may appeal, the centre decide."""
        ratings = [e for e in self.topic("hotline.cases.v1") if e.get("type") == "case.rated"
                   and e["rating"] == "dissatisfied" and e["case_id"] in self.cases and e["case_id"] not in self.followed]
        for event in sorted(ratings, key=lambda e: self.cases[e["case_id"]]["number"]):
            case = self.cases[event["case_id"]]
            self.followed.add(case["id"])
            way = self.ways[sum(self.after.values()) % len(self.ways)]
            # An urgent round is due the same day; the demo's units act the morning after.
            if way == "reopen" and (day + 4 >= self.args.days or case["scenario"] == URGENT):
                way = "close"
            unit = case.get("final_lead", case["lead"])
            if day + 1 >= self.args.days:
                continue
            case["after"] = way
            self.after[way] += 1
            close = {"reason": "演示：回访不满意，已尽职责，结案。"}
            if way == "reopen":
                self.action(day, "centre", case, "reopen", {"reason": "演示：诉求合理，发回重办。"})
                self.action(day + 1, "units", case, "sign", {}, unit=unit)
                self.action(day + 2, "units", case, "submit_result", self.result(day + 2), unit=unit)
                self.action(day + 3, "centre", case, "approve_result", {"reason": "演示：审核意见"})
                self.reopened.add(case["number"])
            elif way.startswith("appeal"):
                ground = "recording_mismatch" if way == "appeal_upheld" else "new_demand"
                self.action(day, "units", case, "appeal_rating", {
                    "ground": ground, "statement": "演示：申请满意度申诉。", "evidence": [f"demo-recording:{case['number']}"]}, unit=unit)
                self.action(day + 1, "units", case, "appeal_rating", {
                    "ground": ground, "statement": "演示：重复申诉。", "evidence": ["demo"]}, expect="no_change", unit=unit)
                if way == "appeal_upheld":
                    self.action(day, "centre", case, "uphold_appeal", {
                        "reason": "演示：核听录音，申诉成立。", "assessed_rating": "basically_satisfied"})
                else:
                    self.action(day, "centre", case, "reject_appeal", {"reason": "演示：申诉理由不成立。"})
                self.action(day + 1, "centre", case, "close_case", close)
            else:
                self.action(day, "centre", case, "close_case", close)

    # ---------------------------------------------------------------- running
    def answer_callbacks(self, day):
        """The IVR and the callback staff answer the tasks issued since the last morning."""
        results = []
        for task in self.topic("hotline.callback-tasks.v1"):
            if task["task_id"] in self.answered_tasks:
                continue
            self.answered_tasks.add(task["task_id"])
            to_machine, to_person = callback_answers_of(task["case_number"])
            first_round = self.first_round.setdefault(task["case_number"], task["round"])
            if task["case_number"] in self.reopened and task["round"] > first_round:
                rating = "satisfied"
            else:
                rating = to_person if task["channel"] == "manual" else to_machine
            if rating is None:
                self.unanswered.append(task)
                continue
            self.expect_rating(task, rating)
            self.serial += 1
            # Only the task's performer reports its result: the unit where it calls back (宜宾), else the callback desk.
            performer = task["performer"].get("unit_id", CALLBACK_DESK)
            results.append((task["task_id"], performer, {
                "schema_version": 1, "event_id": f"demo-callback:{self.serial:05d}", "task_id": task["task_id"],
                "outcome": "answered", "rating": rating, "resolved": rating != "dissatisfied",
                "called_by": "demo-ivr" if task["channel"] != "manual" else "demo-callback-staff",
                "called_at": self.at(day, "09:00:00"),
            }))
        if results:
            self.publish("hotline.callback-results.v1", results)
        return len(results)

    def expect_rating(self, task, rating):
        """A person's answer is the round's rating; so is an automatic call's, but for a
        不满意, after which a person calls again (长沙 第二十六条)."""
        if task["channel"] != "manual" and rating == "dissatisfied":
            self.follow_ups += 1
        else:
            self.expected_ratings[(rating, "caller", task["channel"])] += 1

    def expect_silences(self):
        """An automatic call left unanswered past its window: deemed 基本满意 where the policy
        says so, else a person calls again."""
        end = datetime.datetime.fromisoformat(self.at(self.args.days - 1, "15:00:00"))
        for task in self.unanswered:
            if task.get("answer_by") and datetime.datetime.fromisoformat(task["answer_by"]) < end:
                if self.deemed:
                    self.expected_ratings[("basically_satisfied", "deemed", task["channel"])] += 1
                else:
                    self.follow_ups += 1

    def settle(self, what):
        """Waits until the workers are idle (`hotline status --wait-idle`): every consumer group
        caught up with its topics' ends (the demo's own actions included: `hotline publish`
        returns once they are on Kafka, so each has its outcome once its worker caught up), the
        outbox empty, no clock due but unannounced, and nothing moved for half a second.
        Counting the outcomes instead raced on a slow machine: a worker could still be deciding
        an event the relay had already published (a callback task issued seconds late was first
        seen after a weekend, past its answer window). One waiting process per step: polling
        `hotline status` and `hotline summary` twice a second spent five demos' CPU side by side
        (Ops/dev test) on starting processes."""
        # Exit 1 also means a warning (the calendar's horizon): the JSON and the error say whether it settled.
        waited = subprocess.run([self.args.hotline, "status", "--format", "json", "--wait-idle", "180"],
                                capture_output=True, text=True)
        try:
            settled = json.loads(waited.stdout)["idle"] and "did not settle" not in waited.stderr
        except (ValueError, KeyError, TypeError):
            settled = False
        if not settled:
            sys.exit(f"demo_units: timed out waiting for the workers after {what}")

    def publish(self, topic, actions):
        """Publishes (key, signer, value) lines, each signed by its signer's key (docs/CONTRACTS.md "Signed messages")."""
        path = os.path.join(self.args.work, f"{topic}-{self.published}.jsonl")
        with open(path, "w", encoding="utf-8") as out:
            for key, signer, value in actions:
                out.write(json.dumps({"key": key, "value": value, "sign_as": signer}, ensure_ascii=False) + "\n")
        self.hotline("publish", "--topic", topic, "--key-dir", self.args.key_dir, path)
        self.published += len(actions)

    def run(self):
        events = self.topic("hotline.cases.v1")
        urgent = {e["case_id"] for e in events if e.get("type") == "case.accepted" and e.get("urgent")}
        for event in events:
            if event.get("type") == "case.dispatched" and event.get("round") == 1:
                self.cases[event["case_id"]] = {
                    "id": event["case_id"], "number": event["case_number"], "lead": event["lead_unit"]["id"]}
        for case in sorted(self.cases.values(), key=lambda c: c["number"]):
            case["scenario"] = URGENT if case["id"] in urgent else scenario_of(case["number"])
            self.schedule(case)
        by_scenario = Counter(case["scenario"] for case in self.cases.values())
        print(f"{len(self.cases)} dispatched orders; scenarios: "
              + ", ".join(f"{name} {by_scenario[name]}" for name in [URGENT] + [n for _, n in SCENARIOS]), flush=True)
        for day in range(self.args.days):
            self.hotline("clock", "set", self.at(day, "09:00:00"))
            # What the night's deadlines set off (a silence deemed, a follow-up call) is out before the morning's calls.
            self.settle(f"{self.days[day]} 09:00 (the night's deadlines)")
            callbacks = self.answer_callbacks(day)
            self.settle(f"{self.days[day]} 09:00 ({callbacks} callback results)")
            self.after_dissatisfied(day)
            for actor, clock, topic in (("units", "10:00:00", "hotline.unit-actions.v1"),
                                        ("centre", "15:00:00", "hotline.centre-actions.v1")):
                self.hotline("clock", "set", self.at(day, clock))
                actions = self.plan.get((day, actor), [])
                if actions:
                    self.publish(topic, actions)
                self.settle(f"{self.days[day]} {clock} ({len(actions)} {actor} actions)")
            print(f"  {self.days[day]}: {callbacks} callback results, {len(self.plan.get((day, 'units'), []))} unit actions, "
                  f"{len(self.plan.get((day, 'centre'), []))} centre actions", flush=True)
        print("rated 不满意 by the citizen: " + ", ".join(f"{way} {self.after[way]}" for way in dict.fromkeys(self.ways)), flush=True)
        return self.check()

    # ---------------------------------------------------------------- checks
    def check(self):
        outcomes = Counter()
        for outcome in self.topic("hotline.action-outcomes.v1"):
            answer = "accepted" if outcome["type"] == "action.accepted" else outcome.get("reason_code")
            outcomes[(outcome["action_type"], answer)] += 1
        escalations = defaultdict(list)
        # A unit's supervision (巴林左旗 low_rates, knowledge_late) names no case.
        for event in self.topic("hotline.escalations.v1"):
            if "case_id" in event:
                escalations[event["case_id"]].append((event["type"], event["trigger"]))

        checks = []

        def expect(name, condition):
            checks.append((name, condition))

        print("\nUnit and centre actions, by outcome")
        for key in sorted(set(outcomes) | set(self.expected)):
            print(f"  {key[0]:<18} {key[1]:<18} {outcomes[key]:>4}  (expected {self.expected[key]})")
            expect(f"{key[0]} {key[1]}: {outcomes[key]} == {self.expected[key]}", outcomes[key] == self.expected[key])

        def cases(scenario):
            return [c for c in self.cases.values() if c["scenario"] == scenario]

        def all_cases(scenario, description, test):
            members = cases(scenario)
            failing = [c["number"] for c in members if not test(escalations[c["id"]])]
            expect(f"{scenario} ({len(members)} cases): {description}" + (f"; not so for {failing[:5]}" if failing else ""),
                   not failing)

        if "not_signed" in self.triggers:
            all_cases("late_sign", "not_signed 督办 opened, climbed and closed when signed", lambda e: (
                ("supervision.opened", "not_signed") in e and ("supervision.climbed", "not_signed") in e
                and ("supervision.closed", "not_signed") in e))
        else:
            all_cases("late_sign", "no not_signed 督办 (the policy lists no such trigger)", lambda e: (
                not any(trigger == "not_signed" for _, trigger in e)))
        all_cases("never_handled", "overdue 督办 opened and climbed, still open", lambda e: (
            ("supervision.opened", "overdue") in e and ("supervision.climbed", "overdue") in e
            and ("supervision.closed", "overdue") not in e))
        if "result_rejected" in self.triggers:
            all_cases("rejected", "result_rejected 督办 opened and closed", lambda e: (
                ("supervision.opened", "result_rejected") in e and ("supervision.closed", "result_rejected") in e))
        else:
            all_cases("rejected", "no result_rejected 督办 (the policy lists no such trigger)", lambda e: (
                not any(trigger == "result_rejected" for _, trigger in e)))
        for scenario in (URGENT, "prompt", "extension", "committed", "returned"):
            all_cases(scenario, "no overdue or not_signed 督办", lambda e: not any(
                trigger in ("overdue", "not_signed") for _, trigger in e))

        self.expect_silences()
        refused = [o for o in self.topic("hotline.callback-outcomes.v1") if o["type"] != "callback.result_accepted"]
        expect(f"every callback result accepted ({len(refused)} refused)", not refused)
        follow_ups = sum(1 for task in self.topic("hotline.callback-tasks.v1") if task["attempt"] > 1)
        expect(f"a person calls after an automatic 不满意 or silence: {follow_ups} == {self.follow_ups}", follow_ups == self.follow_ups)
        ratings = Counter((e["rating"], e["source"], e["channel"])
                          for e in self.topic("hotline.cases.v1") if e.get("type") == "case.rated")
        print("\nCallbacks (回访), rounds rated by rating, source and channel")
        for key in sorted(set(ratings) | set(self.expected_ratings)):
            print(f"  {key[0]:<20} {key[1]:<7} {key[2]:<15} {ratings[key]:>4}  (expected {self.expected_ratings[key]})")
            expect(f"rated {key}: {ratings[key]} == {self.expected_ratings[key]}", ratings[key] == self.expected_ratings[key])

        steps = Counter(e["type"] for e in self.topic("hotline.cases.v1"))
        print("\nAfter a 不满意 (第二十七条, 第三十三条) and 归档")
        for kind, planned in (("case.reopened", self.after["reopen"]),
                              ("case.rating_appealed", self.after["appeal_upheld"] + self.after["appeal_rejected"]),
                              ("case.appeal_upheld", self.after["appeal_upheld"]),
                              ("case.appeal_rejected", self.after["appeal_rejected"])):
            print(f"  {kind:<22} {steps[kind]:>4}  (planned {planned})")
            expect(f"{kind}: {steps[kind]} == {planned}", steps[kind] == planned)
        print(f"  {'case.closed':<22} {steps['case.closed']:>4}")
        print(f"  {'case.archived':<22} {steps['case.archived']:>4}")
        expect(f"closed cases are archived once no appeal can change them ({steps['case.archived']} archived)",
               0 < steps["case.archived"] <= steps["case.closed"])
        archived = next(e for e in reversed(self.topic("hotline.cases.v1")) if e["type"] == "case.archived")
        record = json.loads(self.hotline("archive", "--case-number", archived["case_number"]))
        expect(f"the archive of {archived['case_number']} holds its history ({len(record['record']['history'])} entries)",
               len(record["record"]["history"]) >= 5)

        self.check_work_orders(expect)

        failed = [name for name, ok in checks if not ok]
        for name in failed:
            print(f"FAIL {name}")
        print(f"\nLifecycle checks: {len(checks) - len(failed)} passed, {len(failed)} failed")
        return 1 if failed else 0


    def check_work_orders(self, expect):
        """Every unit of every dispatched round received its work order and opened it with its own key."""
        rounds = {(e["case_number"], e["round"], unit["id"])
                  for e in self.topic("hotline.cases.v1") if e.get("type") == "case.dispatched"
                  for unit in [e["lead_unit"]] + e["co_units"]}
        out = subprocess.run(
            ["kcat", "-C", "-b", self.args.brokers, "-X", "fetch.wait.max.ms=10", "-t", "hotline.work-orders.v1", "-e", "-q", "-f", "%s\n"],
            check=True, capture_output=True, text=True).stdout
        orders_file = os.path.join(self.args.work, "work-orders.jsonl")
        with open(orders_file, "w", encoding="utf-8") as f:
            f.write(out)
        orders = [json.loads(line) for line in out.splitlines() if line.strip()]
        opened, withheld = set(), 0
        for unit in sorted({order["unit_id"] for order in orders}):
            key = os.path.join(self.args.key_dir, f"{unit}.sealing.key")
            read = subprocess.run([self.args.hotline, "units", "orders", "--unit", unit, "--key", key, "--input", orders_file,
                                   "--format", "json"], capture_output=True, text=True)
            expect(f"unit {unit} opened every order addressed to it ({read.stderr.strip()})", read.returncode == 0)
            for line in read.stdout.splitlines():
                shown = json.loads(line)
                if shown["content"] is None:
                    withheld += 1
                elif shown["content"]["content"]:
                    opened.add((shown["order"]["case_number"], shown["order"]["round"], unit))
        missing = sorted(rounds - opened)
        print(f"\nWork orders (hotline.work-orders.v1): {len(orders)} issued, {len(opened)} opened by their units, {withheld} withheld")
        expect(f"every unit of every dispatched round opened its work order: {len(rounds - set(missing))} of {len(rounds)}"
               + (f"; not so for {missing[:5]}" if missing else ""), not missing)
        expect(f"no work order withheld for want of a sealing key ({withheld})", withheld == 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hotline", required=True)
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--calendars", required=True)
    parser.add_argument("--policy-file", required=True, help="the preset's policy, Ops/policies/<id>.yaml")
    parser.add_argument("--routing-file", required=True, help="the preset's unit network, Ops/routing/<network>.yaml")
    parser.add_argument("--start", required=True, help="first simulated working day, YYYY-MM-DD")
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--work", required=True, help="directory for the published action files")
    parser.add_argument("--key-dir", required=True,
                        help="the parties' private keys (hotline parties keys issue): <party>.signing.key to sign, <unit>.sealing.key to open work orders")
    sys.exit(Demo(parser.parse_args()).run())


if __name__ == "__main__":
    main()
