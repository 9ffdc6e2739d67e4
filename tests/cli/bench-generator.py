#!/usr/bin/env python3
"""The benchmark's package generator (bench/gen-verify-package.py) builds on
the samples' generator (samples/gen/generate.py); when the samples' Builder
changed, the bench's subclass crashed before writing anything and no test
saw it.  Here: a small bench package (3 manifests, 1 MiB of payload) is
generated and verifies with no error against the samples' test CA, as
bench/verify.sh runs it; and with --express (bench/express.sh), the
express cabinet of the same files (payloads as PA30 deltas made by
tests/tools/pa30write.py, _manifest_.cix.xml) verifies with no error too."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, mumtool_json, srcdir  # noqa: E402

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
    xout = os.path.join(work, "express.cab")
    r = subprocess.run([sys.executable, os.path.join(srcdir(), "bench", "gen-verify-package.py"),
                        "--out", os.path.join(work, "plain.cab"), "--express", xout,
                        "--mumtool", os.environ["MUMTOOL"], "--manifests", "12",
                        "--payload-mb", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t.ok(r.returncode == 0 and os.path.exists(xout), "gen-verify-package.py --express writes both",
         r.stderr.decode("utf-8", "replace")[-2000:])
    rc, out_ls, err = mumtool("ls", xout)
    blobs = [ln for ln in out_ls.split() if ln.isdigit()]
    t.ok(rc == 0 and "_manifest_.cix.xml" in out_ls and len(blobs) > 5,
         "the express cabinet holds the index and the payloads as numbered blobs (%d)" % len(blobs),
         out_ls[-1500:] + err[-500:])
    for nm in ("plain.cab", "express.cab"):
        rc, rep, err = mumtool_json("verify", "--format", "json", "--trust",
                                    os.path.join(srcdir(), "samples", "test-ca.pem"),
                                    os.path.join(work, nm))
        t.ok(rc == 0 and rep is not None and rep["summary"]["errors"] == 0,
             "the generated %s verifies with no error" % nm,
             "exit %d %s %s" % (rc, err[-1000:], rep["summary"] if rep else ""))
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
