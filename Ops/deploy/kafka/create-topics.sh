#!/usr/bin/env bash
# Creates the topics of Topics/ on a real Kafka cluster with the settings each
# Topics/<name>/topic.yaml declares: partitions, replication factor and its `config`
# (cleanup.policy, retention.ms, min.insync.replicas, …). Existing topics are left as
# they are (--if-not-exists); compare them with `kafka-topics.sh --describe`.
#
#   Ops/deploy/kafka/create-topics.sh --bootstrap-server kafka-1:9092 [--command-config admin.properties]
#   Ops/deploy/kafka/create-topics.sh --dry-run      # print the commands only
#
# Needs kafka-topics.sh (Apache Kafka's bin/) on PATH, or KAFKA_TOPICS=/path/to/kafka-topics.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
KAFKA_TOPICS=${KAFKA_TOPICS:-kafka-topics.sh}
dry_run=0
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry_run=1; shift ;;
        --bootstrap-server|--command-config) args+=("$1" "$2"); shift 2 ;;
        *) echo "create-topics: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ $dry_run -eq 1 ] || [ ${#args[@]} -gt 0 ] || { echo "create-topics: give --bootstrap-server (or --dry-run)" >&2; exit 2; }

python3 - "$ROOT/Topics" <<'PY' | while IFS= read -r line; do
import os, shlex, sys, yaml
root = sys.argv[1]
for name in sorted(os.listdir(root)):
    path = os.path.join(root, name, "topic.yaml")
    if not os.path.exists(path):
        continue
    topic = yaml.safe_load(open(path, encoding="utf-8"))
    assert topic["name"] == name, f"{path}: name must be {name}"
    words = ["--create", "--if-not-exists", "--topic", name,
             "--partitions", str(topic["partitions"]), "--replication-factor", str(topic.get("replication_factor", 3))]
    for key, value in sorted((topic.get("config") or {}).items()):
        words += ["--config", f"{key}={value}"]
    print(shlex.join(words))
PY
    eval "set -- $line"
    if [ $dry_run -eq 1 ]; then
        echo "$KAFKA_TOPICS ${args[*]:-} $*"
    else
        "$KAFKA_TOPICS" "${args[@]}" "$@"
    fi
done
