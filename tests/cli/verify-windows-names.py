#!/usr/bin/env python3
"""Names as Windows compares them, on copies of the sample package made
here (TAP; nothing of Microsoft's): a payload folder and file that differ
in case from the manifest, and a file the manifest names through a
backslashed subfolder, resolve; a file truly absent is still
payload.missing.  A top package's fixed names (update.mum,
update-TAG.mum) are not name mismatches, a Package_* name that differs
from its identity still is.  A catalog a manifest lists as a file is a
driver's own (trust.payload-catalog), not an orphan."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool_json, srcdir  # noqa: E402

t = Tap()
# the samples are signed by their own test CA, not by a built-in root
TEST_CA = os.path.join(srcdir(), "samples", "test-ca.pem")
MSU = os.path.join(srcdir(), "samples", "kb943650", "Windows6.0-KB943650-x86.msu")
if not shutil.which("cabextract"):
    t.skip("names as Windows compares them", "cabextract is not installed")
    t.done()


def rules(rep, severities=("error", "warning")):
    out = {}
    for f in rep["findings"] if rep else []:
        if f["severity"] in severities:
            out[f["rule"]] = out.get(f["rule"], 0) + 1
    return out


work = tempfile.mkdtemp(prefix="mum-names.")
try:
    def fresh():
        """The sample's inner cabinet as a folder."""
        d = os.path.join(work, "pkg")
        shutil.rmtree(d, ignore_errors=True)
        outer = os.path.join(work, "outer")
        shutil.rmtree(outer, ignore_errors=True)
        os.makedirs(outer)
        subprocess.run(["cabextract", "-q", "-d", outer, MSU], check=True, stderr=subprocess.DEVNULL)
        inner = glob.glob(os.path.join(outer, "Windows6.0-KB943650-x86.cab"))[0]
        subprocess.run(["cabextract", "-q", "-d", d, inner], check=True, stderr=subprocess.DEVNULL)
        return d

    d = fresh()
    rc, rep, err = mumtool_json("verify", "--format", "json", "--trust", TEST_CA, d)
    t.ok(rep is not None and rc == 0 and rules(rep, ("error",)) == {},
         "the sample as a folder verifies with no error", err or rules(rep))

    # ---- case and separators -------------------------------------------------------------
    sec = glob.glob(os.path.join(d, "x86_microsoft-windows-network-security_*[0-9a-f]"))[0]
    manifest = sec + ".manifest"
    upper = os.path.join(d, os.path.basename(sec).upper())
    os.rename(sec, upper)                                     # the folder in upper case
    os.rename(os.path.join(upper, "fwpuclnt.dll"), os.path.join(upper, "FwpUClnt.DLL"))
    # bfe.dll named as "Sub\BFE.DLL" by the manifest, stored as sub/bfe.dll
    os.makedirs(os.path.join(upper, "sub"))
    os.rename(os.path.join(upper, "bfe.dll"), os.path.join(upper, "sub", "bfe.dll"))
    with open(manifest, "rb") as f:
        text = f.read()
    with open(manifest, "wb") as f:
        f.write(text.replace(b'<file name="bfe.dll"', b'<file name="Sub\\BFE.DLL"', 1))
    rc, rep, err = mumtool_json("verify", "--format", "json", "--trust", TEST_CA, d)
    got = rules(rep)
    missing = [f["message"] for f in rep["findings"] if f["rule"] == "payload.missing"] if rep else []
    t.ok(rep is not None and not missing and "graph.orphan-payload" not in got,
         "payload folder and file in another case, a file under Sub\\ with '\\': all resolve",
         err or "%s\n%s" % (got, "\n".join(missing)))
    # the manifest was edited: its catalog no longer lists it (and nothing else is wrong)
    t.ok(set(got) <= {"trust.manifest-not-in-catalog", "trust.no-anchors"},
         "the edited manifest is only not in its catalog", got)
    digests = [f for f in rep["findings"] if f["rule"].startswith("payload.")] if rep else []
    t.ok(not digests, "the payloads found through another case match their digests", digests)

    os.remove(os.path.join(upper, "ikeext.dll"))
    rc, rep, err = mumtool_json("verify", "--format", "json", "--trust", TEST_CA, d)
    missing = [f["message"] for f in rep["findings"] if f["rule"] == "payload.missing"] if rep else []
    t.ok(rc == 1 and len(missing) == 1 and "ikeext.dll" in missing[0],
         "a file truly absent is still payload.missing", err or missing)

    # ---- a top package's fixed names ----------------------------------------------------------
    d = fresh()
    for src, dst in (("Package_1_for_kb943650", "update-bf"), ("Package_2_for_kb943650", "UPDATE")):
        for ext in (".mum", ".cat"):
            old = glob.glob(os.path.join(d, src + "~*" + ext))[0]
            os.rename(old, os.path.join(d, dst + ext.upper() if dst == "UPDATE" else dst + ext))
    rc, rep, err = mumtool_json("verify", "--format", "json", "--trust", TEST_CA, d)
    t.ok(rep is not None and rules(rep, ("error",)) == {},
         "Package_1 as update-bf.mum/.cat, Package_2 as UPDATE.MUM/.CAT: no error (names, catalogs)",
         err or rules(rep))
    wrong = glob.glob(os.path.join(d, "Package_3_for_kb943650~*.mum"))[0]
    for ext in (".mum", ".cat"):
        os.rename(wrong[:-4] + ext, os.path.join(d, "Package_3_for_kb943650~31bf3856ad364e35~x86~~6.0.1.1" + ext))
    rc, rep, err = mumtool_json("verify", "--format", "json", "--trust", TEST_CA, d)
    t.ok(rc == 1 and rules(rep, ("error",)) == {"manifest.name-mismatch": 1},
         "a Package_* .mum named with another version: still manifest.name-mismatch", err or rules(rep))

    # ---- a catalog a component installs as a file: a driver's own ---------------------------
    d = fresh()
    sec = glob.glob(os.path.join(d, "x86_microsoft-windows-network-security_*[0-9a-f]"))[0]
    shutil.copy(glob.glob(os.path.join(d, "Package_1_for_kb943650*.cat"))[0], os.path.join(sec, "Driver.cat"))
    with open(sec + ".manifest", "rb") as f:
        text = f.read()
    with open(sec + ".manifest", "wb") as f:
        f.write(text.replace(b"<file ", b'<file name="driver.CAT"/><file ', 1))
    rc, rep, err = mumtool_json("verify", "--format", "json", "--trust", TEST_CA, d)
    pc = [f for f in rep["findings"] if f["rule"] == "trust.payload-catalog"] if rep else []
    got = rules(rep)
    t.ok(len(pc) == 1 and pc[0]["severity"] == "info" and pc[0]["location"]["entry"].endswith("/Driver.cat") and
         "graph.orphan-catalog" not in got and "payload.missing" not in got,
         "a .cat a manifest lists as a file: trust.payload-catalog (a note), no orphan, not missing",
         err or "%s %s" % (pc, got))
    unmatched = [f for f in rep["findings"] if f["rule"] == "trust.member-unmatched" and
                 f["location"]["entry"].endswith("/Driver.cat")] if rep else []
    t.ok(unmatched and all(f["severity"] == "info" and os.path.basename(sec) in f["message"] for f in unmatched),
         "its members are looked for in its own folder only: the package's manifests it lists are notes",
         unmatched[:3] or got)
    t.ok(got.get("trust.payload-not-in-catalog") == 1,
         "it is a payload of the package's chain: its package catalog must list it", got)
finally:
    shutil.rmtree(work, ignore_errors=True)

t.done()
