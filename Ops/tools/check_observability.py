#!/usr/bin/env python3
"""Checks the alert rules and the Grafana dashboard against the workers and the runbook:
promtool accepts the rules and passes their unit tests, every alert has a test where it
fires and one where it stays silent, a summary, a description and a runbook_url whose
anchor is in Ops/RUNBOOK.md; the dashboard is JSON with a datasource variable every panel
uses, and every panel's PromQL parses; every rule and panel names only series the workers
and the progress lookup declare (WorkerMetrics.swift, Lookup/LookupMetrics.swift) or, with --exported, only series
found in the given /metrics text of a running stack.
Prints one line per check naming the file and the rule or panel at fault; exit 1 when one fails.

Usage: check_observability.py ROOT [--rules FILE] [--dashboard FILE] [--exported METRICS_TEXT]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

from checklist import Checklist

PROMQL_KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan"}
# What Grafana puts in place of its own variables before Prometheus sees a query.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


def metric_names(expr):
    """The metric names a PromQL expression selects: identifiers that are not functions,
    keywords, labels, durations or strings."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        before = expr[match.start() - 1] if match.start() else " "
        if before.isdigit() or before in ".$" or match.group(0).lower() in PROMQL_KEYWORDS:
            continue
        if expr[match.end():].lstrip().startswith("("):
            continue
        names.add(match.group(0))
    return names


def declared_series(root):
    """The series WorkerMetrics.swift and the progress lookup's LookupMetrics.swift declare;
    a histogram's as its _bucket, _sum and _count."""
    source = open(os.path.join(root, "Sources", "HotlineWorkers", "WorkerMetrics.swift"), encoding="utf-8").read()
    lookup = open(os.path.join(root, "Sources", "HotlineWorkers", "Lookup", "LookupMetrics.swift"), encoding="utf-8").read()
    names = set(re.findall(r'name\(\s*"(hotline_[a-z_]+)"', source)) | set(re.findall(r'metricName: "(hotline_[a-z_]+)"', lookup))
    histograms = set(re.findall(r'make(?:Value|Duration)Histogram\(\s*descriptor: name\("(hotline_[a-z_]+)"', source))
    return (names - histograms) | {h + suffix for h in histograms for suffix in ("_bucket", "_sum", "_count")}


def exported_series(path):
    """Sample names in a Prometheus text exposition."""
    text = open(path, encoding="utf-8").read()
    return {re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line).group(0) for line in text.splitlines() if line and not line.startswith("#")}


def runbook_anchors(root):
    text = open(os.path.join(root, "Ops", "RUNBOOK.md"), encoding="utf-8").read()
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    for heading in re.findall(r"^#+ (.+)$", text, re.M):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return anchors


def shown(path, root):
    """A path as the checks name it: relative to the checkout when inside it."""
    relative = os.path.relpath(path, root)
    return path if relative.startswith("..") else relative


def promtool(*arguments):
    run = subprocess.run(["promtool", *arguments], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return run.returncode, run.stdout.strip()


def top_rungs(root):
    """The last level of each shipped policy's supervision ladder."""
    rungs = set()
    for path in sorted(glob.glob(os.path.join(root, "Ops", "policies", "*.yaml"))):
        ladder = (yaml.safe_load(open(path, encoding="utf-8")).get("supervision") or {}).get("ladder") or []
        if ladder:
            rungs.add(ladder[-1]["code"])
    return rungs


def check_rules(root, path, known, source, expect):
    name = shown(path, root)
    status, output = promtool("check", "rules", path)
    expect(f"{name}: promtool check rules" + ("" if status == 0 else f"\n{output}"), status == 0)
    if status != 0:
        return
    tests = sorted(glob.glob(os.path.join(root, "Ops", "deploy", "prometheus", "tests", "*.yaml")))
    status, output = promtool("test", "rules", *tests)
    expect(f"Ops/deploy/prometheus/tests: promtool test rules ({len(tests)} files)" + ("" if status == 0 else f"\n{output}"), status == 0)
    fires, silent = set(), set()
    for test_file in tests:
        for test in yaml.safe_load(open(test_file, encoding="utf-8"))["tests"]:
            for case in test.get("alert_rule_test", []):
                (fires if case.get("exp_alerts") else silent).add(case["alertname"])
    anchors = runbook_anchors(root)
    rules = [rule for group in yaml.safe_load(open(path, encoding="utf-8"))["groups"] for rule in group["rules"]]
    for rule in rules:
        alert = rule.get("alert")
        if not alert:
            continue
        annotations = rule.get("annotations") or {}
        url = annotations.get("runbook_url", "")
        anchor = url.partition("Ops/RUNBOOK.md#")[2]
        unknown = sorted(metric_names(rule["expr"]) - known)
        expect(f"{name}: {alert} has a test where it fires and one where it stays silent", alert in fires and alert in silent)
        expect(f"{name}: {alert} has a summary and a description", annotations.get("summary") and annotations.get("description"))
        expect(f"{name}: {alert} runbook_url points to an anchor of Ops/RUNBOOK.md" + (f" (not found: {url!r})" if anchor not in anchors else ""),
               anchor in anchors)
        expect(f"{name}: {alert} names only series {source}" + (f" (not: {', '.join(unknown)})" if unknown else ""), not unknown)
    piling = next((rule["expr"] for rule in rules if rule.get("alert") == "SupervisionPiling"), "")
    listed = {level for levels in re.findall(r'level=~"([^"]+)"', piling) for level in levels.split("|")}
    expect(f"{name}: SupervisionPiling watches the top rung of every ladder in Ops/policies ({', '.join(sorted(top_rungs(root)))})",
           listed == top_rungs(root))


def panels_of(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def check_dashboard(root, path, known, source, expect):
    name = shown(path, root)
    try:
        dashboard = json.load(open(path, encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        expect(f"{name}: not a JSON dashboard: {error}", False)
        return
    variables = dashboard.get("templating", {}).get("list", [])
    expect(f"{name}: a datasource variable `datasource` of Prometheus data sources",
           any(v.get("name") == "datasource" and v.get("type") == "datasource" and v.get("query") == "prometheus" for v in variables))
    queries = []
    for panel in panels_of(dashboard):
        if panel.get("type") == "row":
            continue
        title = f'panel {panel.get("id")} "{panel.get("title", "")}"'
        targets = panel.get("targets") or []
        sources = [panel.get("datasource")] + [t.get("datasource") for t in targets]
        expect(f"{name}: {title} has queries, all on ${{datasource}}",
               targets and all(s == {"type": "prometheus", "uid": "${datasource}"} for s in sources) and all(t.get("expr") for t in targets))
        for target in targets:
            expr = target.get("expr") or ""
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value)
            queries.append((title, target.get("refId", "?"), expr))
            unknown = sorted(metric_names(expr) - known)
            expect(f"{name}: {title} query {target.get('refId')} names only series {source}" + (f" (not: {', '.join(unknown)})" if unknown else ""),
                   not unknown)
    # promtool parses each query as a recording rule in a group named after its panel.
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as rules:
        yaml.safe_dump({"groups": [{"name": f"{title} query {ref}", "rules": [{"record": "dashboard:query", "expr": expr}]}
                                   for title, ref, expr in queries]}, rules, allow_unicode=True)
    status, output = promtool("check", "rules", "--lint=none", rules.name)
    os.unlink(rules.name)
    expect(f"{name}: every panel's PromQL parses" + ("" if status == 0 else "\n" + output.replace(rules.name, name)), status == 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--rules", help="the rules file (default Ops/deploy/prometheus/hotline-alerts.yaml)")
    parser.add_argument("--dashboard", help="the dashboard (default Ops/deploy/grafana/hotline.json)")
    parser.add_argument("--exported", help="/metrics text of a running stack: check names against it instead of WorkerMetrics.swift")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    checklist = Checklist()
    expect = checklist.expect

    known, source = (exported_series(args.exported), "a running stack exports") if args.exported else (declared_series(root), "WorkerMetrics.swift declares")
    check_rules(root, os.path.abspath(args.rules or os.path.join(root, "Ops", "deploy", "prometheus", "hotline-alerts.yaml")), known, source, expect)
    check_dashboard(root, os.path.abspath(args.dashboard or os.path.join(root, "Ops", "deploy", "grafana", "hotline.json")), known, source, expect)
    return checklist.report("observability")


if __name__ == "__main__":
    sys.exit(main())
