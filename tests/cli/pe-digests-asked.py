#!/usr/bin/env python3
"""verify computes only the Authenticode digests the catalogs read so far
ask for (graph_walk.c): a v1 catalog lists a PE file by its Authenticode
SHA-1, a v2 one by SHA-256 and SHA-1, before any catalog both are computed.
Cabinets made here (gcab keeps the order it is given) of catalogs (mumtool
cat create) and PE files (samples/gen/pe.py), in orders that matter:

  - v1 catalog first, then the PE file and a data file it lists (by
    Authenticode SHA-1, by SHA-1): every member matches a file;
  - v2 catalog first, then the same: every member matches (SHA-256 and
    SHA-1, Authenticode for the PE file);
  - a v1 and a v2 catalog first: both digests, every member matches;
  - no catalog before the PE file, a v2 catalog after it: both computed,
    every member matches;
  - a v1 catalog first, the PE file, then a v2 catalog listing it: its
    Authenticode SHA-256 was not computed (nothing is read twice), which is
    said as a payload.not-checkable note for its SHA-256 member, never as a
    member no file matches; its SHA-1 member still matches;
  - a v1 catalog listing a PE file that is not in the cabinet still gives
    trust.member-unmatched (the skip hides no real mismatch).
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, mumtool_json, srcdir  # noqa: E402

t = Tap()
if not shutil.which("gcab"):
    t.skip("PE digests by catalog order", "gcab is not installed")
    t.done()
sys.path.insert(0, os.path.join(srcdir(), "samples", "gen"))
import pe as pegen  # noqa: E402

work = tempfile.mkdtemp(prefix="mum-pe-digests-")
try:
    pe_bytes = pegen.make_pe("amd64", "a.dll", "1.0.0.1", "asked", size=70000)
    open(os.path.join(work, "a.dll"), "wb").write(pe_bytes)
    open(os.path.join(work, "b.txt"), "wb").write(b"not a PE file\n" * 100)
    other = pegen.make_pe("amd64", "z.dll", "1.0.0.2", "absent", salt=b"z")
    open(os.path.join(work, "z.dll"), "wb").write(other)

    def cat(name, v1, files):
        args = ["cat", "create", "-o", os.path.join(work, name), "--force"]
        if v1:
            args.append("--v1")
        rc, out, err = mumtool(*(args + [os.path.join(work, f) for f in files]))
        assert rc == 0, err

    cat("v1-both.cat", True, ["a.dll", "b.txt"])
    cat("v2-both.cat", False, ["a.dll", "b.txt"])
    cat("v1-txt.cat", True, ["b.txt"])
    cat("v2-pe.cat", False, ["a.dll"])
    cat("v1-absent.cat", True, ["z.dll"])

    def verify(label, names):
        cab = os.path.join(work, label + ".cab")
        subprocess.run(["gcab", "-c", cab] + names, cwd=work, check=True)
        rc, rep, err = mumtool_json("verify", "--format", "json", cab)
        if rep is None:
            return None, err
        by = {}
        for f in rep["findings"]:
            if f["rule"] in ("trust.member-unmatched", "payload.not-checkable"):
                by.setdefault(f["rule"], []).append(f["message"])
        return by, err

    for label, names in (("v1-first", ["v1-both.cat", "a.dll", "b.txt"]),
                         ("v2-first", ["v2-both.cat", "a.dll", "b.txt"]),
                         ("v1-v2-first", ["v1-txt.cat", "v2-pe.cat", "a.dll", "b.txt"]),
                         ("v2-after", ["a.dll", "b.txt", "v2-both.cat"])):
        by, err = verify(label, names)
        t.ok(by == {}, "%s: every member matches a file, nothing not checkable" % label,
             "%r %s" % (by, err))

    by, err = verify("v2-late", ["v1-txt.cat", "a.dll", "b.txt", "v2-pe.cat"])
    nc = (by or {}).get("payload.not-checkable", [])
    t.ok(by is not None and "trust.member-unmatched" not in by,
         "v2 catalog after a PE file: no member called unmatched", "%r %s" % (by, err))
    t.ok(len(nc) == 1 and "SHA-256" in nc[0] and "not computed" in nc[0],
         "v2 catalog after a PE file: one note for its Authenticode SHA-256 member", "%r" % (by,))

    by, err = verify("v1-absent", ["v1-absent.cat", "a.dll"])
    t.ok(by is not None and len(by.get("trust.member-unmatched", [])) == 1 and
         "payload.not-checkable" not in by,
         "v1 catalog of an absent PE file: its member is unmatched", "%r %s" % (by, err))
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
