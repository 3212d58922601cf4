#!/usr/bin/env bash
# Grants each party's principal what Ops/deploy/kafka/acls.yaml allows it, with
# kafka-acls.sh (the cluster's authorizer must be on and allow.everyone.if.no.acl.found
# false; RUNBOOK "Kafka credentials"). `User:channel-{channel}` is expanded to every
# channel of hotline.intake.v1's schema, `User:unit-{unit}` to every unit of the routing
# file. Adding an ACL that exists is harmless, so the script can be re-run after a change.
#
#   Ops/deploy/kafka/create-acls.sh --bootstrap-server kafka-1:9092 --command-config admin.properties \
#       [--routing-file Ops/routing/changsha.yaml]
#   Ops/deploy/kafka/create-acls.sh --dry-run      # print the commands only
#
# Needs kafka-acls.sh (Apache Kafka's bin/) on PATH, or KAFKA_ACLS=/path/to/kafka-acls.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
KAFKA_ACLS=${KAFKA_ACLS:-kafka-acls.sh}
routing="$ROOT/Ops/routing/changsha.yaml"
dry_run=0
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry_run=1; shift ;;
        --routing-file) routing=$2; shift 2 ;;
        --bootstrap-server|--command-config) args+=("$1" "$2"); shift 2 ;;
        *) echo "create-acls: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ $dry_run -eq 1 ] || [ ${#args[@]} -gt 0 ] || { echo "create-acls: give --bootstrap-server (or --dry-run)" >&2; exit 2; }

python3 - "$ROOT" "$routing" <<'PY' | while IFS= read -r line; do
import json, os, shlex, sys, yaml
root, routing = sys.argv[1], sys.argv[2]
parties = yaml.safe_load(open(os.path.join(root, "Ops/deploy/kafka/acls.yaml"), encoding="utf-8"))["parties"]
schema = json.load(open(os.path.join(root, "Topics/hotline.intake.v1/schema.json"), encoding="utf-8"))
expansions = {"{channel}": schema["properties"]["channel"]["enum"],
              "{unit}": [unit["id"] for unit in yaml.safe_load(open(routing, encoding="utf-8"))["units"]]}

def expand(party):
    for placeholder, values in expansions.items():
        if placeholder in party["principal"]:
            return [{k: (v.replace(placeholder, value) if isinstance(v, str) else [x.replace(placeholder, value) for x in v])
                     for k, v in party.items()} for value in values]
    return [party]

def resource(name, kind):
    prefixed = name.endswith("-")
    return [f"--{kind}", name] + (["--resource-pattern-type", "prefixed"] if prefixed else [])

for party in (p for entry in parties for p in expand(entry)):
    grant = ["--add", "--allow-principal", party["principal"]]
    for topic in party.get("write", []):
        print(shlex.join(grant + ["--operation", "Write", "--operation", "Describe"] + resource(topic, "topic")))
    if party.get("write"):
        print(shlex.join(grant + ["--operation", "IdempotentWrite", "--cluster"]))
    for topic in party.get("read", []):
        print(shlex.join(grant + ["--operation", "Read", "--operation", "Describe"] + resource(topic, "topic")))
    for group in party.get("groups", []):
        print(shlex.join(grant + ["--operation", "Read"] + resource(group, "group")))
    for group in party.get("describe_groups", []):
        print(shlex.join(grant + ["--operation", "Describe"] + resource(group, "group")))
PY
    eval "set -- $line"
    if [ $dry_run -eq 1 ]; then
        echo "$KAFKA_ACLS ${args[*]:-} $*"
    else
        "$KAFKA_ACLS" "${args[@]}" "$@"
    fi
done
