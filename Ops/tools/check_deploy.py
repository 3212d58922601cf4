#!/usr/bin/env python3
"""Checks Ops/deploy against the code: every worker has a systemd instance and a
Kubernetes Deployment with /health and /ready probes and a PodDisruptionBudget,
workers.yaml is what render_workers.py writes, every setting the manifests give is one
the README documents, and create-topics.sh creates every topic of Topics/.
Prints one line per check; exit 1 when one fails.

Usage: check_deploy.py ROOT
"""
import os
import re
import subprocess
import sys

import yaml


def main(root):
    deploy = os.path.join(root, "Ops", "deploy")
    checks = []

    def expect(name, ok):
        checks.append((name, bool(ok)))

    runner = open(os.path.join(root, "Sources", "HotlineWorkers", "WorkerName.swift"), encoding="utf-8").read()
    workers = re.search(r"enum WorkerName[^{]*\{\s*case ([a-z, ]+)", runner).group(1).replace(" ", "").split(",")
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    documented = set(re.findall(r"^\| `([A-Z_]+)`", readme, re.M)) | {"HOTLINE_KAFKA_SECURITY_PROTOCOL", "HOTLINE_KAFKA_SASL_MECHANISMS",
                                                                      "HOTLINE_KAFKA_SASL_USERNAME", "HOTLINE_KAFKA_SASL_PASSWORD"}

    unit = open(os.path.join(deploy, "systemd", "hotline-worker@.service"), encoding="utf-8").read()
    expect("systemd: the template unit runs `hotline worker %i` and stops it with SIGTERM",
           "hotline worker %i" in unit and "KillSignal=SIGTERM" in unit)

    render = subprocess.run([sys.executable, os.path.join(deploy, "kubernetes", "render_workers.py"), "--check"])
    expect("kubernetes: workers.yaml is what render_workers.py writes", render.returncode == 0)
    documents = list(yaml.safe_load_all(open(os.path.join(deploy, "kubernetes", "workers.yaml"), encoding="utf-8")))
    deployments = {d["spec"]["template"]["spec"]["containers"][0]["args"][1]: d for d in documents if d and d["kind"] == "Deployment"}
    budgets = {d["metadata"]["name"] for d in documents if d and d["kind"] == "PodDisruptionBudget"}
    for worker in workers:
        deployment = deployments.get(worker)
        container = deployment["spec"]["template"]["spec"]["containers"][0] if deployment else {}
        expect(f"kubernetes: {worker} has a Deployment probing /health (liveness) and /ready (readiness), and a PDB",
               container.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/health"
               and container.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/ready"
               and f"hotline-{worker}" in budgets)
    for name in ("configmap.yaml", "secret.example.yaml"):
        manifest = yaml.safe_load(open(os.path.join(deploy, "kubernetes", name), encoding="utf-8"))
        settings = set((manifest.get("data") or manifest.get("stringData") or {}).keys())
        unknown = sorted(settings - documented)
        expect(f"kubernetes: {name} sets only documented settings" + (f" (not documented: {unknown})" if unknown else ""), not unknown)

    topics = sorted(t for t in os.listdir(os.path.join(root, "Topics")) if os.path.exists(os.path.join(root, "Topics", t, "topic.yaml")))
    dry_run = subprocess.run([os.path.join(deploy, "kafka", "create-topics.sh"), "--dry-run"], capture_output=True, text=True)
    created = re.findall(r"--topic (\S+)", dry_run.stdout)
    expect(f"kafka: create-topics.sh creates all {len(topics)} topics with min.insync.replicas",
           dry_run.returncode == 0 and created == topics and dry_run.stdout.count("min.insync.replicas=") == len(topics))

    for name, ok in checks:
        print(("PASS " if ok else "FAIL ") + name)
    failed = sum(not ok for _, ok in checks)
    print(f"deploy checks: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
