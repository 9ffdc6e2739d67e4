#!/usr/bin/env python3
"""Express payloads rebuilt from their cabinet (TAP), on the genuine express
packages of $MUM_REALDATA: verify gives no error and no warning; the files
whose deltas libmum decodes are rebuilt and checked: all of them, the amd64
and i386 PE deltas included, so no payload.not-checkable note (a file that
were left would be noted as not rebuilt with its chain and the unsupported
type).  Then,
in a copy of KB2465285-x64's express cabinet repacked with gcab at test
time: a basis removed from the index, a byte of a delta flipped, a loop of
bases, each give its error with the chain in the message."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, cabextract, findings_by_rule, mumtool_json, realdata  # noqa: E402

t = Tap()
MSU = os.path.join(realdata(), "msu")
X64 = os.path.join(MSU, "Windows6.1-KB2465285-x64.msu")
if not os.path.exists(X64):
    t.skip("express rebuild on the real packages", "real data absent at %s (set MUM_REALDATA)" % MSU)
    t.done()

EXPRESS = ["Windows6.1-KB2465285-x64.msu", "Windows6.1-KB2465285-x86.msu",
           "Windows6.1-KB3040017-x86.msu", "Windows6.1-KB2883457-x86.cab"]


def notes(rep):
    return [f for f in rep["findings"] if f["rule"] == "payload.not-checkable"]


for name in EXPRESS:
    path = os.path.join(MSU, name)
    if not os.path.exists(path):
        t.skip(name, "absent")
        continue
    rc, rep, err = mumtool_json("verify", "--format", "json", path)
    if not t.ok(rep is not None, "%s: a report" % name, err):
        continue
    s = rep["summary"]
    t.ok(s["errors"] == 0 and s["warnings"] == 0, "%s: 0 errors, 0 warnings" % name, s)
    bad = [f["message"] for f in notes(rep)
           if "not rebuilt (" not in f["message"] or " <- " not in f["message"] or
           "not supported yet" not in f["message"]]
    t.ok(not bad, "%s: each file not checkable names its chain and the unsupported delta" % name,
         "\n".join(bad[:3]))
    # Deltas with flag 0x1 (the E8 translation, undone after decoding) are
    # rebuilt and checked against the index: brdgcfg.dll (a RAW delta with
    # E8), recenv.exe (built on one whose length code has a lone 1-bit code).
    rebuilt = {"Windows6.1-KB2465285-x86.msu": "brdgcfg.dll",
               "Windows6.1-KB3040017-x86.msu": "unidrvui.dll",
               "Windows6.1-KB2883457-x86.cab": "6.1.7601.18246_none_cbe67bf5ce6af1e7/recenv.exe"}
    if name in rebuilt:
        left = [f["location"]["entry"] for f in notes(rep)]
        t.ok(not [e for e in left if e.endswith("/" + rebuilt[name]) or e.endswith("_" + rebuilt[name])],
             "%s: %s (flag 0x1, E8) is rebuilt and checked (no note)" % (name, rebuilt[name]), left)
        e8 = [f["message"] for f in notes(rep) if "E8" in f["message"] or "flag bits 0x1 " in f["message"]]
        t.ok(not e8, "%s: no file is left for flag 0x1 alone" % name, "\n".join(e8[:2]))
    # Every delta of each decodes: the RAW ones, the amd64 PE ones of
    # KB2465285-x64 (flags 0x2e63e, RVA maps that move, a bound source), the
    # i386 ones of the x86 packages (flags 0x2e1fe/0x2e1ff: the jump and call
    # transforms, targets that are no PE built from a DLL, a bound source
    # in KB3040017), so every file is rebuilt and its digest checked
    # against the index (before the i386 transforms: 12, 27 and 5 notes).
    left = sorted(f["location"]["entry"].rsplit("/", 1)[-1] for f in notes(rep))
    t.ok(not left, "%s: every file rebuilt and checked, no payload.not-checkable" % name, left)
    rebuild = [f["message"] for f in rep["findings"] if f["rule"].startswith("express.")]
    t.ok(not rebuild, "%s: no express.* finding (no rebuild error or mismatch)" % name,
         rebuild[:3])

# ---- broken chains in a repacked copy of the x64 express cabinet ----
if not shutil.which("gcab") or not shutil.which("cabextract"):
    t.skip("broken chains", "gcab or cabextract absent")
    t.done()

tmp = tempfile.mkdtemp(prefix="express-rebuild-")
try:
    outer = cabextract(X64, os.path.join(tmp, "msu"))
    inner = os.path.join(outer, "Windows6.1-KB2465285-x64.cab")
    order = subprocess.run(["gcab", "-t", inner], stdout=subprocess.PIPE, check=True).stdout.decode().split()
    base = cabextract(inner, os.path.join(tmp, "cab"))
    index = os.path.join(base, "_manifest_.cix.xml")
    with open(index, "rb") as f:
        cix = f.read().decode("utf-8")

    def verify_with(new_cix=None, flip=None):
        """Verifies the cabinet repacked with its index (and a blob) changed."""
        work = os.path.join(tmp, "work")
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(base, work)
        if new_cix is not None:
            with open(os.path.join(work, "_manifest_.cix.xml"), "wb") as f:
                f.write(new_cix.encode("utf-8"))
        if flip:
            blob, offset = flip
            with open(os.path.join(work, blob), "r+b") as f:
                f.seek(offset)
                b = f.read(1)
                f.seek(offset)
                f.write(bytes([b[0] ^ 0x01]))
        out = os.path.join(tmp, "x.cab")
        subprocess.run(["gcab", "-c", out] + order, cwd=work, check=True)
        return mumtool_json("verify", "--format", "json", out)

    def messages(rep, rule):
        return [f["message"] for f in rep["findings"] if f["rule"] == rule]

    rc, rep, err = verify_with()
    if t.ok(rep is not None, "repacked copy: a report", err):
        t.ok(not findings_by_rule(rep), "repacked copy, unchanged: no error", findings_by_rule(rep))

    # File 13 (7600's bridgemigplugin.dll) is a copy of file 14, the delta "0"
    # against nothing.
    t.ok('<Basis file="14"/>' in cix, "the index has file 13 on basis 14")
    rc, rep, err = verify_with(new_cix=cix.replace('<Basis file="14"/>', '<Basis file="999"/>', 1))
    if t.ok(rep is not None, "basis removed: a report", err):
        m = messages(rep, "express.bad-basis")
        t.ok(any("bridgemigplugin.dll <- basis 999 (not in the index)" in x for x in m),
             "basis removed: express.bad-basis with the chain", m or findings_by_rule(rep))

    rc, rep, err = verify_with(flip=("0", 5000))
    if t.ok(rep is not None, "delta byte flipped: a report", err):
        m = messages(rep, "express.rebuild-failed") + messages(rep, "express.rebuild-mismatch")
        t.ok(any("bridgemigplugin.dll <- basis 14 <- 0 (PA30)" in x for x in m),
             "delta byte flipped: the rebuild error on the file built on it, with the chain",
             m or findings_by_rule(rep))

    loop = re.sub(r'(<File id="14"[^>]*>.*?</Source>)', r'\1<Basis file="13"/>', cix, count=1, flags=re.S)
    t.ok(loop != cix, "a loop made in the index")
    rc, rep, err = verify_with(new_cix=loop)
    if t.ok(rep is not None, "loop: a report", err):
        m = messages(rep, "express.bad-basis")
        t.ok(any("form a loop" in x and "(a loop)" in x and " <- basis 1" in x for x in m),
             "loop: express.bad-basis with the chain", m or findings_by_rule(rep))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
