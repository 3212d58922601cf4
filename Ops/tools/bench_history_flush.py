#!/usr/bin/env python3
"""What the history chain (migration 0026) costs a worker's batch flush.

Times one flush of history rows in the statement CaseHistoryStore.appendAll sends (one
INSERT ... SELECT FROM unnest(...) ORDER BY case_id, position) into case_history, whose
BEFORE INSERT trigger chains every row, and into history_plain, a table of case_history's
shape before 0026 (same columns, index, foreign key and append-only trigger, no chain).
Runs alternate between the two tables; prints the median of each for three batches of 500
rows: 500 cases without history (an intake batch), 250 new cases with 2 rows each, and 500
cases with history (a dispatch batch).

Usage: bench_history_flush.py ADMIN_URL [--runs N]
ADMIN_URL: a superuser's URL of a scratch database migrated with `hotline migrate` (it adds
cases named bench-history-n and the table history_plain). Needs psql.
"""
import argparse
import statistics
import subprocess

SETUP = """
INSERT INTO cases (id, case_number, policy_id, policy_version, channel, external_id, category, category_source, area_code,
                   content, urgent, confidential, status, received_at, accepted_at, round, dispatched_at, caller_sealed,
                   caller_key_id, caller_phone_index, intake_event_id)
SELECT gen_random_uuid(), 'bench-history-' || lpad(n::text, 6, '0'), 'changsha-2020', 'bench', 'web', 'bench-history-' || n,
       'complaint', 'event', '430102', '路灯不亮', false, false, 'dispatched', now(), now(), 1, now(), '\\x00', 'bench', '\\x00',
       'bench-history-' || n
FROM generate_series(1, {cases}) n;
CREATE TABLE history_plain (LIKE case_history INCLUDING DEFAULTS);
ALTER TABLE history_plain DROP COLUMN prev_hash, DROP COLUMN hash, ADD PRIMARY KEY (id),
    ADD FOREIGN KEY (case_id) REFERENCES cases (id);
CREATE INDEX history_plain_by_case ON history_plain (case_id, id);
CREATE TRIGGER history_plain_append_only BEFORE UPDATE OR DELETE ON history_plain
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
INSERT INTO case_history (case_id, at, actor, action)
SELECT id, now(), 'intake', 'accepted' FROM cases WHERE case_number LIKE 'bench-history-%' ORDER BY case_number LIMIT 500;
INSERT INTO history_plain (case_id, at, actor, action)
SELECT id, now(), 'intake', 'accepted' FROM cases WHERE case_number LIKE 'bench-history-%' ORDER BY case_number LIMIT 500;
VACUUM ANALYZE;
"""


def psql(url, sql):
    return subprocess.run(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1"], input=sql, capture_output=True, text=True,
                          check=True).stdout


def flush(url, table, offset, cases, per_case):
    detail = '{"unit_id": "furong-district", "round": 1, "rule_id": "city-management"}'
    out = psql(url, f"""\\timing on
INSERT INTO {table} (case_id, at, actor, action, detail, event_id)
SELECT case_id, now(), 'dispatch', 'dispatched', h.detail::jsonb, 'bench-' || position
FROM unnest((SELECT array_agg(id ORDER BY id, n)
             FROM (SELECT id FROM cases WHERE case_number LIKE 'bench-history-%' ORDER BY case_number
                   OFFSET {offset} LIMIT {cases}) c CROSS JOIN generate_series(1, {per_case}) n),
            (SELECT array_agg('{detail}'::text) FROM generate_series(1, {cases * per_case})))
     WITH ORDINALITY AS h(case_id, detail, position)
ORDER BY case_id, position;
""")
    return [float(line.split()[1]) for line in out.splitlines() if line.startswith("Time:")][-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    fresh_needed = args.runs * (500 + 250)
    psql(args.url, SETUP.format(cases=fresh_needed + 500))
    fresh = 500  # the first 500 cases are the dispatch batch's: the setup gave them history
    for label, cases, per_case, new in [("500 cases without history (an intake batch)", 500, 1, True),
                                        ("250 new cases, 2 rows each", 250, 2, True),
                                        ("500 cases with history (a dispatch batch)", 500, 1, False)]:
        times = {"history_plain": [], "case_history": []}
        for _ in range(args.runs):
            offset = fresh if new else 0
            if new:
                fresh += cases
            for table in times:
                times[table].append(flush(args.url, table, offset, cases, per_case))
        before, after = statistics.median(times["history_plain"]), statistics.median(times["case_history"])
        print(f"{label}: before {before:.1f} ms, after {after:.1f} ms (median of {args.runs} runs of 500 rows each)")


if __name__ == "__main__":
    main()
