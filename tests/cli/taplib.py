"""A small TAP producer for the Python command-line tests.

    t = Tap()
    t.ok(cond, "what", "diagnostic lines if it failed")
    t.skip("what", "why")
    t.done()            # prints the plan; exit status 0 (the TAP lines carry the verdicts)
"""
import json
import os
import subprocess
import sys


class Tap:
    def __init__(self):
        self.n = 0
        self.lines = []

    def ok(self, cond, what, diag=""):
        self.n += 1
        self.lines.append("%s %d - %s" % ("ok" if cond else "not ok", self.n, what))
        if not cond and diag:
            for line in str(diag).splitlines()[:60]:
                self.lines.append("# " + line)
        return cond

    def skip(self, what, why):
        self.n += 1
        self.lines.append("ok %d - %s # SKIP %s" % (self.n, what, why))

    def done(self):
        print("1..%d" % self.n)
        print("\n".join(self.lines))
        sys.stdout.flush()
        sys.exit(0)


def mumtool(*args, stdin=None):
    """Runs the built mumtool; returns (exit status, stdout, stderr)."""
    exe = os.environ["MUMTOOL"]
    r = subprocess.run([exe] + list(args), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def mumtool_json(*args):
    rc, out, err = mumtool(*args)
    try:
        return rc, json.loads(out), err
    except ValueError as e:
        return rc, None, err + "\nnot JSON: %s\n%s" % (e, out[:2000])


def srcdir():
    return os.environ.get("MUM_SRCDIR") or os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def realdata():
    return os.environ.get("MUM_REALDATA") or os.path.join(srcdir(), "..", "shared", "realdata")


def at_least_warning(report):
    return [f for f in report["findings"] if f["severity"] in ("warning", "error")]
