#!/usr/bin/env python3
"""Genuine signed cabinets whose Authenticode content names its data
SPC_LINK (1.3.6.1.4.1.311.2.1.28, as signtool writes for cabinets): the
signature holds (the file is digested as the cabinet it is, whatever data
type the content names), and a copy with one digested byte changed fails
with signature.file-digest - as osslsigncode's own digest says.  Inputs come
from MUM_REALDATA; skipped when absent."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool_json, realdata  # noqa: E402

t = Tap()
rd = realdata()
hyperv = os.path.join(rd, "hyperv")
cabs = sorted(os.path.join(hyperv, n) for n in os.listdir(hyperv)) if os.path.isdir(hyperv) else []
others = [os.path.join(rd, "msu", n) for n in ("Windows6.1-KB3040017-x86.msu", "Windows6.1-KB2883457-x86.cab")]
others = [p for p in others if os.path.exists(p)]
SPC_LINK = "1.3.6.1.4.1.311.2.1.28"


def rules(report):
    return sorted(set(f["rule"] for f in report["findings"]))


def info_sigs(path):
    rc, rep, err = mumtool_json("info", "--json", path)
    if rep is None:
        return rc, None, err
    return rc, [c["signature"] for c in rep["containers"] if c["signature"]["present"]], err


def osslsigncode_digests(path):
    """(signed, calculated) of the primary signature, or None."""
    if not shutil.which("osslsigncode"):
        return None
    r = subprocess.run(["osslsigncode", "verify", "-in", path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    cur = calc = None
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Current message digest") and cur is None:
            cur = line.split(":", 1)[1].split()[0].lower()
        elif line.startswith("Calculated message digest") and calc is None:
            calc = line.split(":", 1)[1].split()[0].lower()
    return (cur, calc) if cur and calc else None


if not cabs:
    t.skip("genuine Hyper-V cabinets", "MUM_REALDATA (%s) has no hyperv/ folder" % rd)
for path in cabs + others:
    name = os.path.basename(path)
    rc, sigs, err = info_sigs(path)
    ok = sigs is not None and len(sigs) > 0 and all(s["failedCheck"] is None for s in sigs)
    t.ok(ok and all(s["status"] == "trusted" for s in sigs),
         "info: %s: every signature intact (trusted by the built-in roots)" % name, err if sigs is None else sigs)
    if path in cabs:
        t.ok(sigs is not None and sigs and sigs[0]["signed"]["dataType"] == SPC_LINK,
             "info: %s: the signed data type is SPC_LINK" % name, sigs)
    rc, rep, err = mumtool_json("verify", "--format", "json", path)
    ok = rep is not None and "signature.file-digest" not in rules(rep)
    sig_status = [s.get("status") for i in rep["inputs"] for s in i["signatures"] if s["present"]] if rep else []
    t.ok(ok and sig_status and all(s == "trusted" for s in sig_status),
         "verify: %s: no signature.file-digest, signatures trusted" % name,
         err if rep is None else (sig_status, rules(rep)))

# A copy of each Hyper-V cabinet with one digested byte changed: the time of
# the first file's CFFILE entry (the data themselves are LZX-compressed and
# a changed byte there stops the reading with a checksum error first).
tmp = tempfile.mkdtemp(prefix="mum-cabsig-")
try:
    for path in cabs:
        name = os.path.basename(path)
        data = bytearray(open(path, "rb").read())
        coff_files = struct.unpack_from("<I", data, 16)[0]
        data[coff_files + 14] ^= 0x01        # CFFILE.time, low byte
        copy = os.path.join(tmp, name)
        with open(copy, "wb") as f:
            f.write(data)
        rc, sigs, err = info_sigs(copy)
        t.ok(rc == 1 and sigs and sigs[0]["status"] == "integrity-failed" and
             sigs[0]["failedCheck"] == "file-digest" and "differs from the signed one" in sigs[0]["detail"],
             "info: %s with a changed CFFILE byte: file-digest" % name, (rc, err, sigs))
        rc, rep, err = mumtool_json("verify", "--format", "json", copy)
        t.ok(rc == 1 and rep is not None and "signature.file-digest" in rules(rep),
             "verify: %s with a changed CFFILE byte: signature.file-digest" % name,
             err if rep is None else rules(rep))
        for what, p, intact in (("genuine", path, True), ("changed", copy, False)):
            d = osslsigncode_digests(p)
            if d is None:
                t.skip("osslsigncode agrees on the %s %s" % (what, name), "osslsigncode not installed")
                continue
            mine = mumtool_json("info", "--json", p)[1]["containers"][0]["signature"]["sha1"]
            t.ok((d[0] == d[1]) == intact and d[1] == mine,
                 "osslsigncode agrees on the %s %s (signed %s, computed %s)" % (what, name, d[0], d[1]),
                 "mumtool's sha1: %s" % mine)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
