#!/usr/bin/env python3
"""Chain integrity of genuine catalogs, with and without anchors (issue 17):
a catalog whose signer certificate, or whose timestamp signer certificate,
has one byte of its signature value flipped is broken (signature.chain-broken,
and signature.timestamp for the timestamp's) WITHOUT --trust, for Windows 7
catalogs (legacy countersignature) and Windows 8.1 ones (RFC 3161); the
genuine catalogs stay intact, and trusted with the Microsoft roots.  The
catalogs are taken out of MUM_REALDATA's packages at run time and damaged in
a scratch folder; the certificate is found by a DER walk (by its serial), not
at a fixed offset.  Skipped when the real data are absent."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, mumtool_json, realdata  # noqa: E402

t = Tap()
rd = realdata()
# the Microsoft roots beside the real data (shared/trust/), or MUM_TRUST_ROOTS
roots = os.environ.get("MUM_TRUST_ROOTS") or os.path.join(rd, "..", "trust", "microsoft-roots.pem")
SOURCES = [  # (package, catalog inside it, expected timestamp kind)
    ("msu/Windows6.1-KB2465285-x86.msu", "Windows6.1-KB2465285-x86.cab!update.cat", "countersignature"),
    ("msu/Windows6.1-KB3040017-x86.msu", "Windows6.1-KB3040017-x86.cab!update.cat", "countersignature"),
    ("msu/Windows8.1-KB2938772-x86.cab", "update.cat", "rfc3161"),
]


# ---- a small DER walk ----

def header(b, i):
    """(tag, offset of the contents, length) of the element at i."""
    tag = b[i]
    i += 1
    if tag & 0x1f == 0x1f:
        while b[i] & 0x80:
            i += 1
        i += 1
    n = b[i]
    i += 1
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    return tag, i, n


def elements(b, start, end):
    i = start
    while i < end:
        tag, body, n = header(b, i)
        yield tag, body, n
        i = body + n


def certificates(b):
    """{serial (upper-case hex): offset of the last byte of its signatureValue}
    for every Certificate-shaped SEQUENCE (SEQUENCE {tbs SEQUENCE, algorithm
    SEQUENCE, BIT STRING}) in the constructed elements of b, a timestamp
    token's included."""
    found = {}
    todo = [(0, len(b))]
    while todo:
        start, end = todo.pop()
        for tag, body, n in elements(b, start, end):
            if not tag & 0x20:
                continue
            kids = list(elements(b, body, body + n))
            if tag == 0x30 and [k[0] for k in kids] == [0x30, 0x30, 0x03]:
                tbs = list(elements(b, kids[0][1], kids[0][1] + kids[0][2]))
                k = 1 if tbs and tbs[0][0] == 0xa0 else 0      # [0] version
                if len(tbs) > k and tbs[k][0] == 0x02:
                    serial = b[tbs[k][1]:tbs[k][1] + tbs[k][2]].hex().upper().lstrip("0")
                    found.setdefault(serial, []).append(kids[2][1] + kids[2][2] - 1)
                    continue
            todo.append((body, body + n))
    return found


def damaged(src, serial, dst):
    b = bytearray(open(src, "rb").read())
    at = certificates(b).get(serial.upper().lstrip("0"), [])
    if len(at) != 1:
        return False
    b[at[0]] ^= 0x01
    with open(dst, "wb") as f:
        f.write(b)
    return True


def cat_verify(path, *extra):
    """With no anchor at all (the built-in roots dropped) unless extra adds
    some: integrity is then all there is to judge."""
    rc, rep, err = mumtool_json("cat", "verify", "--json", "--no-default-trust", *extra, path)
    return rc, (rep[0] if rep else None), err


def rules(rep):
    return sorted(set(f["rule"] for f in rep["findings"]))


if not os.path.isdir(os.path.join(rd, "msu")):
    t.skip("catalog chain integrity on real catalogs", "MUM_REALDATA (%s) has no msu/ folder" % rd)
    t.done()

tmp = tempfile.mkdtemp(prefix="mum-catchain-")
try:
    for pkg, entry, kind in SOURCES:
        src = os.path.join(rd, pkg)
        name = "%s!%s" % (os.path.basename(pkg), entry)
        if not os.path.exists(src):
            t.skip(name, "%s absent" % src)
            continue
        out = os.path.join(tmp, os.path.basename(pkg))
        rc, _, err = mumtool("extract", src, "-C", out, entry)
        cat = os.path.join(out, *entry.replace("!", "/").split("/"))
        if not t.ok(rc == 0 and os.path.exists(cat), "%s: extracted" % name, err):
            continue

        rc, rep, err = cat_verify(cat)
        ok = rep is not None and rc == 0 and rep["status"] == "signed-untrusted"
        t.ok(ok and rep["signers"][0]["timestamp"]["kind"] == kind and rep["timestampStatus"] == "valid"
             and rep["chainIntegrity"] == "intact" and rep["chainCertificatesChecked"] >= 1
             and rep["timestampTime"] == rep["signers"][0]["timestamp"]["time"],
             "%s: genuine: integrity ok, %s timestamp valid, chain intact" % (name, kind),
             err if rep is None else {k: rep.get(k) for k in ("status", "timestampStatus", "chainIntegrity")})
        rc2, out2, err2 = mumtool("cat", "verify", "--no-default-trust", cat)
        t.ok(rc2 == 0 and "  integrity      ok" in out2 and ": valid" in out2 and "  chain          intact" in out2,
             "%s: genuine: the text says integrity ok, timestamp valid, chain intact" % name, out2 + err2)
        if os.path.exists(roots):
            rc, trep, err = cat_verify(cat, "--trust", roots)
            t.ok(trep is not None and rc == 0 and trep["status"] == "trusted",
                 "%s: genuine with the Microsoft roots: trusted" % name,
                 err if trep is None else (trep["status"], trep["detail"]))
        else:
            t.skip("%s: genuine with the Microsoft roots: trusted" % name, "%s absent" % roots)
        if rep is None:
            continue

        signer = rep["signers"][0]
        for who, serial, what in (("signer", signer["certificate"]["serial"], "the signer's chain"),
                                  ("timestamp signer", signer["timestamp"]["signer"]["serial"],
                                   "the timestamp's chain")):
            bad = os.path.join(tmp, "%s-%s.cat" % (os.path.basename(pkg), who.replace(" ", "-")))
            if not t.ok(damaged(cat, serial, bad), "%s: the %s's certificate (serial %s) found once by the DER walk"
                        % (name, who, serial)):
                continue
            rc, brep, err = cat_verify(bad)
            want = ["signature.chain-broken"] + (["signature.timestamp"] if who != "signer" else [])
            got = rules(brep) if brep else []
            t.ok(brep is not None and rc == 1 and brep["status"] == "integrity-failed"
                 and brep["failedCheck"] == "chain" and brep["chainIntegrity"] == "broken"
                 and what in (brep["detail"] or "") and all(r in got for r in want)
                 and brep["timestampStatus"] == ("valid" if who == "signer" else "invalid"),
                 "%s: %s certificate damaged, no --trust: integrity-failed (chain), %s" % (name, who, ", ".join(want)),
                 err if brep is None else {k: brep.get(k) for k in ("status", "failedCheck", "detail",
                                                                      "timestampStatus", "chainIntegrity")})
            rc, txt, err = mumtool("cat", "verify", "--no-default-trust", bad)
            t.ok(rc == 1 and "  integrity      ok" not in txt and "failed (chain)" in txt,
                 "%s: %s certificate damaged: the text never says integrity ok" % (name, who), txt + err)
            rc, drep, err = mumtool_json("cat", "verify", "--json", bad)
            drep = drep[0] if drep else None
            t.ok(drep is not None and rc == 1 and drep["status"] == "integrity-failed"
                 and drep["failedCheck"] == "chain",
                 "%s: %s certificate damaged, built-in roots: integrity-failed (chain) too" % (name, who),
                 err if drep is None else {k: drep.get(k) for k in ("status", "failedCheck", "detail")})
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
