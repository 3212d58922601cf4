#!/usr/bin/env python3
"""Writes the autoscalers of the workers that have a bound to scale to (RUNBOOK "Autoscaling"):
  autoscaling-keda.yaml  a KEDA ScaledObject per consumer worker, scaled by its group's lag on
                         each topic it consumes, and for the relay, scaled by the outbox backlog;
  autoscaling-hpa.yaml   the same bounds as CPU HorizontalPodAutoscalers, for clusters without KEDA.
Apply one of the two, after workers.yaml. A consumer group's members beyond the partitions of
its largest topic hold nothing, so its maximum is read from Topics/<name>/topic.yaml (the
topics whose `consumers` name the worker); the relay's is the outbox's shards (OutboxShards.count, 16). The minimum is
the worker's replicas in render_workers.py. Run it after changing a topic's partitions:
    python3 Ops/deploy/kubernetes/render_autoscaling.py
`Ops/dev test` checks that the files are what this script writes, each maximum against the
topics, and (WorkerSubscriptionTests) that the topics naming a worker are those it subscribes to.
"""
import os
import re
import sys

import yaml

from render_workers import WORKERS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
CONSUMERS = ["intake", "dispatch", "supervision", "callbacks"]
# Messages of lag per replica KEDA aims at; the HPA fallback aims at this CPU use of the request.
LAG_PER_REPLICA = 500
OUTBOX_ROWS_PER_RELAY = 1000
CPU_UTILIZATION = 70
# A new member makes its group rebalance: scale down only after 5 quiet minutes.
BEHAVIOR = {"scaleDown": {"stabilizationWindowSeconds": 300}}


def topics_consumed_by(worker):
    """Each topic whose topic.yaml lists `<worker> worker` among its consumers, with its partitions."""
    found = {}
    for name in sorted(os.listdir(os.path.join(ROOT, "Topics"))):
        path = os.path.join(ROOT, "Topics", name, "topic.yaml")
        if os.path.exists(path):
            topic = yaml.safe_load(open(path, encoding="utf-8"))
            if any(consumer.startswith(f"{worker} worker") for consumer in topic.get("consumers", [])):
                found[topic["name"]] = topic["partitions"]
    return found


def relay_shards():
    """The outbox's shards (OutboxShards.count): a relay beyond them holds none."""
    source = open(os.path.join(ROOT, "Sources", "HotlinePostgres", "OutboxStore.swift"), encoding="utf-8").read()
    return int(re.search(r"enum OutboxShards \{.*?static let count = (\d+)", source, re.S).group(1))


def minimum(worker):
    return next(replicas for name, replicas, _ in WORKERS if name == worker)


def target(worker):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"hotline-{worker}"}


def metadata(worker):
    return {"name": f"hotline-{worker}", "namespace": "hotline",
            "labels": {"app.kubernetes.io/name": "hotline", "app.kubernetes.io/component": worker}}


def bounds():
    """(worker, maximum, topics with partitions or None for the relay)."""
    consumers = [(w, max(topics_consumed_by(w).values()), topics_consumed_by(w)) for w in CONSUMERS]
    return consumers + [("relay", relay_shards(), None)]


def keda():
    documents = [{
        "apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication",
        "metadata": {"name": "hotline-kafka", "namespace": "hotline"},
        "spec": {"secretTargetRef": [
            {"parameter": "username", "name": "hotline-secrets", "key": "HOTLINE_KAFKA_SASL_USERNAME"},
            {"parameter": "password", "name": "hotline-secrets", "key": "HOTLINE_KAFKA_SASL_PASSWORD"},
        ]},
    }]
    for worker, maximum, topics in bounds():
        if topics is None:
            triggers = [{"type": "prometheus", "metadata": {
                "serverAddress": "http://prometheus.monitoring.svc:9090",
                "query": "max(hotline_outbox_backlog)",
                "threshold": str(OUTBOX_ROWS_PER_RELAY)}}]
        else:
            # One trigger per topic: KEDA keeps each below that topic's partitions, and the
            # group scales to the largest.
            triggers = [{"type": "kafka", "authenticationRef": {"name": "hotline-kafka"}, "metadata": {
                "bootstrapServersFromEnv": "KAFKA_BROKERS", "consumerGroup": f"hotline-{worker}", "topic": topic,
                "lagThreshold": str(LAG_PER_REPLICA), "offsetResetPolicy": "earliest", "allowIdleConsumers": "false",
                "sasl": "scram_sha512", "tls": "enable"}} for topic in topics]
        documents.append({
            "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": metadata(worker),
            "spec": {"scaleTargetRef": {"name": f"hotline-{worker}"}, "minReplicaCount": minimum(worker), "maxReplicaCount": maximum,
                     "pollingInterval": 30, "advanced": {"horizontalPodAutoscalerConfig": {"behavior": BEHAVIOR}},
                     "triggers": triggers},
        })
    return documents


def hpa():
    return [{
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": metadata(worker),
        "spec": {"scaleTargetRef": target(worker), "minReplicas": minimum(worker), "maxReplicas": maximum, "behavior": BEHAVIOR,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": CPU_UTILIZATION}}}]},
    } for worker, maximum, _ in bounds()]


def render(documents):
    head = "# Generated by render_autoscaling.py; edit that script, not this file.\n"
    return head + "".join("---\n" + yaml.safe_dump(d, sort_keys=False) for d in documents)


FILES = {"autoscaling-keda.yaml": keda, "autoscaling-hpa.yaml": hpa}

if __name__ == "__main__":
    for name, documents in FILES.items():
        path = os.path.join(HERE, name)
        if sys.argv[1:] == ["--check"]:
            with open(path, encoding="utf-8") as existing:
                if existing.read() != render(documents()):
                    sys.exit(f"{name} differs from render_autoscaling.py; run it")
        else:
            with open(path, "w", encoding="utf-8") as out:
                out.write(render(documents()))
