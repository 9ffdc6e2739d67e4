#!/usr/bin/env python3
"""Genuine Microsoft packages verify clean and trusted out of the box (TAP).

Every package in $MUM_REALDATA/msu and $MUM_REALDATA/hyperv (whatever the
folders hold) must verify, with no --trust, with no error, no warning and
every signature 'trusted'; every catalog inside them (nested cabinets too)
must be 'trusted' by 'mumtool cat verify' with no --trust.  The built-in
Microsoft roots make that so; '--no-default-trust' takes them away, and a
genuine package is then untrusted: a warning, not an error.

Defects must still be caught on real packages.  KB2938772 is broken in
verify-realdata.py; here copies of a Hyper-V cabinet and of a Windows 7
express MSU's inner cabinet (extracted by cabextract, an independent reader)
get: one payload byte changed, a manifest deleted, a package catalog deleted,
a manifest's version edited in its XML, a catalog's signature value damaged.
"""
import glob
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import (Tap, cabextract, findings_by_rule, flip_byte, mumtool,  # noqa: E402
                    mumtool_json, realdata, signer_signature_span)

t = Tap()
FOLDERS = [os.path.join(realdata(), d) for d in ("msu", "hyperv")]
present = [d for d in FOLDERS if os.path.isdir(d)]
for d in FOLDERS:
    if d not in present:
        t.skip("genuine packages of %s" % d, "real data absent at %s (set MUM_REALDATA)" % d)
PACKAGES = sorted(p for d in present for p in glob.glob(os.path.join(d, "*"))
                  if p.lower().endswith((".msu", ".cab")))
if not PACKAGES:
    if present:
        t.skip("genuine packages", "no .msu or .cab in %s" % ", ".join(present))
    t.done()


def short(path):
    return os.path.basename(path)


def not_info(rep):
    return findings_by_rule(rep, ("warning", "error"))


def signature_findings(rep):
    return [f for f in rep["findings"] if f["rule"].startswith("signature.")]


def signatures(rep):
    """The container signatures a report lists (catalog signatures show as findings)."""
    return [s for i in rep["inputs"] for s in i["signatures"] if s["present"]]


work = tempfile.mkdtemp(prefix="mum-conformance.")
try:
    # ---- 1. every genuine package verifies clean and trusted, no --trust --------------
    for pkg in PACKAGES:
        rc, rep, err = mumtool_json("verify", "--format", "json", pkg)
        if not t.ok(rep is not None, "%s: a report" % short(pkg), err):
            continue
        t.ok(rc == 0 and rep["summary"]["errors"] == 0 and rep["summary"]["warnings"] == 0,
             "%s: no error and no warning without --trust" % short(pkg),
             "exit %d, %s" % (rc, dict(not_info(rep))))
        sigs = signatures(rep)
        untrusted = [s for s in sigs if s["status"] != "trusted"]
        sigf = signature_findings(rep)
        t.ok(not untrusted and not sigf,
             "%s: every signature trusted (%d container signature(s), catalogs through findings)"
             % (short(pkg), len(sigs)),
             "\n".join(["%s: %s (%s)" % (s["container"] or "outer", s["status"], s.get("detail"))
                        for s in untrusted] +
                       ["%s %s: %s" % (f["rule"], f["location"].get("entry", ""), f["message"])
                        for f in sigf[:10]]))

    # ---- 2. every catalog in them is trusted by 'cat verify', no --trust ---------------
    for n, pkg in enumerate(PACKAGES):
        dest = os.path.join(work, "x%d" % n)
        # --raw: the entries as stored (an express cabinet's files are rebuilt
        # by default, and some of its deltas are not decoded yet)
        rc, out, err = mumtool("extract", "--raw", pkg, "-C", dest)
        if not t.ok(rc == 0, "%s: extracted with mumtool extract (nested cabinets too)" % short(pkg),
                    "exit %d: %s" % (rc, err)):
            continue
        cats = sorted(os.path.join(r, f) for r, _, fs in os.walk(dest) for f in fs
                      if f.lower().endswith(".cat"))
        if not t.ok(cats, "%s: holds catalogs" % short(pkg)):
            continue
        rc, res, err = mumtool_json("cat", "verify", "--json", *cats)
        if not t.ok(res is not None and len(res) == len(cats), "%s: cat verify reports on its %d catalogs"
                    % (short(pkg), len(cats)), err):
            continue
        bad = [r for r in res if r["status"] != "trusted"]
        t.ok(rc == 0 and not bad, "%s: its %d catalogs are trusted without --trust" % (short(pkg), len(cats)),
             "exit %d\n" % rc + "\n".join("%s: %s %s %s" % (os.path.relpath(r["input"], dest), r["status"],
                                                            r.get("trustIssue") or r.get("failedCheck") or "",
                                                            r.get("detail") or "") for r in bad))

    # ---- 3. without the built-in roots a genuine package is untrusted: a warning -------
    for pkg in PACKAGES:
        rc, rep, err = mumtool_json("verify", "--format", "json", "--no-default-trust", pkg)
        if not t.ok(rep is not None, "%s --no-default-trust: a report" % short(pkg), err):
            continue
        sigs = signatures(rep)
        # With no anchor at all the warning is trust.no-anchors (the chains were
        # not evaluated); with unrelated anchors it is signature.untrusted-root.
        warned = [f for f in rep["findings"] if f["severity"] == "warning" and
                  (f["rule"].startswith("signature.") or f["rule"] == "trust.no-anchors")]
        t.ok(rc == 0 and rep["summary"]["errors"] == 0 and warned and
             all(s["status"] != "trusted" for s in sigs),
             "%s --no-default-trust: not trusted, an untrusted warning, no error" % short(pkg),
             "exit %d, errors %s, trust warnings %d, statuses %s"
             % (rc, dict(findings_by_rule(rep)), len(warned), [s["status"] for s in sigs]))

    # ---- 4. defects are still caught on real packages (copies) ------------------------
    def first(pattern):
        hits = sorted(glob.glob(pattern))
        return hits[0] if hits else None

    def express_copy(msu, dest):
        outer = cabextract(msu, os.path.join(dest + ".outer"))
        inner = [p for p in glob.glob(os.path.join(outer, "*.cab"))
                 if not short(p).upper().startswith("WSUSSCAN")]
        cabextract(inner[0], dest)
        shutil.rmtree(outer)
        return dest

    WRONG_IDENTITY = {"manifest.name-mismatch", "graph.wrong-version", "trust.manifest-not-in-catalog"}
    SUBJECTS = []
    hv = first(os.path.join(realdata(), "hyperv", "*.cab"))
    if hv:
        SUBJECTS.append(("Hyper-V " + short(hv), lambda dest, src=hv: cabextract(src, dest)))
    ex = first(os.path.join(realdata(), "msu", "Windows6.1-*.msu"))
    if ex:
        SUBJECTS.append(("express " + short(ex), lambda dest, src=ex: express_copy(src, dest)))
    if not shutil.which("cabextract"):
        SUBJECTS = []
        t.skip("defects on real packages", "cabextract is not installed")
    elif not SUBJECTS:
        t.skip("defects on real packages", "no Hyper-V cabinet nor Windows 7 MSU under %s" % realdata())

    def verify(folder):
        rc, rep, err = mumtool_json("verify", "--format", "json", folder)
        return rc, (findings_by_rule(rep) if rep else {"(no report) " + err: 1})

    def component_manifest(folder):
        """A component manifest of the copy: one whose payload folder exists."""
        for m in sorted(glob.glob(os.path.join(folder, "*.manifest"))):
            if os.path.isdir(m[:-len(".manifest")]):
                return m
        return sorted(glob.glob(os.path.join(folder, "*.manifest")))[0]

    def payload(folder):
        """A payload file: in a component's folder, else an express blob."""
        files = sorted(p for p in glob.glob(os.path.join(folder, "*", "*")) if os.path.isfile(p))
        return files[0] if files else os.path.join(folder, "0")

    def package_catalog(folder):
        cats = sorted(glob.glob(os.path.join(folder, "*.cat")))
        return [c for c in cats if short(c).lower().startswith("package_")][:1] or cats[:1]

    for label, make in SUBJECTS:
        def fresh():
            d = os.path.join(work, "copy")
            shutil.rmtree(d, ignore_errors=True)
            shutil.rmtree(d + ".outer", ignore_errors=True)
            return make(d)

        d = fresh()
        rc, got = verify(d)
        t.ok(rc == 0 and not got, "%s: the extracted copy (a folder) verifies with no error" % label,
             "exit %d %s" % (rc, dict(got)))

        p = payload(d)
        size = os.path.getsize(p)
        flip_byte(p, size // 2)
        rc, got = verify(d)
        express_blob = re.fullmatch(r"\d+", short(p)) is not None
        want = ("payload.", "express.") if express_blob else ("payload.",)
        t.ok(rc == 1 and any(r.startswith(want) for r in got),
             "%s: one byte of %s changed: a %s error" % (label, os.path.relpath(p, d), "/".join(w + "*" for w in want)),
             "exit %d %s" % (rc, dict(got)))

        d = fresh()
        m = component_manifest(d)
        os.remove(m)
        rc, got = verify(d)
        t.ok(rc == 1 and got.get("graph.missing-component", 0) >= 1,
             "%s: a manifest deleted: graph.missing-component" % label, "exit %d %s" % (rc, dict(got)))

        d = fresh()
        cat = package_catalog(d)[0]
        os.remove(cat)
        rc, got = verify(d)
        t.ok(rc == 1 and got.get("trust.missing-catalog", 0) >= 1,
             "%s: %s deleted: trust.missing-catalog" % (label, short(cat)), "exit %d %s" % (rc, dict(got)))

        d = fresh()
        m = component_manifest(d)
        with open(m, "rb") as f:
            xml = f.read()
        # the identity's version, in the first assemblyIdentity: its last part + 1
        edited, n = re.subn(rb'(<assemblyIdentity\b[^>]*?\bversion=")(\d+\.\d+\.\d+\.)(\d+)(")',
                            lambda mo: mo.group(1) + mo.group(2) + str(int(mo.group(3)) + 1).encode() + mo.group(4),
                            xml, count=1)
        with open(m, "wb") as f:
            f.write(edited)
        rc, got = verify(d)
        # Windows finds the manifest by the keyform the package names, then
        # rejects it: its identity differs (0x800f0818) and its bytes are no
        # longer the catalog's (0x800b0100); either is an error here too.
        seen = WRONG_IDENTITY & set(got)
        t.ok(n == 1 and rc == 1 and seen,
             "%s: a manifest's version edited: %s" % (label, ", ".join(sorted(seen)) or "an error"),
             "edits %d, exit %d %s" % (n, rc, dict(got)))

        d = fresh()
        cat = package_catalog(d)[0]
        with open(cat, "rb") as f:
            off, length = signer_signature_span(f.read())
        flip_byte(cat, off + length // 2)
        rc, got = verify(d)
        t.ok(rc == 1 and got.get("signature.bad-signature", 0) >= 1,
             "%s: a byte of %s's signature value changed: signature.bad-signature" % (label, short(cat)),
             "exit %d %s" % (rc, dict(got)))

    # ---- 5. a genuine delta-compressed (DCM) manifest is a note, not a warning ---------
    # Windows 10 and later keep manifests as DCM deltas that only the
    # servicing stack expands: what mumtool cannot read there is its own limit
    # (graph.delta-manifest, info, like payload.not-checkable), not a defect.
    dcm = sorted(glob.glob(os.path.join(realdata(), "pa30", "dcm", "*.manifest")))
    base = first(os.path.join(realdata(), "msu", "Windows8.1-*.cab"))
    if not dcm or not base or not shutil.which("cabextract"):
        t.skip("a genuine DCM manifest beside a package",
               "no pa30/dcm manifest, Windows 8.1 cabinet or cabextract under %s" % realdata())
    else:
        d = cabextract(base, os.path.join(work, "dcm"))
        shutil.copy(dcm[0], d)
        rc, rep, err = mumtool_json("verify", "--format", "json", d)
        name = short(dcm[0])
        mine = [f for f in (rep["findings"] if rep else []) if f["location"].get("entry") == name]
        t.ok(rc == 0 and [f["rule"] for f in mine] == ["graph.delta-manifest"] and
             mine[0]["severity"] == "info",
             "a genuine Windows 11 DCM manifest beside %s: graph.delta-manifest, info" % short(base),
             "exit %d %s %s" % (rc, [(f["rule"], f["severity"]) for f in mine], err))

    # ---- 6. a payload shipped twice, the later copy changed ---------------------------
    # Extraction writes entries in order, so the later copy is the one that
    # lands (cabextract keeps the second 'dup.txt' of names.cab; on Windows'
    # case-insensitive disk 'X.DLL' after 'x.dll' replaces it too).  The
    # cabinets are written by the fixtures' own cabinet writer.
    writer = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "fixtures", "containers", "make-fixtures.py")
    if not hv or not shutil.which("cabextract") or not os.path.isfile(writer):
        t.skip("a payload shipped twice", "no Hyper-V cabinet, cabextract or %s" % writer)
    else:
        import importlib.util
        spec = importlib.util.spec_from_file_location("make_fixtures", writer)
        fixtures = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(fixtures)
        d = cabextract(hv, os.path.join(work, "twice"))
        files = sorted((os.path.relpath(os.path.join(r, f), d).replace(os.sep, "\\"),
                        open(os.path.join(r, f), "rb").read())
                       for r, _, fs in os.walk(d) for f in fs)
        name, good = next((n, b) for n, b in files if "\\" in n)
        bad = bytearray(good)
        bad[len(bad) // 2] ^= 0x01
        folder, base = name.rsplit("\\", 1)
        for label, second in (("the same name", name),
                              ("a name differing in case", folder + "\\" + base.upper())):
            cab = os.path.join(work, "twice.cab")
            with open(cab, "wb") as f:
                f.write(fixtures.cab(files + [(second, bytes(bad))]))
            rc, rep, err = mumtool_json("verify", "--format", "json", cab)
            got = findings_by_rule(rep) if rep else {"(no report) " + err: 1}
            t.ok(rc == 1 and bool(got),
                  "%s twice in a Hyper-V cabinet, the later copy (under %s) changed: an error"
                  % (base, label), "exit %d %s" % (rc, dict(got)))
finally:
    shutil.rmtree(work, ignore_errors=True)

t.done()
