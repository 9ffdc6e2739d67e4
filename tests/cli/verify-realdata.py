#!/usr/bin/env python3
"""mumtool verify on the genuine packages of $MUM_REALDATA (TAP): the
KB2938772 cabinets verify with no error, every catalog member accounted for
and every payload digest matched; the KB2465285 express MSUs verify with no
error and list their delta-only payloads as not checkable; copies of a real
package with one byte changed, a manifest deleted or a catalog deleted fail
with the right rule."""
import collections
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool_json, realdata  # noqa: E402

t = Tap()
MSU = os.path.join(realdata(), "msu")
if not os.path.isdir(MSU):
    t.skip("verify on the real packages", "real data absent at %s (set MUM_REALDATA)" % MSU)
    t.done()

KB29 = [os.path.join(MSU, "Windows8.1-KB2938772-x64.cab"), os.path.join(MSU, "Windows8.1-KB2938772-x86.cab")]
KB24 = [os.path.join(MSU, "Windows6.1-KB2465285-x64.msu"), os.path.join(MSU, "Windows6.1-KB2465285-x86.msu")]


def rules(rep, severities=("error",)):
    return collections.Counter(f["rule"] for f in rep["findings"] if f["severity"] in severities)


rc, rep, err = mumtool_json("verify", "--format", "json", *KB29)
if t.ok(rep is not None, "KB2938772 x64 + x86: a report", err):
    t.ok(rc == 0 and rep["summary"]["errors"] == 0, "KB2938772 x64 + x86: exit 0, no errors",
         "exit %d: %s" % (rc, rules(rep)))
    every = rules(rep, ("info", "warning", "error"))
    t.ok(every["trust.member-unmatched"] == 0, "KB2938772: every catalog member is a file of its cabinet",
         every)
    t.ok(not any(r.startswith("payload.") for r in every), "KB2938772: every payload digest matched", every)
    comps = {(r["name"], r["part"]): [c["present"] for c in r["cells"]] for r in rep["matrix"]["components"]}
    t.ok(comps.get(("Microsoft-Windows-NDIS-TDI-BindingEngine", "native")) == [True, True] and
         comps.get(("Microsoft-Windows-NDIS-TDI-BindingEngine", "x86")) == [False, True],
         "KB2938772: the matrix shows the 32-bit ndis part inside the x64 package", comps)

rc, rep, err = mumtool_json("verify", "--format", "json", *KB24)
if t.ok(rep is not None, "KB2465285 MSUs: a report", err):
    t.ok(rc == 0 and rep["summary"]["errors"] == 0, "KB2465285 MSUs: exit 0, no errors",
         "exit %d: %s" % (rc, rules(rep)))
    notes = [f for f in rep["findings"] if f["rule"] == "payload.not-checkable"]
    pe = [f for f in notes if f["location"]["entry"].lower().endswith((".dll", ".sys", ".exe"))]
    t.ok(len(pe) >= 10 and all("delta" in f["message"] for f in notes),
         "KB2465285: the delta-only PE payloads are listed as not checkable (%d)" % len(pe), notes[:3])
    sigs = [s for i in rep["inputs"] for s in i["signatures"] if s["present"]]
    t.ok(len(sigs) == 4 and all(s["status"] == "signed-untrusted" for s in sigs),
         "KB2465285: MSU and inner cabinet signatures intact (signed-untrusted without anchors)", sigs)

# ---- copies of a real package, broken on purpose ---------------------------------------
work = tempfile.mkdtemp(prefix="mum-verify-real.")
try:
    def fresh():
        d = os.path.join(work, "kb")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        subprocess.run(["cabextract", "-q", "-d", d, KB29[0]], check=True, stderr=subprocess.DEVNULL)
        return d

    d = fresh()
    rc, rep, err = mumtool_json("verify", "--format", "json", d)
    t.ok(rep is not None and rc == 0 and rep["summary"]["errors"] == 0,
         "the extracted KB2938772 x64 cabinet (a folder) verifies clean", err or rules(rep))

    dll = glob.glob(os.path.join(d, "amd64_microsoft-windows-ndis-tdi-bindingengine_*", "netcfgx.dll"))[0]
    with open(dll, "r+b") as f:
        f.seek(5000)
        b = f.read(1)
        f.seek(5000)
        f.write(bytes([b[0] ^ 0x01]))
    rc, rep, err = mumtool_json("verify", "--format", "json", d)
    got = rules(rep) if rep else {}
    t.ok(rc == 1 and got.get("payload.digest-mismatch") == 1,
         "one byte of netcfgx.dll changed: payload.digest-mismatch", "exit %d %s" % (rc, got))

    d = fresh()
    os.remove(glob.glob(os.path.join(d, "amd64_microsoft-windows-ndis-tdi-bindingengine_*.manifest"))[0])
    rc, rep, err = mumtool_json("verify", "--format", "json", d)
    got = rules(rep) if rep else {}
    t.ok(rc == 1 and got.get("graph.missing-component", 0) >= 1 and
         all(r == "graph.missing-component" for r in got),
         "a manifest deleted: graph.missing-component", "exit %d %s" % (rc, got))

    d = fresh()
    os.remove(glob.glob(os.path.join(d, "Package_3_for_KB2938772*.cat"))[0])
    rc, rep, err = mumtool_json("verify", "--format", "json", d)
    got = rules(rep) if rep else {}
    t.ok(rc == 1 and got.get("trust.missing-catalog") == 1,
         "a catalog deleted: trust.missing-catalog", "exit %d %s" % (rc, got))
finally:
    shutil.rmtree(work, ignore_errors=True)

t.done()
