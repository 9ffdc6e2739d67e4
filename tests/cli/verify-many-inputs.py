#!/usr/bin/env python3
"""mumtool verify of many small inputs in one call, read at once (TAP).

mum_graph_build reads a run of small inputs on the worker pool, a few
consecutive inputs a job, each job into a graph of its own merged into the
whole in input order (graph.c, read_shards), and mum_verify_graph judges
their signatures and manifests in parts on the pool (verify.c).  The report
must be the one of reading and judging them one after another
(MUMTOOL_TEST_SINGLE_THREAD): the same JSON
and text byte for byte, exit status and messages, run after run; with an
input that cannot be read in the middle, the same error naming that input
(reading stops there, as in order).  The inputs are the committed samples
(every broken variant: many findings, of each input) and container
fixtures, several times over under other names (copies in a temporary
folder), so that batches end at different inputs.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, srcdir  # noqa: E402

t = Tap()
src = srcdir()
inputs = sorted(glob.glob(os.path.join(src, "samples", "kb943650*", "*.msu")) +
                glob.glob(os.path.join(src, "samples", "broken", "*", "*.msu")))
for name in ("plain.cab", "nested.cab", "deep.cab", "names.cab", "blocks.cab", "gap.cab", "trailing.cab",
             "sigfake.cab", "express.cab", "Windows6.1-KB9999999-x64.msu"):
    inputs.append(os.path.join(src, "tests", "fixtures", "containers", name))
bad = os.path.join(src, "tests", "fixtures", "containers", "badsum.cab")
trust = os.path.join(src, "samples", "test-ca.pem")

tmp = tempfile.mkdtemp(prefix="verify-many-inputs-")
try:
    files = []
    for k in range(3):
        for i, f in enumerate(inputs):
            dst = os.path.join(tmp, "%d-%03d-%s" % (k, i, os.path.basename(f)))
            shutil.copyfile(f, dst)
            files.append(dst)
    # one more: a run of 3 * len(inputs) + 1 inputs, not a multiple of a batch
    files.append(inputs[0])

    def verify(args, one):
        env = dict(os.environ)
        env.pop("MUMTOOL_TEST_SINGLE_THREAD", None)
        if one:
            env["MUMTOOL_TEST_SINGLE_THREAD"] = "1"
        r = subprocess.run([os.environ.get("MUMTOOL", "mumtool"), "verify", "-v", "--trust", trust] + args,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # -v's totals end with the time taken
        err = re.sub(rb" in [0-9.]+ s", b" in T s", r.stderr)
        return r.returncode, r.stdout, err

    for fmt in ("json", "text"):
        args = ["--format", fmt] + files
        one = verify(args, True)
        t.ok(one[0] == 1 and one[1], "%s, %d inputs on one thread: a report with findings" % (fmt, len(files)),
             "exit %d: %s" % (one[0], one[2]))
        runs = [verify(args, False) for _ in range(3)]
        t.ok(all(r == one for r in runs), "%s, read at once: the same report, status and messages, 3 times" % fmt,
             "\n".join(r[1].decode(errors="replace")[:3000] for r in runs if r != one))

    middle = files[: len(files) // 2] + [bad] + files[len(files) // 2:]
    args = ["--format", "json"] + middle
    one = verify(args, True)
    t.ok(one[0] == 3 and b"badsum.cab" in one[2], "an unreadable input among them: the error names it",
         "exit %d: %s" % (one[0], one[2]))
    runs = [verify(args, False) for _ in range(3)]
    t.ok(all(r == one for r in runs), "read at once: the same error, status and output, 3 times",
         "\n".join(repr(r)[:3000] for r in runs if r != one))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
