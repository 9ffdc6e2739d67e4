#!/usr/bin/env python3
"""mumtool verify as a CI gate (TAP): --fail-on and the policy's [gate]
fail-on choose the exit status threshold (the command line wins)."""
import glob
import json
import atexit
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, mumtool_json, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
CLEAN = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
BROKEN = sorted(glob.glob(os.path.join(S, "broken", "payload-mismatch", "*.msu")))
if len(CLEAN) != 3 or len(BROKEN) != 3:
    t.ok(False, "the samples are there", "found %r and %r" % (CLEAN, BROKEN))
    t.done()
work = tempfile.mkdtemp(prefix="mum-gate.")
atexit.register(shutil.rmtree, work, True)


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- --fail-on ---------------------------------------------------------------
# The clean family without its trust anchor and policy: warnings, no error.
rc, rep, err = mumtool_json("verify", "--format", "json", *CLEAN)
warn_only = bool(rep) and rep["summary"]["errors"] == 0 and rep["summary"]["warnings"] > 0
t.ok(rc == 0 and warn_only and rep["result"] == "pass" and rep["summary"]["failOn"] == "error",
     "warnings only, default gate: exit 0, result pass, failOn error", (rc, rep and rep["summary"], err))
rc, rep, err = mumtool_json("verify", "--format", "json", "--fail-on", "warning", *CLEAN)
t.ok(rc == 1 and rep and rep["result"] == "fail" and rep["summary"]["failOn"] == "warning",
     "--fail-on warning: warnings fail the gate (exit 1, result fail)", (rc, rep and rep["summary"], err))
rc, out, err = mumtool("verify", "--fail-on", "warning", *CLEAN)
t.ok(rc == 1 and "\nFAIL: 0 errors" in out, "--fail-on warning: the text report says FAIL", (rc, out[-300:], err))
rc, out, err = mumtool("verify", "--fail-on", "note", *CLEAN)
t.ok(rc == 1, "--fail-on note: warnings fail the gate too", (rc, err))
rc, out, err = mumtool("verify", "--fail-on", "error", *CLEAN)
t.ok(rc == 0, "--fail-on error: warnings pass", (rc, err))
rc, rep, err = mumtool_json("verify", "--format", "json", *BROKEN)
t.ok(rc == 1 and rep and rep["summary"]["errors"] > 0, "errors, default gate: exit 1", (rc, err))
rc, rep, err = mumtool_json("verify", "--format", "json", "--fail-on", "never", *BROKEN)
t.ok(rc == 0 and rep and rep["summary"]["errors"] > 0 and rep["result"] == "pass",
     "--fail-on never: errors give exit 0 (still reported)", (rc, rep and rep["summary"], err))

# ---- the policy's [gate] -------------------------------------------------------
strict = write("strict.policy", "# a strict gate\n[gate]\nfail-on = warning\n")
lax = write("lax.policy", "[gate]\nfail-on = never\n")
rc, out, err = mumtool("verify", "--policy", strict, *CLEAN)
t.ok(rc == 1, "policy fail-on = warning: warnings fail the gate", (rc, err))
rc, out, err = mumtool("verify", "--policy", lax, *BROKEN)
t.ok(rc == 0, "policy fail-on = never: errors give exit 0", (rc, err))
rc, out, err = mumtool("verify", "--policy", strict, "--fail-on", "error", *CLEAN)
t.ok(rc == 0, "--fail-on error wins over the policy's fail-on = warning", (rc, err))
rc, out, err = mumtool("verify", "--fail-on", "error", "--policy", lax, *BROKEN)
t.ok(rc == 1, "--fail-on error wins over the policy's fail-on = never (either order)", (rc, err))
bad = write("bad.policy", "[gate]\nfail-on = sometimes\n")
rc, out, err = mumtool("verify", "--policy", bad, *CLEAN)
t.ok(rc == 3 and "bad.policy:2:11:" in err and "error, warning, note or never" in err,
     "a bad fail-on in the policy: exit 3 naming file, line and column", (rc, err))

# ---- usage errors --------------------------------------------------------------
rc, out, err = mumtool("verify", "--fail-on", "warnings", *CLEAN)
t.ok(rc == 2 and "--fail-on 'warnings'" in err and "error, warning, note or never" in err
     and len(err.splitlines()) <= 2 and out == "",
     "--fail-on warnings: usage error (exit 2) naming the value and the choices", (rc, out, err))
rc, out, err = mumtool("verify", *CLEAN, "--fail-on")
t.ok(rc == 2, "--fail-on without a value: usage error", (rc, err))
rc, out, err = mumtool("verify", "--help")
t.ok(rc == 0 and "--fail-on LEVEL" in out, "--help documents --fail-on", out)

t.done()
