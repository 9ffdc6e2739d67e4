#!/usr/bin/env python3
"""mumtool verify on the genuine packages of $MUM_REALDATA (TAP): the
KB2938772 cabinets verify with no error, every catalog member accounted for
and every payload digest matched; the KB2465285 express MSUs verify with no
error, their delta-only payloads rebuilt and checked, their signatures
trusted by the built-in anchors (signed-untrusted, a warning, without them);
KB2883457's update-bf.mum is a top package's fixed name; KB3040017's driver
files named in another case resolve and its driver catalog ntprint.cat is a
payload (a note), not an orphan; copies of a real package with one byte
changed, a manifest deleted, a catalog deleted or a driver catalog's
signature changed fail with the right rule."""
import collections
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool_json, realdata, srcdir  # noqa: E402

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
    # The delta-only payloads (amd64 and i386 PE deltas) are all rebuilt
    # from the express cabinets and their digests checked like plain ones.
    notes = [f for f in rep["findings"] if f["rule"] == "payload.not-checkable"]
    every = rules(rep, ("info", "warning", "error"))
    t.ok(not notes and not any(r.startswith("express.") for r in every),
         "KB2465285: the delta-only PE payloads are rebuilt and checked (no note)",
         [f["message"] for f in notes[:3]] or every)
    sigs = [s for i in rep["inputs"] for s in i["signatures"] if s["present"]]
    t.ok(len(sigs) == 4 and all(s["status"] == "trusted" for s in sigs),
         "KB2465285: MSU and inner cabinet signatures trusted by the built-in anchors", sigs)
    trust_warn = [r for r in rules(rep, ("warning",)) if r.startswith(("trust.", "signature."))]
    t.ok(not trust_warn and rep["summary"]["trustAnchors"] == 12,
         "KB2465285: no trust or signature warning, 12 anchors (the built-in ones)", rep["summary"])

# the built-in roots dropped: the same signatures intact but untrusted, and a
# warning (not an error): exit 0
rc, rep, err = mumtool_json("verify", "--format", "json", "--no-default-trust", *KB24)
if t.ok(rep is not None, "KB2465285 MSUs, --no-default-trust: a report", err):
    sigs = [s for i in rep["inputs"] for s in i["signatures"] if s["present"]]
    warn = {r: k for r, k in rules(rep, ("warning",)).items() if r.startswith(("trust.", "signature."))}
    t.ok(rc == 0 and rep["summary"]["errors"] == 0 and warn == {"trust.no-anchors": 1} and
         len(sigs) == 4 and all(s["status"] == "signed-untrusted" for s in sigs),
         "KB2465285, --no-default-trust: signed-untrusted, one trust.no-anchors warning, exit 0",
         "exit %d %s %s" % (rc, warn, sigs))

# the built-in roots dropped and an unrelated anchor given: the chains reach
# no anchor, an untrusted-root warning per signature, still no error
other = os.path.join(srcdir(), "samples", "test-ca.pem")
rc, rep, err = mumtool_json("verify", "--format", "json", "--no-default-trust", "--trust", other, KB24[0])
if t.ok(rep is not None, "KB2465285 x64, --no-default-trust --trust test-ca.pem: a report", err):
    warn = {r: k for r, k in rules(rep, ("warning",)).items() if r.startswith(("trust.", "signature."))}
    sigs = [s for i in rep["inputs"] for s in i["signatures"] if s["present"]]
    t.ok(rc == 0 and rep["summary"]["errors"] == 0 and list(warn) == ["signature.untrusted-root"] and
         warn["signature.untrusted-root"] >= len(sigs) == 2 and all(s["status"] == "signed-untrusted" for s in sigs),
         "KB2465285 x64, an unrelated anchor only: untrusted-root warnings, no error, exit 0",
         "exit %d %s %s" % (rc, warn, sigs))

# ---- kinds of genuine package that were false errors ------------------------------------
KB30 = os.path.join(MSU, "Windows6.1-KB3040017-x86.msu")
KB28 = os.path.join(MSU, "Windows6.1-KB2883457-x86.cab")
NTPRINT = "x86_ntprint.inf_31bf3856ad364e35_6.1.7601.23005_none_3d9d3afa3209dbcb"
# the outer signatures name their data SPC_LINK: fixed elsewhere, not counted here
OTHERS = {"signature.file-digest"}


def wrong(rep):
    """Errors and warnings, but the SPC_LINK digests and the anchors nobody gave."""
    return collections.Counter(f["rule"] for f in rep["findings"] if f["severity"] in ("error", "warning") and
                               f["rule"] not in OTHERS and f["rule"] != "trust.no-anchors")


def at(rep, rule, entry_end):
    return [f for f in rep["findings"] if f["rule"] == rule and
            f["location"].get("entry", "").lower().endswith(entry_end.lower())]


if os.path.exists(KB28):
    rc, rep, err = mumtool_json("verify", "--format", "json", KB28)
    if t.ok(rep is not None, "KB2883457: a report", err):
        t.ok(not rules(rep, ("error", "warning", "info"))["manifest.name-mismatch"] and not wrong(rep),
             "KB2883457: update-bf.mum, a top package's fixed name, is no name mismatch; nothing else wrong",
             wrong(rep) + rules(rep, ("error", "warning", "info")))
        # Each catalog checked says so in a signature.no-anchors note when no
        # anchor is given (a trusted one gives no finding).
        _, bare, _ = mumtool_json("verify", "--format", "json", "--no-default-trust", KB28)
        cats = {f["location"]["entry"].split("!")[-1] for f in (bare or rep)["findings"]
                if f["rule"] == "signature.no-anchors" and f["location"]["entry"].lower().endswith(".cat")}
        t.ok("update-bf.cat" in cats and not rules(rep, ("error", "warning", "info"))["trust.missing-catalog"],
             "KB2883457: update-bf.mum's catalog is update-bf.cat (checked)", cats)
else:
    t.skip("KB2883457", "%s absent" % KB28)

if os.path.exists(KB30):
    rc, rep, err = mumtool_json("verify", "--format", "json", KB30)
    if t.ok(rep is not None, "KB3040017: a report", err):
        t.ok(not wrong(rep), "KB3040017: no error, no warning (but SPC_LINK and anchors)", wrong(rep))
        every = rules(rep, ("error", "warning", "info"))
        notes = [f for f in rep["findings"] if f["rule"] == "payload.not-checkable" and
                 ("%s/i386/" % NTPRINT) in f["location"]["entry"].lower()]
        # all rebuilt from the cabinet (i386 PE deltas included) and checked
        # like plain payloads: no note
        t.ok(every["payload.missing"] == 0 and len(notes) == 0,
             "KB3040017: ntprint's 29 files named I386\\X.DLL resolve to the index's i386/x.dll "
             "(rebuilt and checked)",
             "%d notes; %s" % (len(notes), every))
        pc = at(rep, "trust.payload-catalog", NTPRINT + "/ntprint.cat")
        t.ok(every["graph.orphan-catalog"] == 0 and len(pc) == 1 and pc[0]["severity"] == "info" and
             "trusted" in pc[0]["message"],
             "KB3040017: ntprint.cat is a driver's catalog (a note, its signature checked), not an orphan",
             pc or every)
        _, bare, _ = mumtool_json("verify", "--format", "json", "--no-default-trust", KB30)
        t.ok(bare is not None and len(at(bare, "signature.no-anchors", "ntprint.cat")) == 1,
             "KB3040017: ntprint.cat's signature verified like a package catalog's",
             bare and rules(bare, ("error", "warning", "info")))
else:
    t.skip("KB3040017", "%s absent" % KB30)

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

    # KB3040017's inner cabinet as a folder, then ntprint.cat's signature changed
    if os.path.exists(KB30):
        d = os.path.join(work, "kb30")
        outer = os.path.join(work, "kb30-outer")
        os.makedirs(outer)
        subprocess.run(["cabextract", "-q", "-d", outer, KB30], check=True, stderr=subprocess.DEVNULL)
        subprocess.run(["cabextract", "-q", "-d", d, os.path.join(outer, "Windows6.1-KB3040017-x86.cab")],
                       check=True, stderr=subprocess.DEVNULL)
        rc, rep, err = mumtool_json("verify", "--format", "json", d)
        t.ok(rep is not None and rc == 0 and not wrong(rep) and
             len(at(rep, "trust.payload-catalog", "ntprint.cat")) == 1,
             "KB3040017 extracted (a folder): clean, ntprint.cat a driver's catalog",
             err or wrong(rep))
        cat = glob.glob(os.path.join(d, NTPRINT, "ntprint.cat"))[0]
        with open(cat, "rb") as f:
            der = bytearray(f.read())
        # the signer's encryptedDigest: rsaEncryption, NULL, OCTET STRING of 256 bytes (the
        # first such: the timestamp's countersignature comes after it)
        mark = bytes.fromhex("06092a864886f70d0101010500048201 00".replace(" ", ""))
        k = der.find(mark)
        if t.ok(k > 0, "ntprint.cat: its signer's RSA signature found", len(der)):
            der[k + len(mark) + 100] ^= 0x01
            with open(cat, "wb") as f:
                f.write(der)
            rc, rep, err = mumtool_json("verify", "--format", "json", d)
            sig = [f for f in at(rep, "signature.bad-signature", "ntprint.cat") if f["severity"] == "error"] \
                if rep else []
            t.ok(rc == 1 and len(sig) == 1,
                 "ntprint.cat with one bit of its signature changed: signature.bad-signature",
                 err or rules(rep, ("error", "warning")))
finally:
    shutil.rmtree(work, ignore_errors=True)

t.done()
