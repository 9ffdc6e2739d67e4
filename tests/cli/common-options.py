#!/usr/bin/env python3
"""The options every command takes (TAP), as doc/mumtool.1 (COMMON OPTIONS)
says: --color=auto|always|never and NO_COLOR; --progress/--no-progress;
-q (only errors) and -v (more detail, repeatable).  Output without these
options is covered by the golden cases; here: colour only where asked,
never changing anything but the escapes; progress only on standard error."""
import glob
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
X86 = os.path.join(S, "kb943650", "Windows6.0-KB943650-x86.msu")
X86_V2 = os.path.join(S, "kb943650-v2", "Windows6.0-KB943650-x86.msu")
BROKEN = sorted(glob.glob(os.path.join(S, "broken", "payload-mismatch", "*.msu")))
if not os.path.exists(X86) or not os.path.exists(X86_V2) or len(BROKEN) != 3:
    t.skip("the options every command takes", "samples absent")
    t.done()
ESC = "\033["
SGR = re.compile(r"\033\[[0-9;]*m")


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env or {})
    r = subprocess.run([os.environ["MUMTOOL"]] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=e)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def run_tty(*args, env=None):
    """Standard output and error on a terminal: (exit status, what it showed)."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e["TERM"] = "xterm"
    e.update(env or {})
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(os.environ["MUMTOOL"], [os.environ["MUMTOOL"]] + list(args), e)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


# ---- colour ------------------------------------------------------------------
VERIFY = ["verify", "--no-matrix"] + BROKEN
rc0, plain, _ = run(*VERIFY)
rc1, col, _ = run("verify", "--color=always", "--no-matrix", *BROKEN)
t.ok(ESC not in plain, "verify into a pipe: no escapes by default")
t.ok(rc1 == rc0 and "\033[1;31merror\033[0m" in col and "\033[1;33mwarning\033[0m" in col,
     "verify --color=always: severities coloured (error red, warning yellow)", col[:2000])
t.ok(re.search(r"\[\033\[1m[a-z0-9-]+\.[a-z0-9.-]+\033\[0m\]", col) is not None,
     "verify --color=always: rule ids in bold", col[:2000])
t.ok(SGR.sub("", col) == plain, "verify --color=always: nothing but the escapes differs")
_, col2, _ = run("verify", "--color", "--no-matrix", *BROKEN)
t.ok(col2 == col, "--color alone is --color=always")
for env, opt, what in [({"NO_COLOR": "1"}, [], "NO_COLOR=1 (auto)"),
                       ({"NO_COLOR": "1"}, ["--color=auto"], "NO_COLOR=1 --color=auto"),
                       ({}, ["--color=never"], "--color=never"),
                       ({}, ["--color=auto"], "--color=auto into a pipe")]:
    rc, out, _ = run("verify", *opt, "--no-matrix", *BROKEN, env=env)
    t.ok(rc == rc0 and out == plain, "verify %s: no escapes" % what)
rc, out, _ = run("verify", "--color=always", "--no-matrix", *BROKEN, env={"NO_COLOR": "1"})
t.ok(out == col, "NO_COLOR=1 --color=always: the explicit option wins (no-color.org)")
rc, out, err = run("verify", "--color=sometimes", *BROKEN)
t.ok(rc == 2 and "sometimes" in err and out == "", "--color=sometimes: usage error", err)

# auto on a terminal: colours; not with NO_COLOR, TERM=dumb or --color=never
rc, shown = run_tty("verify", "--no-matrix", *BROKEN)
t.ok(rc == rc0 and "\033[1;31merror" in shown, "verify on a terminal: coloured by default", shown[:500])
for env, opt, what in [({"NO_COLOR": "1"}, [], "NO_COLOR=1"), ({"TERM": "dumb"}, [], "TERM=dumb"),
                       ({}, ["--color=never"], "--color=never")]:
    rc, shown = run_tty("verify", *opt, "--no-matrix", *BROKEN, env=env)
    t.ok(rc == rc0 and SGR.search(shown) is None, "verify on a terminal, %s: no colour" % what,
         shown[:500])
rc, shown = run_tty("verify", "--no-matrix", *BROKEN, env={"NO_COLOR": ""})
t.ok("\033[1;31merror" in shown, "an empty NO_COLOR is not set (no-color.org)")

# the findings after a listing (ls, info, cat ...) and the diff's lines
NOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?")  # a verdict evaluated "now"
_, plain_i, _ = run("info", X86)
_, col_i, _ = run("info", "--color=always", X86)
plain_i, col_i = NOW.sub("T", plain_i), NOW.sub("T", col_i)
t.ok(ESC not in plain_i and ESC in col_i and SGR.sub("", col_i) == plain_i,
     "info --color=always: its findings coloured, nothing else changed", col_i[-800:])
_, plain_d, _ = run("diff", X86, X86_V2)
_, col_d, _ = run("diff", "--color=always", X86, X86_V2)
t.ok(ESC not in plain_d and SGR.sub("", col_d) == plain_d, "diff --color=always: only escapes added")
t.ok(re.search(r"^\033\[32m  \+ ", col_d, re.M) and re.search(r"^\033\[33m  ~ ", col_d, re.M),
     "diff --color=always: added lines green, changed yellow", col_d[:1500])
t.ok(re.search(r"\[\033\[1;31munversioned-change\033\[0m\]", col_d),
     "diff --color=always: flags in bold red", col_d[:1500])
BAD = "a~31bf3856ad364e35~x86~~1.0.mum"
_, plain_n, _ = run("name", "parse", BAD)
_, col_n, _ = run("name", "parse", "--color=always", BAD)
t.ok(ESC not in plain_n and "\033[1;31merror\033[0m" in col_n and SGR.sub("", col_n) == plain_n,
     "name parse --color=always: the finding coloured, nothing else changed", col_n)
_, json_c, _ = run("verify", "--format", "json", "--color=always", *BROKEN)
t.ok(ESC not in json_c, "JSON is never coloured")

# ---- progress ------------------------------------------------------------------
for cmd in (["ls", X86], ["info", X86], ["graph", X86], ["verify", X86], ["diff", X86, X86_V2]):
    name = cmd[0]
    rc, out, err = run(*cmd)
    rcp, outp, errp = run(cmd[0], "--progress", *cmd[1:])
    if name in ("info", "verify"):
        out, outp = NOW.sub("T", out), NOW.sub("T", outp)
    t.ok(err == "", "%s into a pipe: no progress by default" % name, err)
    t.ok(rcp == rc and outp == out, "%s --progress: standard output unchanged" % name)
    t.ok(re.search(r"^mumtool: %s: [1-9][0-9]* entries, [0-9.]+ MB in [0-9.]+ s$" % name, errp, re.M)
         and "\r" not in errp and ESC not in errp,
         "%s --progress off a terminal: plain lines of entries and bytes on standard error" % name, errp)
    _, _, errn = run(cmd[0], "--progress", "--no-progress", *cmd[1:])
    t.ok(errn == "", "%s --no-progress (last wins): none" % name, errn)
work = tempfile.mkdtemp(prefix="mum-opts-")
try:
    rc, out, err = run("extract", "--progress", X86, "-C", os.path.join(work, "x"))
    t.ok(rc == 0 and re.search(r"^mumtool: extract: [1-9][0-9]* entries", err, re.M),
         "extract --progress: the totals on standard error", err)

    # ---- -q and -v -----------------------------------------------------------------
    rc, out, err = run("verify", "-q", *BROKEN)
    sev = re.findall(r"^    (error|warning|note): ", out, re.M)
    t.ok(rc == rc0 and sev == ["error"] and "Components" not in out,
         "verify -q: only the error, no tables", out[:2000])
    rc, out, err = run("verify", "--quiet", "--no-matrix", *BROKEN)
    t.ok(re.findall(r"^    (error|warning|note): ", out, re.M) == ["error"], "--quiet is -q")
    rc, out, err = run("verify", "-q", "-v", "--no-matrix", *BROKEN)
    t.ok("    warning: " in out, "-q then -v: the last wins (not quiet)", out[:1000])
    rc, out, err = run("info", "-q", X86)
    t.ok(rc == 1 and "warning:" not in out and "signed-untrusted" in out,
         "info -q: the description, without findings below error", out[-800:])
    rc, out, err = run("extract", "-q", X86, "-C", os.path.join(work, "q"), "no-such-*")
    t.ok(rc == 1 and err == "", "extract -q: the warning of a pattern that matched nothing is not shown", err)
    rc, out, err = run("extract", X86, "-C", os.path.join(work, "nq"), "no-such-*")
    t.ok(rc == 1 and "matched no entry" in err, "... and it is without -q", err)
    rc, out, err = run("diff", "-q", X86, X86_V2)
    t.ok(rc == 1 and out == plain_d.split("\n\n")[0] + "\n", "diff -q: the summary only", out)

    _, out_ls, _ = run("ls", X86)
    rc, out, err = run("ls", "-v", X86)
    t.ok(out == out_ls and re.search(r"^mumtool: ls: [1-9][0-9]* entries, [0-9.]+ MB in ", err, re.M),
         "ls -v: the same listing, a line of totals on standard error", err)
    rc, out, err = run("verify", "-vv", *BROKEN)
    reading = re.findall(r"^mumtool: verify: reading (.*)$", err, re.M)
    t.ok(reading == BROKEN, "verify -vv: each input named as it is read", err)
    _, out_v, _ = run("verify", "-v", *BROKEN)
    t.ok(out_v == out, "verify -vv: the report of -v")

    # every command takes them
    for cmd in (["rules"], ["trust", "list"], ["name", "parse", "a~31bf3856ad364e35~x86~~1.0.0.0.mum"],
                ["ls", X86], ["graph", X86], ["show", os.devnull]):
        rc, out, err = run(*cmd)
        for opt in (["-q"], ["-v"], ["-vv"], ["--color=never"], ["--no-progress"]):
            rc2, out2, err2 = run(*(cmd[:2] if cmd[0] in ("trust", "name") else cmd[:1]), *opt,
                                  *(cmd[2:] if cmd[0] in ("trust", "name") else cmd[1:]))
            if rc2 == 2:
                break
        t.ok(rc2 != 2, "%s takes -q, -v, -vv, --color and --no-progress" % " ".join(cmd[:2]), err2)
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
