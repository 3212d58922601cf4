"""Named checks, printed one per line as PASS or FAIL with a summary line
(`<title> checks: N passed, M failed`) that `Ops/dev test` adds to its count."""


class Checklist:
    def __init__(self):
        self.checks = []

    def expect(self, name, ok):
        self.checks.append((name, bool(ok)))

    def report(self, title):
        """Prints the checks and the summary; the exit status: 1 when one failed."""
        for name, ok in self.checks:
            print(("PASS " if ok else "FAIL ") + name)
        failed = sum(not ok for _, ok in self.checks)
        print(f"{title} checks: {len(self.checks) - failed} passed, {failed} failed")
        return 1 if failed else 0
