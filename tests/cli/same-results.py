#!/usr/bin/env python3
"""tools/same-results.py on itself (TAP), on one sample package only to be
quick: this build against this build is identical; a build whose version
string differs is still identical (the one normalisation of the version);
a build whose 'ls' prints one more line differs (ls of the package and of
its extracted folder), named, with exit 1."""
import os
import re
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, srcdir  # noqa: E402

t = Tap()
exe = os.environ["MUMTOOL"]
tool = os.path.join(srcdir(), "tools", "same-results.py")
ONLY = "samples/kb943650/Windows6.0-KB943650-x86"
SUMMARY = re.compile(r"^same-results: (\d+) commands, (\d+) identical, (\d+) differ$", re.M)


def run(old_bin, tmp):
    r = subprocess.run([sys.executable, tool, "--old-bin", old_bin, "--new-bin", exe,
                        "--samples-only", "--only", ONLY, "--keep", tmp],
                       capture_output=True, text=True)
    m = SUMMARY.search(r.stdout)
    return r.returncode, r.stdout + r.stderr, (tuple(int(x) for x in m.groups()) if m else None)


def wrapper(tmp, name, body):
    p = os.path.join(tmp, name)
    with open(p, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(p, os.stat(p).st_mode | stat.S_IXUSR)
    return p


with tempfile.TemporaryDirectory() as tmp:
    rc, out, s = run(exe, os.path.join(tmp, "a"))
    t.ok(rc == 0 and s and s[0] > 20 and s[0] == s[1] and s[2] == 0,
         "the same build twice: every command identical, exit 0", out)

    ver = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.split()[1]
    other = wrapper(tmp, "other-version",
                    "'%s' \"$@\" | sed 's/\"version\": \"%s\"/\"version\": \"99.0\"/'; "
                    "exit 0" % (exe, re.escape(ver)))
    # the wrapper loses the exit status: only the commands that exit 0 are
    # expected identical, so compare the labels of those that differ
    rc, out, s = run(other, os.path.join(tmp, "b"))
    differ = re.findall(r"^differ: (.*) \((\w+)\)$", out, re.M)
    t.ok(s and s[2] > 0 and all(part == "exit" for _, part in differ),
         "another tool version: only exit statuses differ (the version is normalised)", out)

    extra = wrapper(tmp, "extra-line",
                    "'%s' \"$@\"; rc=$?; [ \"$1\" = ls ] && [ \"$2\" != --json ] && "
                    "echo extra; exit $rc" % exe)
    rc, out, s = run(extra, os.path.join(tmp, "c"))
    t.ok(rc == 1 and s and s[2] == 2 and
         "differ: ls samples/kb943650/Windows6.0-KB943650-x86.msu (stdout)" in out and
         "differ: ls (extracted) samples/kb943650/Windows6.0-KB943650-x86.msu (stdout)" in out
         and "+extra" not in out and "-extra" in out,
         "one more line of 'ls' in OLD: those two commands differ, with the diff, exit 1", out)
t.done()
