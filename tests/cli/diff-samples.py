#!/usr/bin/env python3
"""mumtool diff (TAP): the second revision of the samples reports exactly the
four changes samples/README.md lists for it, on each platform, and nothing
else; a package against itself is identical (exit 0); --fail-on gates; a
broken twin against the clean family gives its one change; the JSON report
validates against schemas/diff-report.schema.json; the x86 and x64 KB2938772
cabinets of the real data differ by architecture, not by everything."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, mumtool_json, realdata, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
V1 = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
V2 = sorted(glob.glob(os.path.join(S, "kb943650-v2", "*.msu")))
if len(V1) != 3 or len(V2) != 3:
    t.ok(False, "the samples are there", "%r %r" % (V1, V2))
    t.done()


def changes_of(rep):
    """(kind, platform, subject, item) per change, platform of the new side."""
    return sorted((c["kind"], c["new_platform"] or c["old_platform"], c["subject"],
                   (c["item"] or "").lower()) for c in rep["changes"])


# ---- the second revision: samples/README.md, "kb943650-v2/" -------------------
rc, rep, err = mumtool_json("diff", "--format", "json", *V1, *V2)
t.ok(rc == 1 and rep is not None, "v1 against v2: exit 1 (differences), JSON", err)
if rep:
    pairs = sorted((p["old_platform"], p["new_platform"], p["cross"]) for p in rep["pairs"])
    t.ok(pairs == [("amd64", "amd64", False), ("ia64", "ia64", False), ("x86", "x86", False)],
         "the inputs are paired by platform (the issue's two-glob form is split by folder)", pairs)
    want = []
    for p in ("x86", "amd64", "ia64"):
        want += [
            # 1. tcpip-binaries 22222 -> 22223, tcpip.sys rebuilt (a detail of the version change)
            ("component-version", p, "Microsoft-Windows-TCPIP-Binaries", ""),
            # 2. a file added to network-security
            ("file-added", p, "Microsoft-Windows-Network-Security", "fwpolicyiomgr.dll"),
            # 3. a package added
            ("package-added", p, "Package_6_for_KB943650", ""),
            # 4. a payload changed without a version change
            ("file-changed", p, "Microsoft-Windows-Network-Security", "wfp.tmf"),
        ]
    got = changes_of(rep)
    t.ok(got == sorted(want), "exactly the four changes of the second revision on each platform, nothing else",
         "\n".join(map(str, got)))
    t.ok(rep["summary"]["changes"] == 12 and len(rep["changes"]) == 12, "12 changes in all", rep["summary"])
    by = {(c["kind"], c["new_platform"]): c for c in rep["changes"]}
    ok = True
    for p in ("x86", "amd64", "ia64"):
        v = by.get(("component-version", p), {})
        ok = ok and v.get("old") == "6.0.6001.22222" and v.get("new") == "6.0.6001.22223" and \
            v.get("flags") == [] and "tcpip.sys" in (v.get("detail") or "").lower()
    t.ok(ok, "the version change: 6.0.6001.22222 -> 6.0.6001.22223, not a downgrade, tcpip.sys rebuilt",
         [by.get(("component-version", p)) for p in ("x86", "amd64", "ia64")])
    fc = [by.get(("file-changed", p), {}) for p in ("x86", "amd64", "ia64")]
    t.ok(all(c.get("flags") == ["unversioned-change"] and c.get("part") == "native" for c in fc) and
         rep["summary"]["flags"] == {"downgrade": 0, "unversioned-change": 3},
         "wfp.tmf is flagged unversioned-change on each platform", fc)
    t.ok(all(not c["kind"].startswith("catalog") for c in rep["changes"]),
         "no catalog noise: the renamed tcpip manifest and the new file's member are explained")
    try:
        import jsonschema
        schema = json.load(open(os.path.join(srcdir(), "schemas", "diff-report.schema.json")))
        try:
            jsonschema.validate(rep, schema)
            t.ok(True, "the JSON report validates against schemas/diff-report.schema.json")
        except jsonschema.ValidationError as e:
            t.ok(False, "the JSON report validates against schemas/diff-report.schema.json", str(e)[:2000])
    except ImportError:
        t.skip("the JSON report validates against the schema", "python3-jsonschema is not installed")

# the text report: the summary first, then the changes per platform
rc, out, err = mumtool("diff", *V1, *V2)
lines = out.splitlines()
t.ok(rc == 1 and lines and lines[0].startswith("12 changes (0 downgrades, 3 unversioned-change)") and
     any(l.split()[:2] == ["component-version", "3"] for l in lines[:8]) and
     "  ~ component Microsoft-Windows-TCPIP-Binaries: version 6.0.6001.22222 -> 6.0.6001.22223 "
     "(rebuilt: tcpip.sys)" in lines,
     "text: counts per kind first, then the changes", out[:3000] + err)

# the other ways of giving the sides agree
for form in (["--"], ["--old"]):
    if form == ["--"]:
        argv = V1 + ["--"] + V2
    else:
        argv = [a for o in V1 for a in ("--old", o)] + [a for n in V2 for a in ("--new", n)]
    rc2, rep2, err2 = mumtool_json("diff", "--format", "json", *argv)
    t.ok(rc2 == 1 and rep2 and rep and changes_of(rep2) == changes_of(rep),
         "sides given with %s: the same changes" % form[0], err2)

# backwards: the changes undone, the version change is a downgrade
rc, back, err = mumtool_json("diff", "--format", "json", *V2, "--", *V1)
if back:
    kinds = sorted({c["kind"] for c in back["changes"]})
    down = [c for c in back["changes"] if "downgrade" in c["flags"]]
    t.ok(kinds == ["component-version", "file-changed", "file-removed", "package-removed"] and len(down) == 3 and
         all(c["subject"] == "Microsoft-Windows-TCPIP-Binaries" for c in down),
         "v2 against v1: removed, changed, and three downgrades of tcpip-binaries", back["changes"])
else:
    t.ok(False, "v2 against v1 gives JSON", err)

# ---- --fail-on --------------------------------------------------------------------
for gate, side, want_rc in [("downgrade", "forward", 0), ("unversioned-change", "forward", 1),
                            ("component-removed,package-removed", "forward", 0),
                            ("package-added", "forward", 1), ("downgrade", "backward", 1)]:
    argv = V1 + V2 if side == "forward" else V2 + ["--"] + V1
    rc, out, err = mumtool("diff", "-q", "--fail-on", gate, *argv)
    t.ok(rc == want_rc, "--fail-on %s (%s): exit %d" % (gate, side, want_rc), "exit %d\n%s" % (rc, err))
rc, out, err = mumtool("diff", "--fail-on", "no-such-kind", *V1, *V2)
t.ok(rc == 2 and "no-such-kind" in err, "--fail-on with an unknown kind: usage error", err)

# ---- identical ---------------------------------------------------------------------
rc, rep, err = mumtool_json("diff", "--format", "json", *V1, *V1)
t.ok(rc == 0 and rep and rep["identical"] and rep["changes"] == [] and len(rep["pairs"]) == 3,
     "the samples against themselves: exit 0, no change", err)
rc, out, err = mumtool("diff", V1[0], V1[0])
t.ok(rc == 0 and "identical in every compared aspect" in out, "one package against itself: exit 0", out + err)

# ---- a broken twin against the clean family ------------------------------------------
twin = sorted(glob.glob(os.path.join(S, "broken", "version-mismatch", "*.msu")))
rc, rep, err = mumtool_json("diff", "--format", "json", *V1, "--", *twin)
if rep:
    got = [(c["kind"], c["new_platform"], c["subject"], c["old"], c["new"]) for c in rep["changes"]]
    t.ok(rc == 1 and got == [("component-version", "ia64", "Microsoft-Windows-Network-Security",
                              "6.0.6001.22222", "6.0.6001.22223")],
         "version-mismatch twin: one component version changed, on ia64", got)
else:
    t.ok(False, "the twin diff gives JSON", err)
twin = sorted(glob.glob(os.path.join(S, "broken", "missing-wow64", "*.msu")))
rc, rep, err = mumtool_json("diff", "--format", "json", *V1, "--", *twin)
got = [(c["kind"], c["new_platform"], c["subject"], c["part"]) for c in rep["changes"]] if rep else err
t.ok(got == [("part-removed", "amd64", "Microsoft-Windows-NetIO-Infrastructure", "wow64")],
     "missing-wow64 twin: the wow64 part lost on amd64 (coverage), nothing else", got)

# ---- usage and failures --------------------------------------------------------------------
rc, out, err = mumtool("diff", V1[0], V2[0], V1[1])
t.ok(rc == 2 and "--" in err, "three inputs with no obvious split: usage error asking for '--'", err)
rc, out, err = mumtool("diff", V1[0])
t.ok(rc == 2, "one input: usage error", err)
rc, out, err = mumtool("diff", V1[0], os.path.join(S, "no-such.msu"))
t.ok(rc == 3 and "no-such.msu" in err, "a missing input: exit 3 naming it", err)
rc, out, err = mumtool("diff", "--format", "pdf", V1[0], V1[0])
t.ok(rc == 2, "an unknown format: usage error", err)

# ---- real packages ----------------------------------------------------------------------
R = os.path.join(realdata(), "msu")
X86, X64 = os.path.join(R, "Windows8.1-KB2938772-x86.cab"), os.path.join(R, "Windows8.1-KB2938772-x64.cab")
if not (os.path.exists(X86) and os.path.exists(X64)):
    t.skip("KB2938772 x86 against x64", "no real data at %s (set MUM_REALDATA)" % R)
    t.skip("real packages against themselves", "no real data at %s (set MUM_REALDATA)" % R)
else:
    rc, rep, err = mumtool_json("diff", "--format", "json", X86, X64)
    if rep:
        kinds = [c["kind"] for c in rep["changes"]]
        arch = [c for c in rep["changes"] if c["kind"] == "architecture"]
        added = [c["subject"] for c in rep["changes"] if c["kind"] == "package-added"]
        part = [(c["subject"], c["part"]) for c in rep["changes"] if c["kind"] == "part-added"]
        t.ok(rc == 1 and len(rep["pairs"]) == 1 and rep["pairs"][0]["cross"], "x86 against x64: one pair, "
             "compared across architectures", rep["pairs"])
        t.ok(len(arch) == 1 and arch[0]["old"] == "x86" and arch[0]["new"] == "amd64",
             "the architecture change x86 -> amd64", arch)
        t.ok(added == ["Package_5_for_KB2938772"], "the amd64-only Package_5 is the one package added", added)
        t.ok(part == [("Microsoft-Windows-NDIS-TDI-BindingEngine", "x86")],
             "the x86 part inside x64 (NDIS-TDI-BindingEngine) is a part added", part)
        t.ok(not any(k in ("component-added", "component-removed", "package-removed", "file-added",
                           "file-removed", "component-version", "catalog-member-added",
                           "catalog-member-removed") for k in kinds) and len(kinds) <= 12,
             "same components: nothing removed, no component added, few changes (%d)" % len(kinds),
             "\n".join(c["text"] for c in rep["changes"]))
    else:
        t.ok(False, "KB2938772 x86 against x64 gives JSON", err)
    for p in (X64, os.path.join(R, "Windows6.1-KB2465285-x86.msu")):
        rc, out, err = mumtool("diff", p, p)
        t.ok(rc == 0 and out.startswith("0 changes"), "%s against itself: exit 0, no change"
             % os.path.basename(p), out[:2000] + err)

t.done()
