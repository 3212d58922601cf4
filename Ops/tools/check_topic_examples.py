#!/usr/bin/env python3
"""Check the topic definitions under Topics/ against their own examples.

For every folder Topics/<topic>/:
  * topic.yaml parses (PyYAML), `name` equals the folder name, `partitions` is a
    positive integer, and `config` (if present) maps names to quoted strings;
  * schema.json is a valid JSON Schema draft 2020-12 (check_schema), declares
    draft 2020-12 in `$schema`, and every object schema that lists `properties`
    also says `additionalProperties: false`;
  * every examples/valid-*.json is accepted and every examples/invalid-*.json is
    rejected, with format checking on (date-time, uuid, ...); any other file in
    examples/ is an error.

Prints one line per checked file and a last line `N passed, M failed`; exits 1
if anything failed, 2 on bad usage.

Usage: check_topic_examples.py [REPO_ROOT]   (default: this script's ../..)
Needs: jsonschema (4.x), rfc3339-validator (for date-time), PyYAML.
"""

import argparse
import json
import os
import sys

try:
    import yaml
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
except ImportError as exc:  # pragma: no cover - environment problem
    print(f"FAIL missing Python package: {exc.name} (pip install jsonschema rfc3339-validator PyYAML)")
    print("0 passed, 1 failed")
    sys.exit(1)

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER
# Formats the topic schemas rely on. jsonschema silently skips a format whose
# checker library is missing (date-time needs rfc3339-validator), which would
# make invalid examples pass unnoticed.
REQUIRED_FORMATS = ("date-time", "uuid")


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, path, detail=""):
        self.passed += 1
        print(f"PASS {path}" + (f"  ({detail})" if detail else ""))

    def fail(self, path, detail):
        self.failed += 1
        print(f"FAIL {path}  {detail}")


class DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKeyError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def load_json(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")  # strict: the contracts say UTF-8
    return json.loads(text, object_pairs_hook=_no_duplicates)


def pointer(path_parts):
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path_parts]
    return "/" + "/".join(parts) if parts else "/"


def short(text, limit=160):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def explain(error):
    """Most useful leaf error: for oneOf/anyOf, look inside the branch that fits best."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        ranked = sorted(branches.values(), key=len)
        fewest = [b for b in ranked if len(b) == len(ranked[0])]
        if len(fewest) > 1 and all(len(b) == 1 and b[0].validator == "const" for b in fewest):
            paths = {tuple(b[0].absolute_path) for b in fewest}
            if len(paths) == 1:
                allowed = [b[0].validator_value for b in fewest]
                return f"{pointer(fewest[0][0].absolute_path)}: {fewest[0][0].instance!r} is not one of {allowed!r}"
        error = first_error(ranked[0])
    if error.validator == "not" and error.validator_value == {}:
        return f"{pointer(error.absolute_path)}: must be absent here (got {short(repr(error.instance), 60)})"
    return f"{pointer(error.absolute_path)}: {error.message}"


def first_error(errors):
    """Prefer plain errors over oneOf/anyOf summaries, then the shallowest path."""
    return sorted(errors, key=lambda e: (e.validator in ("oneOf", "anyOf"), len(e.absolute_path), list(map(str, e.absolute_path))))[0]


def lint_schema(node, where="#"):
    """Object schemas that list properties must close themselves."""
    problems = []
    if isinstance(node, dict):
        types = node.get("type")
        is_object = types == "object" or (isinstance(types, list) and "object" in types)
        if is_object and "properties" in node and node.get("additionalProperties") is not False:
            problems.append(f"{where}: object schema without additionalProperties: false")
        for key, value in node.items():
            if key in ("const", "enum", "default", "examples"):
                continue
            problems.extend(lint_schema(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            problems.extend(lint_schema(value, f"{where}/{i}"))
    return problems


def check_topic_yaml(topic_dir, name, rel, report):
    path = os.path.join(topic_dir, "topic.yaml")
    shown = os.path.join(rel, "topic.yaml")
    if not os.path.isfile(path):
        report.fail(shown, "missing")
        return
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        report.fail(shown, f"does not parse: {short(exc)}")
        return
    if not isinstance(doc, dict):
        report.fail(shown, "top level is not a mapping")
        return
    problems = []
    if doc.get("name") != name:
        problems.append(f"name {doc.get('name')!r} differs from the folder name {name!r}")
    partitions = doc.get("partitions")
    if not (isinstance(partitions, int) and not isinstance(partitions, bool) and partitions > 0):
        problems.append(f"partitions {partitions!r} is not a positive integer")
    config = doc.get("config", {})
    if not isinstance(config, dict):
        problems.append("config is not a mapping")
    else:
        for key, value in config.items():
            if not isinstance(value, str):
                problems.append(f"config {key}: {value!r} is not a quoted string")
    headers = doc.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        problems.append("headers is not a mapping of header names to descriptions")
    if problems:
        report.fail(shown, "; ".join(problems))
    else:
        report.ok(shown, f"{partitions} partitions")


def load_schema(topic_dir, rel, report):
    path = os.path.join(topic_dir, "schema.json")
    shown = os.path.join(rel, "schema.json")
    if not os.path.isfile(path):
        report.fail(shown, "missing")
        return None
    try:
        schema = load_json(path)
    except (ValueError, UnicodeDecodeError) as exc:
        report.fail(shown, f"not valid JSON: {short(exc)}")
        return None
    if not isinstance(schema, dict):
        report.fail(shown, "top level is not an object")
        return None
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        report.fail(shown, f"not a valid draft 2020-12 schema: {short(exc.message)} at {pointer(exc.absolute_path)}")
        return None
    # The schema is usable for the examples from here on; these are house rules.
    problems = []
    if schema.get("$schema") != DRAFT_2020_12:
        problems.append(f"$schema is {schema.get('$schema')!r}, expected {DRAFT_2020_12}")
    problems.extend(lint_schema(schema))
    if problems:
        report.fail(shown, "; ".join(short(p) for p in problems))
    else:
        report.ok(shown, "schema ok")
    return schema


def check_examples(topic_dir, rel, schema, report):
    ex_dir = os.path.join(topic_dir, "examples")
    ex_rel = os.path.join(rel, "examples")
    if not os.path.isdir(ex_dir):
        report.fail(ex_rel, "missing examples folder")
        return
    names = sorted(os.listdir(ex_dir))
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER) if schema is not None else None
    counts = {"valid": 0, "invalid": 0}
    for name in names:
        path = os.path.join(ex_dir, name)
        shown = os.path.join(ex_rel, name)
        if os.path.isdir(path):
            report.fail(shown, "unexpected folder in examples/")
            continue
        if name.startswith("valid-") and name.endswith(".json"):
            expect_valid = True
        elif name.startswith("invalid-") and name.endswith(".json"):
            expect_valid = False
        else:
            report.fail(shown, "name is neither valid-*.json nor invalid-*.json")
            continue
        counts["valid" if expect_valid else "invalid"] += 1
        try:
            instance = load_json(path)
        except (ValueError, UnicodeDecodeError) as exc:
            report.fail(shown, f"not valid UTF-8 JSON: {short(exc)}")
            continue
        if validator is None:
            report.fail(shown, "not checked: the topic's schema.json is missing or broken")
            continue
        errors = list(validator.iter_errors(instance))
        if expect_valid:
            if errors:
                report.fail(shown, f"should be valid but {short(explain(first_error(errors)))}"
                            + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""))
            else:
                report.ok(shown, "accepted")
        else:
            if errors:
                report.ok(shown, f"rejected: {short(explain(first_error(errors)), 140)}")
            else:
                report.fail(shown, "should be rejected but the schema accepts it")
    for kind in ("valid", "invalid"):
        if counts[kind] == 0:
            report.fail(ex_rel, f"no {kind}-*.json example")


def main(argv):
    default_root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser = argparse.ArgumentParser(description="Validate Topics/*/ definitions, schemas and examples.")
    parser.add_argument("root", nargs="?", default=default_root, help="repository root (default: %(default)s)")
    args = parser.parse_args(argv)

    report = Report()
    missing_formats = [f for f in REQUIRED_FORMATS if f not in FORMAT_CHECKER.checkers]
    if missing_formats:
        report.fail("format checker", f"cannot check format(s) {', '.join(missing_formats)}"
                    " (date-time needs: pip install rfc3339-validator)")

    topics_dir = os.path.join(args.root, "Topics")
    if not os.path.isdir(topics_dir):
        report.fail(topics_dir, "no Topics folder")
    else:
        topics = sorted(n for n in os.listdir(topics_dir) if os.path.isdir(os.path.join(topics_dir, n)))
        if not topics:
            report.fail(topics_dir, "no topic folders")
        for name in topics:
            topic_dir = os.path.join(topics_dir, name)
            rel = os.path.join("Topics", name)
            check_topic_yaml(topic_dir, name, rel, report)
            schema = load_schema(topic_dir, rel, report)
            check_examples(topic_dir, rel, schema, report)

    print(f"{report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
