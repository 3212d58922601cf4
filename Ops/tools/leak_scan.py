#!/usr/bin/env python3
"""The leak scan (issue 20 item 7): after a demo, every message of every topic on the
demo's broker (key, value and headers), every line of its logs and every column of every
table of its database that can hold text (text, varchar, char, json, jsonb, and bytea read
as UTF-8 with undecodable bytes dropped, so sealed bytes never match but cleartext kept as
bytes does) is searched for the fixture callers' phones, ID numbers, addresses and names
and for the sentences of their appeals, and for what the demo's units and centre wrote about
the cases (their replies, reasons and statements).

The needles, from the preset's fixture (Ops/fixtures/demo-intake[.<policy>].jsonl, the
malformed originals given as `value_base64` too):
- phone, id_number, address: the caller's field as given (a phone also as its digits
  alone); a phone or ID number counts only where no digit or letter touches it;
- name: at least 2 characters. A full name of 3 or more characters counts anywhere. A
  2-character name (胡勇, 周丽) or a surname with a form of address (彭女士, 姜先生) is also
  an ordinary word or a way any text addresses someone ("文明", "邻居王女士说"), so it counts
  only as a token of its own: where no other Chinese character touches it (a JSON field,
  a column's value, a log field);
- content: the subject and content split on Chinese and ASCII sentence and clause
  punctuation, each clause of at least 8 characters (shorter ones are common phrases).
- written, with --written SCRIPT (the demo's units, Ops/tools/demo_units.py): each `reason`,
  `statement`, `action_taken`, `progress` or `text` the script sends, whole where it has at
  least 6 characters and by its clauses of at least 8.
In each message, line or value the scan also reads what base64 runs decode to (a header,
an original carried in clear) and JSON's \\u escapes, so an encoding is not mistaken for
a seal. A finding is one needle in one message, line or value.

Allowed, and nothing else:
- everything in `hotline.intake.v1`: the channel adapters' own messages, in clear by
  contract (README "For channel adapter authors");
- what units and staff wrote in their own topics (`hotline.unit-actions.v1`,
  `hotline.centre-actions.v1`: the parties' messages, in clear by contract).
Dead letters' originals on `hotline.intake.dlq.v1` are sealed to the centre, so finding
anything there is a leak too. Anything else is a leak: a `FAIL leak:` line each and exit status 1. The output names the
place, the kind, counts and at most fixture line numbers and offsets, never matched text.

Usage: leak_scan.py --fixture JSONL --brokers BOOTSTRAP --database-url URL --logs DIR [--written SCRIPT] [--table FILE]
       leak_scan.py --self-test      (the scanner on a planted haystack in memory; exit 1 on a miss)
"""
import argparse
import ast
import base64
import binascii
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict

# The only places personal data and parties' texts may be found: the parties' own messages.
CLEAR_BY_CONTRACT = {"topic hotline.intake.v1": "the channel adapters' own messages, in clear by contract"}
WRITTEN_BY_CONTRACT = {"topic hotline.unit-actions.v1": "the units' own actions", "topic hotline.centre-actions.v1": "the centre's own actions"}
IDENTIFIERS = ("phone", "id_number", "address", "name")
KINDS = IDENTIFIERS + ("content", "written")
WRITTEN_MEMBERS = re.compile(r'"(?:reason|statement|action_taken|progress|text)":\s*"([^"]+)"')
MIN_WRITTEN = 6

CLAUSE_BREAK = re.compile(r"[。！？；，、：…!?;,:.\s\"“”‘’（）()《》【】]+")
MIN_CLAUSE = 8
MAX_NEEDLE = 200            # a longer clause is searched by its first 200 characters
FORM_OF_ADDRESS = re.compile(r"^[\u4e00-\u9fff]{1,2}(先生|女士|小姐|师傅|老师|阿姨|大爷|大妈|大姐|大哥|同志|同学|奶奶|爷爷)$")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{16,}={0,2}")
JSON_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\/")


# ---------------------------------------------------------------- needles

class Needles:
    """(kind, text) → the fixture lines it comes from; one pattern per kind."""

    def __init__(self):
        self.lines = defaultdict(set)       # (kind, needle) → fixture line numbers
        self.variants = {}                  # (kind, text as searched) → (kind, needle)
        self.patterns = {}

    def add(self, kind, text, line, variants=()):
        text = (text or "").strip()
        if not text or "\ufffd" in text:
            return
        text = text[:MAX_NEEDLE]
        self.lines[(kind, text)].add(line)
        for variant in (text, *variants):
            self.variants.setdefault((kind, variant), (kind, text))

    def add_caller_and_appeal(self, value, line):
        caller = value.get("caller") if isinstance(value.get("caller"), dict) else {}
        phone = caller.get("phone")
        if isinstance(phone, str) and len(phone.strip()) >= 5:
            digits = re.sub(r"\D", "", phone)
            self.add("phone", phone, line, [digits] if len(digits) >= 7 and digits != phone.strip() else [])
        number = caller.get("id_number")
        if isinstance(number, str) and len(number.strip()) >= 6:
            self.add("id_number", number, line, [number.strip().swapcase()] if re.search("[A-Za-z]", number) else [])
        address = caller.get("address")
        if isinstance(address, str) and len(address.strip()) >= 6:
            self.add("address", address, line)
        name = caller.get("name")
        if isinstance(name, str) and len(name.strip()) >= 2:
            self.add("name", name, line)
        for field in ("subject", "content"):
            text = value.get(field)
            if isinstance(text, str):
                for clause in CLAUSE_BREAK.split(text.replace("\ufffd", "\n")):
                    if len(clause) >= MIN_CLAUSE:
                        self.add("content", clause, line)

    def add_written(self, text):
        """What a unit or the centre wrote: whole, and by its clauses, as the appeals' content."""
        if len(text.strip()) >= MIN_WRITTEN:
            self.add("written", text, 0)
        for clause in CLAUSE_BREAK.split(text):
            if len(clause) >= MIN_CLAUSE:
                self.add("written", clause, 0)

    def compile(self):
        by_kind = defaultdict(list)
        for kind, text in self.variants:
            by_kind[kind].append(text)
        for kind, texts in by_kind.items():
            body = trie_pattern(texts)
            if kind in ("phone", "id_number"):
                body = r"(?<![0-9A-Za-z])" + body + r"(?![0-9A-Za-z])"
            self.patterns[kind] = re.compile(body)
        return self

    def count(self):
        counts = defaultdict(int)
        for kind, _ in self.lines:
            counts[kind] += 1
        return counts


def trie_pattern(words):
    """One regular expression for many literals, as a trie: each position tries only the
    branches of its first character, and the longest needle wins."""
    root = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node):
        end = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not end else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if end else body

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * MAX_NEEDLE + 100))
    return build(root) if root else r"(?!)"


def lenient_values(raw):
    """The appeals in a malformed original (`value_base64`): JSON, a Python literal, a JSON
    string or plain text; what survives of a truncated or mis-encoded one, field by field."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", "replace")
    else:
        text = raw.decode("utf-8", "replace")
    for parse in (json.loads, ast.literal_eval):
        try:
            parsed = parse(text)
        except (ValueError, SyntaxError, RecursionError, MemoryError):
            continue
        if isinstance(parsed, dict):
            return [parsed]
        if isinstance(parsed, list):
            return [item for item in parsed if isinstance(item, dict)]
        if isinstance(parsed, str):
            return [{"content": parsed}]
        return []
    fields = dict(re.findall(r"""["'](subject|content)["']\s*:\s*["']([^"']*)""", text))
    caller = dict(re.findall(r"""["'](name|phone|id_number|address)["']\s*:\s*["']([^"']*)["']""", text))
    if not fields and not caller and text.strip() and text.lstrip()[:1] not in "{[":
        fields = {"content": text}
    return [{**fields, "caller": caller}]


def load_needles(path, written=None):
    needles = Needles()
    if written:
        with open(written, encoding="utf-8") as script:
            for text in WRITTEN_MEMBERS.findall(script.read()):
                needles.add_written(text)
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            entry = json.loads(line)
            if isinstance(entry.get("value"), dict):
                needles.add_caller_and_appeal(entry["value"], number)
            elif "value_base64" in entry:
                for value in lenient_values(base64.b64decode(entry["value_base64"])):
                    needles.add_caller_and_appeal(value, number)
    return needles.compile()


# ---------------------------------------------------------------- matching

def views(data, depth=0):
    """What a message, line or value says: its text (undecodable bytes dropped), the same
    with JSON's escapes read, and what each base64 run in it decodes to, recursively."""
    text = data.decode("utf-8", "ignore")
    out = [text]
    if "\\" in text:
        unescaped = JSON_ESCAPE.sub(lambda m: json.loads('"' + m.group(0) + '"'), text)
        if unescaped != text:
            out.append(unescaped)
    if depth < 3:
        # Swift's JSONEncoder writes "/" as "\/", which would cut a base64 run in pieces.
        for run in BASE64_RUN.findall(data.replace(b"\\/", b"/")):
            stripped = run.rstrip(b"=")
            for alphabet in (None, b"-_"):
                try:
                    decoded = base64.b64decode(stripped + b"=" * (-len(stripped) % 4), altchars=alphabet, validate=True)
                except (binascii.Error, ValueError):
                    continue
                if decoded.decode("utf-8", "ignore").strip():
                    out.extend(views(decoded, depth + 1))
                break
    return out


def counts_as_name(text, view, start, end):
    if len(text) >= 3 and not FORM_OF_ADDRESS.match(text):
        return True
    before = view[start - 1] if start > 0 else ""
    after = view[end] if end < len(view) else ""
    if HAN.match(text):
        return not (before and HAN.match(before)) and not (after and HAN.match(after))
    return not (before.isalpha() or after.isalpha())


class Scan:
    def __init__(self, needles):
        self.needles = needles
        self.records = defaultdict(int)                 # place → messages, lines or values read
        self.findings = defaultdict(lambda: defaultdict(int))   # place → kind → findings
        self.lines = defaultdict(lambda: defaultdict(set))      # place → kind → fixture lines
        self.refs = defaultdict(lambda: defaultdict(list))      # place → kind → offsets / line numbers
        self.words = defaultdict(int)                           # place → names passed over inside running text

    def place(self, place):
        self.records.setdefault(place, 0)

    def record(self, place, data, ref=None):
        self.records[place] += 1
        if not data:
            return
        found = set()
        for view in views(data):
            for kind, pattern in self.needles.patterns.items():
                for match in pattern.finditer(view):
                    text = match.group(0)
                    if kind == "name" and not counts_as_name(text, view, match.start(), match.end()):
                        self.words[place] += 1
                        continue
                    found.add(self.needles.variants[(kind, text)])
        for kind, needle in found:
            self.findings[place][kind] += 1
            self.lines[place][kind] |= self.needles.lines[(kind, needle)]
            if ref is not None and len(self.refs[place][kind]) < 3 and ref not in self.refs[place][kind]:
                self.refs[place][kind].append(ref)

    def verdict(self):
        """Every leak: a finding in a place not allowed for its kind."""
        leaks = []
        for place in sorted(self.findings):
            for kind in KINDS:
                if self.findings[place][kind] and not allowed(place, kind):
                    leaks.append((place, kind))
        return leaks


def allowed(place, kind):
    return place in CLEAR_BY_CONTRACT or (kind == "written" and place in WRITTEN_BY_CONTRACT)


# ---------------------------------------------------------------- haystacks

def topics(brokers):
    metadata = subprocess.run(["kcat", "-L", "-J", "-b", brokers], check=True, capture_output=True, text=True).stdout
    return sorted(t["topic"] for t in json.loads(metadata)["topics"])


def topic_records(brokers, topic):
    """(partition:offset, key + value + headers) of every message, from the beginning to the end."""
    out = subprocess.run(["kcat", "-C", "-b", brokers, "-X", "fetch.wait.max.ms=10", "-t", topic, "-o", "beginning", "-e", "-q",
                          "-f", r"@@ %p %o %K %S\n%k%s\n%h\n"], check=True, capture_output=True).stdout
    position = 0
    while position < len(out):
        if not out.startswith(b"@@ ", position):
            raise RuntimeError(f"kcat output of {topic} not understood at byte {position}")
        newline = out.index(b"\n", position)
        partition, offset, key_length, value_length = out[position + 3:newline].split()
        start = newline + 1
        body = start + max(int(key_length), 0) + max(int(value_length), 0)
        following = out.find(b"\n@@ ", body + 1)
        headers = out[body + 1:following if following >= 0 else len(out)].rstrip(b"\n")
        yield f"{int(partition)}:{int(offset)}", out[start:body] + b"\n" + headers
        position = following + 1 if following >= 0 else len(out)


def psql(url, query, separator_zero=False):
    arguments = ["psql", url, "-qAtX", "-v", "ON_ERROR_STOP=1", *(["-0"] if separator_zero else []), "-c", query]
    result = subprocess.run(arguments, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"psql: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout


TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "bytea")
ARRAY_TYPES = ("_text", "_varchar", "_bpchar", "_json", "_jsonb", "_bytea")


def columns(url):
    rows = psql(url, f"""
        SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name
        FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)
        WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND (c.data_type IN ({", ".join(f"'{t}'" for t in TEXT_TYPES)})
               OR (c.data_type = 'ARRAY' AND c.udt_name IN ({", ".join(f"'{t}'" for t in ARRAY_TYPES)})))
        ORDER BY 1, 2, c.ordinal_position""").decode()
    return [line.split("|") for line in rows.splitlines() if line]


def column_values(url, schema, table, column, data_type, udt_name):
    def ident(name):
        return '"' + name.replace('"', '""') + '"'
    col = ident(column)
    if data_type == "bytea":
        expression = f"encode({col}, 'hex')"
    elif udt_name == "_bytea":
        expression = f"(SELECT string_agg(encode(x, 'hex'), '') FROM unnest({col}) x)"
    else:
        expression = f"{col}::text"
    out = psql(url, f"SELECT {expression} FROM {ident(schema)}.{ident(table)} WHERE {col} IS NOT NULL", separator_zero=True)
    # psql -0 ends every row with a zero byte; a text value cannot hold one.
    for value in out.split(b"\0")[:-1]:
        if data_type == "bytea" or udt_name == "_bytea":
            yield bytes.fromhex(value.decode().strip())
        else:
            yield value


def place_name(schema, table, column):
    return f"table {table}.{column}" if schema == "public" else f"table {schema}.{table}.{column}"


# ---------------------------------------------------------------- report

def write_table(scan, path):
    """Every place searched, with what was read there and the findings by kind."""
    with open(path, "w", encoding="utf-8") as file:
        file.write("place\tread\t" + "\t".join(KINDS) + "\tnames passed over\n")
        for place in sorted(scan.records):
            counts = scan.findings.get(place, {})
            file.write(f"{place}\t{scan.records[place]}\t" + "\t".join(str(counts.get(k, 0)) for k in KINDS)
                       + f"\t{scan.words.get(place, 0)}\n")


def report(scan, elapsed=None):
    leaks = scan.verdict()
    width = max([len(p) for p in scan.findings] + [28])
    header = f"{'place':<{width}} {'read':>7} " + " ".join(f"{k:>9}" for k in KINDS) + "  verdict"
    print(header)
    print("-" * len(header))
    total = defaultdict(int)
    for place in sorted(scan.findings):
        counts = scan.findings[place]
        if not any(counts.values()):
            continue
        for kind in KINDS:
            total[kind] += counts[kind]
        bad = [k for k in KINDS if counts[k] and not allowed(place, k)]
        verdict = "LEAK " + ",".join(bad) if bad else (
            "clear by contract")
        print(f"{place:<{width}} {scan.records[place]:>7} " + " ".join(f"{counts[k]:>9}" for k in KINDS) + f"  {verdict}")
    clean = [p for p in scan.records if not any(scan.findings.get(p, {}).values())]
    kinds_of = defaultdict(int)
    for place in clean:
        kinds_of[place.split(" ", 1)[0]] += 1
    print(f"{'total':<{width}} {sum(scan.records.values()):>7} " + " ".join(f"{total[k]:>9}" for k in KINDS))
    print(f"no finding in the other {len(clean)} places (" + ", ".join(f"{n} {kind}s" for kind, n in sorted(kinds_of.items())) + ")")
    words = {p: n for p, n in scan.words.items() if n}
    if words:
        print("not counted, a 2-character name or a form of address inside running text: "
              + ", ".join(f"{p} {n}" for p, n in sorted(words.items())))
    for place, kind in leaks:
        lines = sorted(scan.lines[place][kind])
        refs = scan.refs[place][kind]
        print(f"FAIL leak: {place}: {scan.findings[place][kind]} {kind} finding(s); fixture lines "
              + ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")
              + (f"; at {', '.join(refs)}" if refs else ""))
    failed_kinds = {kind for _, kind in leaks}
    places = defaultdict(int)
    for place in scan.records:
        places[place.split(" ", 1)[0]] += 1
    findings = sum(total.values())
    unexpected = sum(scan.findings[p][k] for p, k in leaks)
    # One check per kind: none of it where it may not be.
    print(f"Leak scan: {len(scan.records)} places searched ({', '.join(f'{n} {k}s' for k, n in sorted(places.items()))}), "
          f"{findings} findings, {unexpected} of them leaks"
          + (f", in {elapsed:.1f} s" if elapsed is not None else "")
          + f"; kinds {len(KINDS) - len(failed_kinds)} passed, {len(failed_kinds)} failed")
    return 1 if leaks else 0


def run(args):
    started = time.monotonic()
    needles = load_needles(args.fixture, args.written)
    counts = needles.count()
    print(f"needles from {os.path.basename(args.fixture)}" + (f" and {os.path.basename(args.written)}" if args.written else "") + ": "
          + ", ".join(f"{counts[k]} {k}" for k in KINDS))
    scan = Scan(needles)
    for topic in topics(args.brokers):
        scan.place(f"topic {topic}")
        for ref, data in topic_records(args.brokers, topic):
            scan.record(f"topic {topic}", data, f"offset {ref}")
    for name in sorted(os.listdir(args.logs)):
        path = os.path.join(args.logs, name)
        if os.path.isfile(path):
            scan.place(f"log {name}")
            with open(path, "rb") as file:
                for number, line in enumerate(file, 1):
                    scan.record(f"log {name}", line, f"line {number}")
    for schema, table, column, data_type, udt_name in columns(args.database_url):
        place = place_name(schema, table, column)
        scan.place(place)
        for value in column_values(args.database_url, schema, table, column, data_type, udt_name):
            scan.record(place, value)
    if args.table:
        write_table(scan, args.table)
        print(f"every place searched, with its counts: {args.table}")
    return report(scan, time.monotonic() - started)


# ---------------------------------------------------------------- self-test

def self_test():
    """The scanner on a planted haystack: it finds what is there, in clear, in JSON escapes
    and in base64, and nothing that is not; the verdict allows only what it should."""
    from checklist import Checklist
    checklist = Checklist()
    expect = checklist.expect
    broken = '{"caller":{"name":"韩梅梅","phone":"1590000'.encode() + b"\xff"
    fixture = [
        {"value": {"caller": {"name": "欧阳明轩", "phone": "13912345678", "id_number": "43010519900101123X",
                              "address": "长沙市岳麓区测试路88号9栋"},
                   "subject": "测试", "content": "小区门口的下水道井盖已经缺失三天了，夜里行人很容易踩空摔倒。"}},
        {"value": {"caller": {"name": "彭女士", "phone": "138-0000-1111"}, "content": "太吵了。"}},
        {"value": {"caller": {"name": "文明"}, "content": "短句。"}},
        {"value_base64": base64.b64encode(broken).decode()},
    ]
    path = f"/tmp/leak_scan_self_test_{os.getpid()}.jsonl"
    written = f"/tmp/leak_scan_self_test_{os.getpid()}.py"
    with open(path, "w", encoding="utf-8") as file:
        for entry in fixture:
            file.write(json.dumps(entry, ensure_ascii=False) + "\n")
    with open(written, "w", encoding="utf-8") as file:
        file.write('RESULT = {"action_taken": "已联系欧阳先生并现场修复井盖，已告知结果。"}\n'
                   'self.action(0, "centre", case, "approve_result", {"reason": "同意办结"})\n')
    try:
        needles = load_needles(path, written)
    finally:
        os.remove(path)
        os.remove(written)
    counts = needles.count()
    expect("needles: 2 phones, 1 id number, 1 address, 4 names (欧阳明轩, 彭女士, 文明, 韩梅梅), 2 clauses of 8 or more",
           (counts["phone"], counts["id_number"], counts["address"], counts["name"], counts["content"]) == (2, 1, 1, 4, 2))
    expect("a truncated phone of a malformed original is no needle", not any(t.startswith("1590000") for _, t in needles.lines))
    expect("written: a unit's reply whole and by its clause of 8 or more; a reason under 6 characters is none",
           counts["written"] == 2 and ("written", "同意办结") not in needles.lines)

    def found(data, place="table planted.value"):
        scan = Scan(needles)
        scan.record(place, data)
        return {k for k, n in scan.findings[place].items() if n}

    sealed = os.urandom(4096)
    expect("a phone in a JSON value", found('{"to":"13912345678"}'.encode()) == {"phone"})
    expect("a phone by its digits alone (fixture 138-0000-1111)", found(b"tel 13800001111 ") == {"phone"})
    expect("a phone inside a longer number is not one", found(b"offset 913912345678 id") == set())
    expect("an ID number with a lower-case x", found(b"id=43010519900101123x") == {"id_number"})
    expect("an address in a log line", found("dispatch: at 长沙市岳麓区测试路88号9栋 level=info".encode()) == {"address"})
    expect("a content clause inside other text", found("回复：小区门口的下水道井盖已经缺失三天了！已处理".encode()) == {"content"})
    expect("a short clause is no needle", found("太吵了".encode()) == set())
    expect("a full name anywhere", found("欧阳明轩您好".encode()) == {"name"})
    expect("a form of address as its own token", found('{"name":"彭女士"}'.encode()) == {"name"})
    expect("a form of address inside a sentence is not counted", found("邻居彭女士说".encode()) == set())
    expect("a 2-character name inside a word is not counted", found("创建文明城市".encode()) == set())
    expect("a 2-character name as a column value", found("文明".encode()) == {"name"})
    expect("JSON \\u escapes are read", found(json.dumps({"n": "欧阳明轩"}).encode()) == {"name"})
    original = json.dumps(fixture[0]["value"], ensure_ascii=False).encode()
    expect("a dead letter's base64 original", found(json.dumps({"value": base64.b64encode(original).decode()}).encode())
           == {"phone", "id_number", "address", "name", "content"})
    expect("URL-safe base64 in a header", found(b"h=" + base64.urlsafe_b64encode("x 13912345678 ?>?>".encode())) == {"phone"})
    expect("bytea cleartext read as UTF-8", found(b"\x00\x01" + "长沙市岳麓区测试路88号9栋".encode() + b"\xff") == {"address"})
    expect("a unit's reply in a history row", found('{"reason": "已联系欧阳先生并现场修复井盖，已告知结果。"}'.encode()) == {"written"})
    expect("random sealed bytes match nothing", found(sealed) == set())
    expect("a sealed value in base64 matches nothing", found(base64.b64encode(sealed)) == set())

    scan = Scan(needles)
    for place in ("topic hotline.intake.v1", "topic hotline.intake.dlq.v1", "table intake_requests.content", "table cases.content",
                  "log intake.log"):
        scan.place(place)
    scan.record("topic hotline.intake.v1", original)
    scan.record("topic hotline.intake.dlq.v1", json.dumps({"original": {"value_base64": base64.b64encode(original).decode()}}).encode())
    scan.record("table intake_requests.content", "小区门口的下水道井盖已经缺失三天了".encode())
    scan.record("table cases.content", "小区门口的下水道井盖已经缺失三天了".encode())
    scan.record("log intake.log", b"caller phone 13912345678")
    reply = "已联系欧阳先生并现场修复井盖，已告知结果。".encode()
    for place in ("topic hotline.unit-actions.v1", "table case_history.detail"):
        scan.place(place)
        scan.record(place, reply)
    leaks = scan.verdict()
    expect("verdict: the input topic is clear by contract", not [l for l in leaks if l[0] == "topic hotline.intake.v1"])
    expect("verdict: content elsewhere (an appeal's text in clear, a dead letter's original in clear) and a phone in a log are leaks",
           sorted(leaks) == sorted([("log intake.log", "phone"), ("table case_history.detail", "written"), ("table cases.content", "content"),
                                    ("table intake_requests.content", "content")]
                                   + [("topic hotline.intake.dlq.v1", kind) for kind in ("phone", "id_number", "address", "name", "content")]))
    expect("verdict: a unit's reply is in clear by contract on its own topic, a leak in the history",
           ("topic hotline.unit-actions.v1", "written") not in leaks and ("table case_history.detail", "written") in leaks)
    return checklist.report("leak scan self-test")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--fixture")
    parser.add_argument("--brokers")
    parser.add_argument("--database-url")
    parser.add_argument("--logs")
    parser.add_argument("--written", help="the demo units' script, whose replies, reasons and statements are needles too")
    parser.add_argument("--table", help="also write every place searched, with its counts, to this file (tab-separated)")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if not (args.fixture and args.brokers and args.database_url and args.logs):
        parser.error("--fixture, --brokers, --database-url and --logs are required")
    try:
        return run(args)
    except (OSError, RuntimeError, ValueError, subprocess.CalledProcessError) as error:
        # kcat's or psql's own message: names, addresses and codes, never what was read.
        detail = getattr(error, "stderr", None) or error
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        detail = " ".join(str(detail).split())[-300:]
        print(f"FAIL leak: the scan could not finish: {detail}")
        print("Leak scan: not finished; 0 passed, 1 failed")
        return 1


if __name__ == "__main__":
    sys.exit(main())
