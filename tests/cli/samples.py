#!/usr/bin/env python3
"""The committed samples (TAP): regenerating them gives the same bytes; every
sample lists with mumtool ls and cabextract, shows with mumtool show, and its
catalogs verify with --trust samples/test-ca.pem; osslsigncode accepts the
signatures (the broken twins' unsigned and rogue catalogs excepted, which
must be reported as such)."""
import filecmp
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
CA = os.path.join(S, "test-ca.pem")
msus = sorted(glob.glob(os.path.join(S, "kb943650*", "*.msu")) + glob.glob(os.path.join(S, "broken", "*", "*.msu")))
t.ok(len(msus) == 45, "45 sample MSUs (clean, second revision, 13 twins; 3 platforms each)", len(msus))
have = {tool: shutil.which(tool) for tool in ("gcab", "osslsigncode", "cabextract", "python3")}


def differences(a, b):
    out = []
    cmp = filecmp.dircmp(a, b)
    out += ["only in the committed samples: " + x for x in cmp.left_only]
    out += ["only in the regenerated ones: " + x for x in cmp.right_only]
    out += ["differs: " + x for x in cmp.diff_files]
    for sub in cmp.common_dirs:
        out += differences(os.path.join(a, sub), os.path.join(b, sub))
    return out


work = tempfile.mkdtemp(prefix="mum-samples-test.")
try:
    # ---- regeneration is deterministic ----
    if have["gcab"] and have["osslsigncode"] and have["python3"]:
        r = subprocess.run([sys.executable, os.path.join(S, "gen", "generate.py"), "--out",
                            os.path.join(work, "regen"), "--mumtool", os.environ["MUMTOOL"]],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        diff = []
        if r.returncode == 0:
            for folder in ("kb943650", "kb943650-v2", "broken"):
                diff += differences(os.path.join(S, folder), os.path.join(work, "regen", folder))
            if not filecmp.cmp(CA, os.path.join(work, "regen", "test-ca.pem"), shallow=False):
                diff.append("differs: test-ca.pem")
        t.ok(r.returncode == 0 and not diff, "make samples regenerates the committed samples byte for byte",
             r.stdout.decode(errors="replace")[-2000:] + "\n".join(diff))
    else:
        t.skip("regenerated samples are identical", "gcab, osslsigncode or python3 missing")

    # ---- every MSU lists, with mumtool and with cabextract ----
    bad = []
    for m in msus:
        rc, out, err = mumtool("ls", m)
        if rc != 0 or "Package_1_for_kb943650" not in out:
            bad.append("mumtool ls %s: exit %d %s" % (m, rc, err))
        if have["cabextract"]:
            r = subprocess.run(["cabextract", "-l", m], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if r.returncode != 0 or b"-pkgProperties.txt" not in r.stdout:
                bad.append("cabextract -l %s: exit %d" % (m, r.returncode))
    t.ok(not bad, "mumtool ls and cabextract -l list every sample", "\n".join(bad))

    # ---- unpack every MSU and its update cabinet, then show and cat verify ----
    show_bad, cat_bad, ossl_bad = [], [], []
    for m in msus:
        variant = os.path.relpath(os.path.dirname(m), S)
        d = os.path.join(work, "x", variant, os.path.basename(m))
        os.makedirs(d)
        subprocess.run(["cabextract", "-q", "-d", d, m], check=True, stderr=subprocess.DEVNULL)
        inner = glob.glob(os.path.join(d, "Windows6.0-*.cab"))[0]
        u = os.path.join(d, "update")
        subprocess.run(["cabextract", "-q", "-d", u, inner], check=True, stderr=subprocess.DEVNULL)
        manifests = sorted(glob.glob(os.path.join(u, "*.mum")) + glob.glob(os.path.join(u, "*.manifest")))
        rc, out, err = mumtool("show", *manifests)
        renamed = variant == "broken/renamed-manifest" and m.endswith("x86.msu")
        want_rc = 1 if renamed else 0
        if rc != want_rc or (renamed and "manifest.name-mismatch" not in out):
            show_bad.append("%s: show exit %d, want %d: %s" % (m, rc, want_rc, (out + err)[-400:]))
        cats = sorted(glob.glob(os.path.join(u, "*.cat")))
        rc, out, err = mumtool("cat", "verify", "--trust", CA, *cats)
        verdicts = [line.split(": ", 1)[1] for line in out.splitlines()
                    if line.endswith((": trusted", ": unsigned", ": signed-untrusted"))]
        expect = ["trusted"] * len(cats)
        if variant in ("broken/unsigned-catalog", "broken/untrusted-catalog") and m.endswith("x86.msu"):
            k = [i for i, c in enumerate(cats) if os.path.basename(c).startswith("Package_2_for")][0]
            expect[k] = "unsigned" if variant.endswith("unsigned-catalog") else "signed-untrusted"
        if verdicts != expect or rc != (0 if expect == ["trusted"] * len(cats) else 1):
            cat_bad.append("%s: cat verify exit %d: %s" % (m, rc, verdicts))
        if have["osslsigncode"]:
            targets = [m, inner] + (cats if variant == "kb943650" else [])
            for f in targets:
                r = subprocess.run(["osslsigncode", "verify", "-CAfile", CA, "-in", f],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                if r.returncode != 0 or b"Signature verification: ok" not in r.stdout:
                    ossl_bad.append("osslsigncode verify %s: %s" % (f, r.stdout.decode(errors="replace")[-300:]))
    t.ok(not show_bad, "mumtool show reads every .mum and .manifest (only the renamed twin has a finding)",
         "\n".join(show_bad))
    t.ok(not cat_bad, "cat verify --trust samples/test-ca.pem: every catalog trusted, but the twins' two",
         "\n".join(cat_bad))
    if have["osslsigncode"]:
        t.ok(not ossl_bad, "osslsigncode verify -CAfile accepts every MSU, update cabinet and clean catalog",
             "\n".join(ossl_bad))
    else:
        t.skip("osslsigncode accepts the signatures", "osslsigncode missing")
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
