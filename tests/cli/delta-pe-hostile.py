#!/usr/bin/env python3
"""PA30 deltas of the PE file types (I386, AMD64) made at test time by
tests/tools/gen-pe-deltas.py (the independent writer's tiny PE builder and
preprocessing data), through `mumtool delta apply` and through the API
(tests/tools/delta-apply, for the status):

  - the valid ones (amd64 and i386, Windows' flags, a new TimeDateStamp and
    ImageBase, an identity RVA map, no source) give their targets byte for
    byte, exit 0;
  - the hostile ones (RIFT tables of the preprocessing data broken, the
    data cut at each field and byte, CLI bits, unknown flag bits and file
    types, sources that are not PE images or whose headers point past their
    end, directories and relocation blocks past the image) give the
    status the case names (EFORMAT or EUNSUPPORTED, ELIMIT for counts),
    exit 1 with one line on stderr naming the delta and the place (a byte
    offset, a value, both hashes) and no OUT; the cases whose address
    transforms move RVAs ("clean") may decode, or fail the same clean way.

No crash, no hang (each run has 60 s), no sanitizer report: run it in a
--enable-sanitizers build too."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, delta_apply_batch, srcdir  # noqa: E402

t = Tap()
gen = os.path.join(srcdir(), "tests", "tools", "gen-pe-deltas.py")
exe = os.environ["MUMTOOL"]
ERRORS = ("EFORMAT", "ELIMIT", "EUNSUPPORTED")
# a place: a byte (of the delta or of the source), a count or a value, both hashes
PLACE = re.compile(r"byte \d+|\d+ bytes|0x[0-9a-f]+|[0-9a-f]{32}.*[0-9a-f]{32}")
GROUPED = re.compile(r"(pe-pre-cut|pe-flip|pe-source-cut|pe-bodycut)-\d+$")

with tempfile.TemporaryDirectory(prefix="delta-pe-hostile.") as d:
    g = subprocess.run([sys.executable, gen, "--check", d], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    t.ok(g.returncode == 0, "gen-pe-deltas.py --check: the independent reader decodes every "
         "valid case to its target", g.stdout + g.stderr)
    cases = []
    with open(os.path.join(d, "cases.tsv")) as f:
        for line in f:
            name, src, delta, expect, what = line.rstrip("\n").split("\t")
            cases.append((name, src, delta, expect, what))
    t.ok(len(cases) > 250, "%d cases generated" % len(cases))

    # the API: the status of each
    status = delta_apply_batch(t, d, len(cases), 600)

    def api_verdict(name, expect):
        if name not in status:
            return "not run"
        st, size, cmp, msg = status[name]
        kind, _, arg = expect.partition(":")
        if st == "ok":
            if kind in ("ok", "any") and cmp == "same" or kind == "clean":
                return None
            return "decoded (%s bytes, %s the expected target)" % (size, cmp)
        if kind == "ok":
            return "%s: %s" % (st, msg)
        if kind == "error" and st not in arg.split(","):
            return "%s, not %s: %s" % (st, arg, msg)
        if st not in ERRORS:
            return "%s: %s" % (st, msg)
        return None

    # the command: exit status, one line naming the delta and a place, no OUT
    def cli_verdict(name, src, delta, expect):
        outp = os.path.join(d, name + ".out")
        dp = os.path.join(d, delta)
        try:
            r = subprocess.run([exe, "delta", "apply", os.path.join(d, src), dp, "-o", outp],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        except subprocess.TimeoutExpired:
            return "mumtool delta apply hung (60 s)"
        e = r.stderr.decode("utf-8", "replace")
        kind, _, arg = expect.partition(":")
        made = os.path.exists(outp)
        body = open(outp, "rb").read() if made else None
        if made:
            os.unlink(outp)
        if r.returncode == 0:
            if e:
                return "exit 0 with a message: %r" % e
            if kind in ("ok", "any"):
                want = open(os.path.join(d, arg), "rb").read()
                return None if body == want else "exit 0, another target (%d bytes)" % len(body)
            if kind == "clean":
                return None if made else "exit 0 and no OUT"
            return "exit 0, expected %s" % expect
        if kind == "ok":
            return "exit %d: %s" % (r.returncode, e.strip())
        if r.returncode != 1:
            return "exit %d (not 1): %s" % (r.returncode, e.strip()[:500])
        if made:
            return "exit 1 but OUT was written"
        lines = e.splitlines()
        if len(lines) != 1:
            return "%d lines on stderr: %r" % (len(lines), e[:800])
        if dp not in lines[0] and delta not in lines[0]:
            return "the message names not the delta: %r" % lines[0]
        if not PLACE.search(lines[0].replace(dp, "")):
            return "the message names no place: %r" % lines[0]
        return None

    groups = {}
    for name, src, delta, expect, what in cases:
        v = api_verdict(name, expect)
        c = cli_verdict(name, src, delta, expect)
        bad = "; ".join(x for x in (v and "API: " + v, c and "mumtool: " + c) if x) or None
        m = GROUPED.match(name)
        if m:
            groups.setdefault(m.group(1), []).append((name, what, bad))
            continue
        t.ok(bad is None, "%s: %s" % (name, what), bad)
    for grp, members in sorted(groups.items()):
        bad = [(n, b) for n, w, b in members if b]
        t.ok(not bad, "%s: %d deltas (%s)" % (grp, len(members), re.sub(r"\d+", "N", members[0][1])),
             "\n".join("%s: %s" % nb for nb in bad[:40]))
    # the bench's PE pair (bench/gen-delta.py --pe): both deltas, one body,
    # give the target through mumtool
    bp = os.path.join(d, "bench-pe")
    g = subprocess.run([sys.executable, os.path.join(srcdir(), "bench", "gen-delta.py"), "--pe",
                        "--mb", "1", bp], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    bad = [] if g.returncode == 0 else ["gen-delta.py --pe: %s" % g.stderr[-1500:]]
    for nm in ("pe.pa30", "raw.pa30") if not bad else ():
        o = os.path.join(bp, nm + ".out")
        r = subprocess.run([exe, "delta", "apply", os.path.join(bp, "source.bin"),
                            os.path.join(bp, nm), "-o", o], stderr=subprocess.PIPE)
        if r.returncode != 0 or open(o, "rb").read() != open(os.path.join(bp, "target.bin"), "rb").read():
            bad.append("%s: exit %d %s" % (nm, r.returncode, r.stderr.decode()[:300]))
    t.ok(not bad, "bench/gen-delta.py --pe: its AMD64 and RAW deltas give its target", "\n".join(bad))
    errs = [s for s in status.values() if s[0] != "ok"]
    sys.stderr.write("statuses: %s\n" % ", ".join(
        "%s %d" % (k, sum(1 for s in status.values() if s[0] == k))
        for k in sorted(set(s[0] for s in status.values()))))
    sys.stderr.write("distinct messages: %d\n" % len(set(s[3] for s in errs)))
t.done()
