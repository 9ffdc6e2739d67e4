#!/usr/bin/env python3
"""The PA30 decoder (mum_delta_apply, through tests/tools/delta-apply) on the
deltas tests/tools/gen-hostile-deltas.py makes at test time with the
independent writer: every valid one decodes to its target byte for byte;
every hostile one (truncations, bit flips, crafted tables, offsets, lengths,
sizes, hashes, RIFT and segment counts, refused file types) gives
EFORMAT, ELIMIT or EUNSUPPORTED with a one-line message that names the
place (a byte offset, or both hashes) or, for EUNSUPPORTED, what is refused
(the file type, flag or algorithm), never a crash, a hang or a leak (run
it in a --enable-sanitizers build: any ASan/UBSan/LSan report fails it)."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, delta_apply_batch, srcdir  # noqa: E402

t = Tap()
gen = os.path.join(srcdir(), "tests", "tools", "gen-hostile-deltas.py")
ERRORS = ("EFORMAT", "ELIMIT", "EUNSUPPORTED")
PLACE = re.compile(r"byte \d+|\d+ bytes|[0-9a-f]{32}.*[0-9a-f]{32}")
NAMED = re.compile(r"0x[0-9a-f]+|PA19")

with tempfile.TemporaryDirectory(prefix="delta-hostile.") as d:
    g = subprocess.run([sys.executable, gen, "--check", d], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    t.ok(g.returncode == 0, "gen-hostile-deltas.py --check: the independent reader agrees with "
         "every case", g.stdout + g.stderr)
    cases = []
    with open(os.path.join(d, "cases.tsv")) as f:
        for line in f:
            name, src, delta, expect, what = line.rstrip("\n").split("\t")
            cases.append((name, expect, what))
    results = delta_apply_batch(t, d, len(cases), 900)

    def verdict(name, expect):
        if name not in results:
            return "not run"
        status, size, cmp, msg = results[name]
        kind, _, arg = expect.partition(":")
        if status == "ok":
            if kind in ("ok", "any") and cmp == "same":
                return None
            if kind == "nocrash":
                return None
            return "decoded (%s bytes, %s the expected target)" % (size, cmp)
        if kind == "ok":
            return "%s: %s" % (status, msg)
        if kind == "error" and status not in arg.split(","):
            return "%s, not %s: %s" % (status, arg, msg)
        if kind != "nocrash" and status not in ERRORS:
            return "%s: %s" % (status, msg)
        if kind == "nocrash":
            return None
        if status == "EUNSUPPORTED":
            # what is refused is named: the file type, flag, algorithm or format
            if not (msg and NAMED.search(msg)):
                return "%s with a message naming nothing refused: %r" % (status, msg)
        elif not (msg and PLACE.search(msg)):
            return "%s with a message naming no place: %r" % (status, msg)
        return None

    groups = {}
    for name, expect, what in cases:
        g = re.match(r"(cut-simple|cut|bodycut-simple|bodycut|flip-nohash|flip)-\d+$", name)
        if g:
            groups.setdefault(g.group(1), []).append((name, expect, what))
            continue
        v = verdict(name, expect)
        t.ok(v is None, "%s: %s" % (name, what), v)
    for grp, members in sorted(groups.items()):
        bad = [(n, verdict(n, e)) for n, e, w in members]
        bad = [(n, v) for n, v in bad if v]
        t.ok(not bad, "%s: %d deltas (%s)" % (grp, len(members), members[0][2].split(" (")[0]),
             "\n".join("%s: %s" % nv for nv in bad[:40]))
    msgs = sorted(set(r[3] for r in results.values() if r[0] != "ok"))
    sys.stderr.write("distinct messages: %d\n%s\n" % (len(msgs), "\n".join(msgs[:50])))
t.done()
