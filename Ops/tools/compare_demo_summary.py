#!/usr/bin/env python3
"""Compares `hotline summary --json` with the fixture's expected figures.

Usage: compare_demo_summary.py EXPECTED.json SUMMARY.json
Prints one line per figure and `N passed, M failed`; exits 1 on any difference.
"""
import json
import sys


def main() -> int:
    expected = json.load(open(sys.argv[1], encoding="utf-8"))
    summary = json.load(open(sys.argv[2], encoding="utf-8"))

    def pairs(rows):
        return {row["name"]: row["count"] for row in rows}

    def by_second(rows, first):
        return {row["second"]: row["count"] for row in rows if row["first"] == first}

    actual = {
        "cases": summary["cases"],
        "urges": summary["urges"],
        "receipts by outcome": pairs(summary["receipts_by_outcome"]),
        "duplicates answered": summary["duplicates_answered"],
        "dead letters by reason": pairs(summary["dead_letters_by_reason"]),
        "redirected by reason": by_second(summary["not_opened_by_reason"], "redirected"),
        "not accepted by reason": by_second(summary["not_opened_by_reason"], "not_accepted"),
        "accepted cases by category": {},
        "lead assignments": summary["current_lead_assignments"],
        "co-unit assignments": summary["co_assignments"],
        "lead assignments by unit": {row["first"]: row["count"] for row in summary["lead_units"]},
        "manual-dispatch queue": summary["manual_queue"],
    }
    for row in summary["cases_by_category_and_status"]:
        category = row["first"]
        actual["accepted cases by category"][category] = actual["accepted cases by category"].get(category, 0) + row["count"]
    wanted = {
        "cases": expected["cases"],
        "urges": expected["urges"],
        "receipts by outcome": expected["receipts_by_outcome"],
        "duplicates answered": expected["duplicates"],
        "dead letters by reason": expected["dead_letters_by_reason"],
        "redirected by reason": expected["redirected_by_reason"],
        "not accepted by reason": expected["not_accepted_by_reason"],
        "accepted cases by category": expected["accepted_by_category"],
        "lead assignments": expected["lead_assignments_total"],
        "co-unit assignments": expected["co_assignments_total"],
        "lead assignments by unit": expected["lead_assignments_by_unit"],
        "manual-dispatch queue": expected["manual_queue"],
    }
    passed = failed = 0
    print(f"Check against {sys.argv[1]}")
    for name, want in wanted.items():
        got = actual[name]
        if isinstance(want, dict):
            want = {k: v for k, v in want.items() if v}
        if got == want:
            passed += 1
            print(f"  ok    {name}")
        else:
            failed += 1
            print(f"  DIFF  {name}: expected {json.dumps(want, ensure_ascii=False, sort_keys=True)}, got {json.dumps(got, ensure_ascii=False, sort_keys=True)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
