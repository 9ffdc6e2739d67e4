#!/usr/bin/env python3
"""The benchmark's package generator (bench/gen-verify-package.py) builds on
the samples' generator (samples/gen/generate.py); when the samples' Builder
changed, the bench's subclass crashed before writing anything and no test
saw it.  Here: a small bench package (3 manifests, 1 MiB of payload) is
generated and verifies with no error against the samples' test CA, as
bench/verify.sh runs it."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool_json, srcdir  # noqa: E402

t = Tap()
if not shutil.which("gcab"):
    t.skip("the bench generator", "gcab is not installed")
    t.done()
work = tempfile.mkdtemp(prefix="mum-bench-gen-")
try:
    out = os.path.join(work, "bench.cab")
    r = subprocess.run([sys.executable, os.path.join(srcdir(), "bench", "gen-verify-package.py"),
                        "--out", out, "--mumtool", os.environ["MUMTOOL"], "--manifests", "3",
                        "--payload-mb", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t.ok(r.returncode == 0 and os.path.exists(out), "gen-verify-package.py writes a 3-manifest package",
         r.stderr.decode("utf-8", "replace")[-2000:])
    rc, rep, err = mumtool_json("verify", "--format", "json", "--trust",
                                os.path.join(srcdir(), "samples", "test-ca.pem"), out)
    t.ok(rc == 0 and rep is not None and rep["summary"]["errors"] == 0,
         "the generated package verifies with no error",
         "exit %d %s %s" % (rc, err[-1000:], rep["summary"] if rep else ""))
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
