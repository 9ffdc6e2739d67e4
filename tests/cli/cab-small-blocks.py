#!/usr/bin/env python3
"""Cabinets of stored CFDATA blocks smaller than 32 KiB (TAP).

MS-CAB lets a CFDATA block hold any size up to 32768 bytes and Windows
reads them all; libarchive's cabinet reader takes only 32768 before a
folder's last block, so such a cabinet, on its own or nested in another
(an .msu's inner cabinet), failed with "Invalid CFDATA".  The walk regroups
stored blocks for it (src/lib/cab_reblock.c).  Each cabinet here, made by
the fixtures' generator with blocks of 1 to 32768 bytes, on its own and
nested one and two deep in cabinets of 32 KiB blocks, must extract to its
files' bytes and verify exactly as its twin of 32 KiB blocks does, on
threads and on one (MUMTOOL_TEST_SINGLE_THREAD).
"""
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, srcdir  # noqa: E402

spec = importlib.util.spec_from_file_location(
    "make_fixtures", os.path.join(srcdir(), "tests", "fixtures", "containers", "make-fixtures.py"))
mf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mf)

t = Tap()
exe = os.environ.get("MUMTOOL", "mumtool")
data = bytes((i * 2654435761 >> 24) & 255 for i in range(70000))


def cabinet(block, depth, size):
    files = [("big.bin", data[:size]), ("after.txt", b"after\n")]
    cab = mf.cab(files, block=block)
    want = {name: d for name, d in files}
    for _ in range(depth):
        cab = mf.cab([("note.txt", b"note\n"), ("inner.cab", cab)])
        want = dict({"inner.cab/" + k: v for k, v in want.items()}, **{"note.txt": b"note\n"})
    return cab, want


def run(args, cwd, one):
    env = dict(os.environ)
    env.pop("MUMTOOL_TEST_SINGLE_THREAD", None)
    if one:
        env["MUMTOOL_TEST_SINGLE_THREAD"] = "1"
    r = subprocess.run([exe] + args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode, r.stdout, r.stderr


def tree(folder):
    out = {}
    for dirpath, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, folder)] = f.read()
    return out


tmp = tempfile.mkdtemp(prefix="cab-small-blocks-")
try:
    for depth in (0, 1, 2):
        twin_dir = os.path.join(tmp, "twin")
        for block in (1, 100, 1000, 1700, 2000, 32768):
            small_dir = os.path.join(tmp, "small")
            for d in (small_dir, twin_dir):
                os.makedirs(d, exist_ok=True)
            size = 3000 if block == 1 else len(data)  # the block count is 16 bits
            cab, want = cabinet(block, depth, size)
            twin, _ = cabinet(32768, depth, size)
            with open(os.path.join(small_dir, "pkg.cab"), "wb") as f:
                f.write(cab)
            with open(os.path.join(twin_dir, "pkg.cab"), "wb") as f:
                f.write(twin)
            for one in (False, True):
                what = "blocks of %d, %d deep%s" % (block, depth, ", one thread" if one else "")
                out = os.path.join(tmp, "out")
                shutil.rmtree(out, ignore_errors=True)
                rc, _, err = run(["extract", "-C", out, "pkg.cab"], small_dir, one)
                got = tree(out) if rc == 0 else {}
                t.ok(rc == 0 and got == want, "extract: " + what,
                     "exit %d: %s; files %s" % (rc, err.decode("utf-8", "replace").strip(), sorted(got)))
                small = run(["verify", "pkg.cab"], small_dir, one)
                ref = run(["verify", "pkg.cab"], twin_dir, one)
                t.ok(small == ref, "verify as with 32 KiB blocks: " + what,
                     "exit %d, %r\nagainst exit %d, %r" % (small[0], small[2][-300:], ref[0], ref[2][-300:]))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
