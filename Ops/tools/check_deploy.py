#!/usr/bin/env python3
"""Checks Ops/deploy against the code: every worker has a systemd instance and a
Kubernetes Deployment with /health and /ready probes and a PodDisruptionBudget,
workers.yaml is what render_workers.py writes, the autoscalers are what
render_autoscaling.py writes and none scales a worker past its topics' partitions (the
relay past its 16 shards), every setting the manifests give is one
the README documents, create-topics.sh creates every topic of Topics/, the Kafka
ACLs (create-acls.sh from acls.yaml) cover every topic and what the workers' code
consumes and publishes, and the progress lookup runs as its own process (systemd unit,
Kubernetes Deployment, Service and PDB) with its own login and secret and none of the
workers' keys.
Prints one line per check; exit 1 when one fails.

Usage: check_deploy.py ROOT
"""
import os
import re
import subprocess
import sys

import yaml

from checklist import Checklist

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "deploy", "kubernetes"))
from render_autoscaling import relay_shards  # noqa: E402


def check_autoscaling(deploy, root, deployments, expect):
    """Each autoscaler targets a worker's Deployment, and none scales past what the worker can
    use: a consumer group past the partitions of its largest topic, the relay past 16 shards."""
    render = subprocess.run([sys.executable, os.path.join(deploy, "kubernetes", "render_autoscaling.py"), "--check"])
    expect("kubernetes: autoscaling-keda.yaml and autoscaling-hpa.yaml are what render_autoscaling.py writes", render.returncode == 0)
    partitions = {}
    for name in os.listdir(os.path.join(root, "Topics")):
        path = os.path.join(root, "Topics", name, "topic.yaml")
        if os.path.exists(path):
            topic = yaml.safe_load(open(path, encoding="utf-8"))
            partitions[topic["name"]] = topic["partitions"]
    keda = [d for d in yaml.safe_load_all(open(os.path.join(deploy, "kubernetes", "autoscaling-keda.yaml"), encoding="utf-8")) if d]
    hpa = {d["spec"]["scaleTargetRef"]["name"]: d["spec"]["maxReplicas"]
           for d in yaml.safe_load_all(open(os.path.join(deploy, "kubernetes", "autoscaling-hpa.yaml"), encoding="utf-8")) if d}
    for scaled in (d for d in keda if d["kind"] == "ScaledObject"):
        name, spec = scaled["metadata"]["name"], scaled["spec"]
        worker = name.removeprefix("hotline-")
        kafka = [t["metadata"] for t in spec["triggers"] if t["type"] == "kafka"]
        if kafka:
            bound, why = max(partitions.get(t["topic"], 0) for t in kafka), "partitions of its largest topic"
            expect(f"kubernetes: ScaledObject {name} triggers on its own group, hotline-{worker}",
                   all(t["consumerGroup"] == f"hotline-{worker}" for t in kafka))
        else:
            bound, why = relay_shards(), "outbox shards"
        expect(f"kubernetes: ScaledObject {name} scales Deployment {name} of worker {worker}",
               spec["scaleTargetRef"]["name"] == name and worker in deployments)
        expect(f"kubernetes: ScaledObject {name} maxReplicaCount {spec['maxReplicaCount']} <= {bound} ({why})",
               spec["minReplicaCount"] <= spec["maxReplicaCount"] <= bound)
        expect(f"kubernetes: the HPA fallback of {name} has the same maximum", hpa.get(name) == spec["maxReplicaCount"])


def check_acls(deploy, root, topics, expect):
    """The ACLs create-acls.sh grants, against Topics/ and the workers' code: every topic has
    a writer and a reader; each consumer worker may read the topics WorkerName subscribes it
    to, in its own group; the relay may write every topic the workers' outbox messages name,
    and no other principal may write those (the relay alone publishes the lifecycle)."""
    dry_run = subprocess.run([os.path.join(deploy, "kafka", "create-acls.sh"), "--dry-run"], capture_output=True, text=True)
    expect("kafka: create-acls.sh --dry-run renders acls.yaml", dry_run.returncode == 0 and dry_run.stdout)
    grants = set()
    for line in dry_run.stdout.splitlines():
        principal = re.search(r"--allow-principal (\S+)", line).group(1)
        resource = re.search(r"--(topic|group|cluster)(?: (\S+))?", line)
        for operation in re.findall(r"--operation (\S+)", line):
            grants.add((principal, operation, resource.group(1), resource.group(2)))
    writers = lambda topic: {p for p, o, kind, name in grants if kind == "topic" and name == topic and o == "Write"}
    readers = lambda topic: {p for p, o, kind, name in grants if kind == "topic" and name == topic and o == "Read"}
    for topic in topics:
        expect(f"kafka: ACLs let someone write {topic} ({len(writers(topic))}) and read it ({len(readers(topic))})",
               writers(topic) and readers(topic))

    sources = os.path.join(root, "Sources", "HotlineWorkers")
    constants = dict(re.findall(r'static let (\w+) = "(hotline\.[^"]+)"', open(os.path.join(sources, "TopicName.swift"), encoding="utf-8").read()))
    swift = {os.path.join(folder, name): open(os.path.join(folder, name), encoding="utf-8").read()
             for folder, _, names in os.walk(sources) for name in names if name.endswith(".swift")}

    def resolve(expression):
        """`[TopicName.a, TopicName.b]` or `SomeHandler.topics` (its `static let topics = [...]`)."""
        handler = re.fullmatch(r"(\w+)\.topics", expression.strip())
        if handler:
            file = next(text for path, text in swift.items() if os.path.basename(path) == f"{handler.group(1)}.swift")
            expression = re.search(r"static let topics = (\[[^\]]*\])", file).group(1)
        return [constants[name] for name in re.findall(r"TopicName\.(\w+)", expression)]

    subscriptions = re.findall(r'case \.(\w+): \("([\w-]+)", (.+)\)\n', swift[os.path.join(sources, "WorkerName.swift")])
    expect(f"kafka: the subscriptions of WorkerName.swift are read ({len(subscriptions)} consumer workers)", len(subscriptions) >= 4)
    for worker, group, expression in subscriptions:
        principal = f"User:hotline-{worker}"
        wanted = resolve(expression)
        missing = [t for t in wanted if principal not in readers(t)]
        expect(f"kafka: {principal} may read {', '.join(wanted)} in group {group}"
               + (f" (missing: {missing})" if missing else ""),
               wanted and not missing and (principal, "Read", "group", group) in grants)
        extra = sorted(name for p, o, kind, name in grants if p == principal and o == "Write")
        expect(f"kafka: {principal} writes nothing (the relay publishes its outbox)" + (f" (writes {extra})" if extra else ""), not extra)

    published = sorted({constants[name] for text in swift.values() for name in re.findall(r"topic: TopicName\.(\w+)", text)})
    for topic in published:
        others = sorted(writers(topic) - {"User:hotline-relay"})
        expect(f"kafka: the relay alone writes {topic}" + (f" (also {others})" if others else ""),
               "User:hotline-relay" in writers(topic) and not others)
# The keys only some workers hold: each in a Secret (and a systemd env example) of its own,
# given to exactly the workers whose case in WorkerRunner.swift builds what uses it.
KEY_GROUPS = [
    ("hotline-data-keys", "PersonalDataVault(", {"HOTLINE_DATA_KEY", "HOTLINE_DATA_KEYS_PREVIOUS", "HOTLINE_INDEX_KEY"},
     "data-keys-secret.example.yaml", "data-keys.env.example"),
    ("hotline-query-code-keys", "QueryCodeIssuer(", {"HOTLINE_QUERY_CODE_KEY", "HOTLINE_LOOKUP_KEY"},
     "query-code-keys-secret.example.yaml", "query-code-keys.env.example"),
    ("hotline-contact-key", "ContactSealer(", {"HOTLINE_CONTACT_KEY"},
     "contact-key-secret.example.yaml", "contact-key.env.example"),
]
WORKER_KEYS = {"HOTLINE_DATA_KEY", "HOTLINE_DATA_KEYS_PREVIOUS", "HOTLINE_INDEX_KEY", "HOTLINE_CONTACT_KEY", "HOTLINE_QUERY_CODE_KEY"}


def check_key_secrets(deploy, root, deployments, documented, expect):
    """Issue 20 items 2 and 3: a key goes only to the workers that use it. Which those are is
    read from WorkerRunner.swift (the workers whose case builds a PersonalDataVault, a
    QueryCodeIssuer or a ContactSealer); Kubernetes gives exactly them the key's Secret, and
    neither the shared Secret and ConfigMap nor the shared systemd file carries any key."""
    runner = open(os.path.join(root, "Sources", "HotlineWorkers", "WorkerRunner.swift"), encoding="utf-8").read()
    cases = re.split(r"\n        case \.(\w+):", runner.split("switch name {", 1)[1].split("\n        }\n", 1)[0])

    def settings(name):
        return {line.split("=", 1)[0] for line in open(os.path.join(deploy, "systemd", name), encoding="utf-8")
                if "=" in line and not line.startswith("#")}
    every_key = set()
    for secret_name, marker, keys, example, env_example in KEY_GROUPS:
        every_key |= keys
        using = {name for name, body in zip(cases[1::2], cases[2::2]) if marker in body}
        given = {worker for worker, d in deployments.items()
                 if any(next(iter(s.values()))["name"] == secret_name for s in d["spec"]["template"]["spec"]["containers"][0].get("envFrom", []))}
        expect(f"kubernetes: {secret_name} goes to exactly the workers that build a {marker[:-1]} ({sorted(using)})", using and given == using)
        secret = yaml.safe_load(open(os.path.join(deploy, "kubernetes", example), encoding="utf-8"))
        expect(f"kubernetes: {example} is {secret_name} with {sorted(keys)} only",
               secret["metadata"]["name"] == secret_name and set(secret["stringData"]) == keys and keys <= documented)
        expect(f"systemd: {env_example} holds {sorted(keys)}", settings(env_example) == keys)
    for name in ("secret.example.yaml", "configmap.yaml"):
        manifest = yaml.safe_load(open(os.path.join(deploy, "kubernetes", name), encoding="utf-8"))
        expect(f"kubernetes: {name}, which every worker reads, holds no key",
               not (set((manifest.get("data") or manifest.get("stringData") or {}).keys()) & every_key))
    expect("systemd: hotline.env.example, which every worker reads, holds no key", not (settings("hotline.env.example") & every_key))


def check_lookup(deploy, documented, expect):
    """`hotline serve-lookup` (README "Progress lookup"): its own systemd unit and Deployment,
    probed on /health and /ready, reading only its own settings, never the workers' keys."""
    unit = open(os.path.join(deploy, "systemd", "hotline-lookup.service"), encoding="utf-8").read()
    expect("systemd: hotline-lookup.service runs `hotline serve-lookup`, stops it with SIGTERM and reads lookup.env only",
           "hotline serve-lookup" in unit and "KillSignal=SIGTERM" in unit
           and [line for line in unit.splitlines() if line.startswith("EnvironmentFile=")] == ["EnvironmentFile=/etc/hotline/lookup.env"])
    settings = {line.split("=", 1)[0] for line in open(os.path.join(deploy, "systemd", "lookup.env.example"), encoding="utf-8")
                if "=" in line and not line.startswith("#")}
    expect(f"systemd: lookup.env.example sets only documented settings and no worker key ({sorted(settings - documented) or 'ok'})",
           not (settings - documented) and not (settings & WORKER_KEYS))
    documents = [d for d in yaml.safe_load_all(open(os.path.join(deploy, "kubernetes", "lookup.yaml"), encoding="utf-8")) if d]
    kinds = {(d["kind"], d["metadata"]["name"]) for d in documents}
    deployment = next((d for d in documents if d["kind"] == "Deployment"), None)
    container = deployment["spec"]["template"]["spec"]["containers"][0] if deployment else {}
    expect("kubernetes: lookup.yaml has a Deployment running serve-lookup, probing /health and /ready, a Service and a PDB",
           container.get("args") == ["serve-lookup"]
           and container.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/health"
           and container.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/ready"
           and {("Service", "hotline-lookup"), ("PodDisruptionBudget", "hotline-lookup")} <= kinds)
    sources = [next(iter(source.values()))["name"] for source in container.get("envFrom", [])]
    inline = {variable["name"] for variable in container.get("env", [])}
    secret = yaml.safe_load(open(os.path.join(deploy, "kubernetes", "lookup-secret.example.yaml"), encoding="utf-8"))
    secret_settings = set(secret["stringData"].keys())
    expect("kubernetes: the lookup reads only hotline-lookup-secrets and documented settings, no worker key",
           sources == ["hotline-lookup-secrets"] and secret["metadata"]["name"] == "hotline-lookup-secrets"
           and not ((inline | secret_settings) - documented) and not ((inline | secret_settings) & WORKER_KEYS))


def main(root):
    deploy = os.path.join(root, "Ops", "deploy")
    checklist = Checklist()
    expect = checklist.expect

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
    job = yaml.safe_load(open(os.path.join(deploy, "kubernetes", "migrate-job.yaml"), encoding="utf-8"))
    sources = [next(iter(source.values()))["name"] for source in job["spec"]["template"]["spec"]["containers"][0]["envFrom"]]
    migrate_unit = open(os.path.join(deploy, "systemd", "hotline-migrate.service"), encoding="utf-8").read()
    expect("database roles: hotline migrate connects as the owner's login (its DATABASE_URL read last), the workers as theirs",
           sources[-1] == "hotline-migrate-secrets" and "hotline-migrate-secrets" not in open(os.path.join(deploy, "kubernetes", "workers.yaml"), encoding="utf-8").read()
           and migrate_unit.find("EnvironmentFile=/etc/hotline/migrate.env") > migrate_unit.find("EnvironmentFile=/etc/hotline/hotline.env") > 0
           and "EnvironmentFile=/etc/hotline/migrate.env" not in unit)
    for name in ("configmap.yaml", "secret.example.yaml", "migrate-secret.example.yaml"):
        manifest = yaml.safe_load(open(os.path.join(deploy, "kubernetes", name), encoding="utf-8"))
        settings = set((manifest.get("data") or manifest.get("stringData") or {}).keys())
        unknown = sorted(settings - documented)
        expect(f"kubernetes: {name} sets only documented settings" + (f" (not documented: {unknown})" if unknown else ""), not unknown)

    check_lookup(deploy, documented, expect)
    check_key_secrets(deploy, root, deployments, documented, expect)

    topics = sorted(t for t in os.listdir(os.path.join(root, "Topics")) if os.path.exists(os.path.join(root, "Topics", t, "topic.yaml")))
    check_autoscaling(deploy, root, deployments, expect)
    dry_run = subprocess.run([os.path.join(deploy, "kafka", "create-topics.sh"), "--dry-run"], capture_output=True, text=True)
    created = re.findall(r"--topic (\S+)", dry_run.stdout)
    expect(f"kafka: create-topics.sh creates all {len(topics)} topics with min.insync.replicas",
           dry_run.returncode == 0 and created == topics and dry_run.stdout.count("min.insync.replicas=") == len(topics))
    check_acls(deploy, root, topics, expect)

    return checklist.report("deploy")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
