#!/usr/bin/env python3
"""mumtool extract of express cabinets (TAP).

1. A generated express cabinet (gcab at test time; deltas written by
   tests/tools/pa30write.py, independent of libmum's decoder): the files its
   index describes are written under their own names, each of the content
   it was made from - a delta on nothing, a delta on a delta (a chain), a
   copy of a basis, a delta on a file stored under its own name - while a
   file whose basis is not in the index and one whose index hash is wrong
   each give one line naming the file and its chain, are not written, and
   make the exit status 1; the index and blobs are not written; no
   temporary is left; the same with the index after the blobs.  --raw, and
   a cabinet with no index, write the entries as stored, byte for byte as
   bsdtar extracts them.
2. The genuine express packages of $MUM_REALDATA (KB2465285 x64 and x86):
   every file written has the SHA-1/SHA-256 that the index (parsed here with
   Python's xml module out of the cabinet bsdtar extracts) gives; every
   other file of the index is named on a "not written" line; --raw equals
   bsdtar's extraction of the inner cabinet.  KB2938772-x64.cab (no index)
   extracts the same with and without --raw, as bsdtar does.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, realdata, srcdir  # noqa: E402

t = Tap()
NS = "{urn:ContainerIndex}"
PA30WRITE = os.path.join(srcdir(), "tests", "tools", "pa30write.py")


def tree(folder):
    """{relative path: bytes} of every file under folder."""
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, folder)] = fh.read()
    return out


def partials(folder):
    return [p for p in tree(folder) if ".mumtool-partial-" in p]


def index_files(cix_bytes):
    """[(name with '/', hash algorithm, hex digest)] of an index, by Python's xml."""
    root = ET.fromstring(cix_bytes)
    out = []
    for f in root.iter(NS + "File"):
        h = f.find(NS + "Hash")
        out.append((f.get("name").replace("\\", "/"), h.get("alg").lower() if h is not None else None,
                    h.get("value").lower() if h is not None else None))
    return out


def not_written(err):
    return [ln for ln in err.splitlines() if ": not written: cannot be rebuilt from the cabinet: " in ln]


def bsdtar_x(archive, folder):
    os.makedirs(folder, exist_ok=True)
    subprocess.run(["bsdtar", "-xf", archive, "-C", folder], check=True)
    return folder


tmp = tempfile.mkdtemp(prefix="extract-express-")
try:
    # ---- 1. a generated express cabinet ----
    if not shutil.which("gcab") or not shutil.which("bsdtar"):
        t.skip("a generated express cabinet", "gcab or bsdtar absent")
    else:
        g = os.path.join(tmp, "gen")
        os.makedirs(g)
        content = {
            "a": b"the first file, rebuilt from a delta on nothing\n" * 40,
            "b": b"the second file, a delta on the first one: " + b"x" * 300 + b"\n" * 7,
            "d": b"a file whose basis is not in the index\n" * 5,
            "e": b"built on update.mum, which is stored under its own name\n" * 3,
            "f": b"a file whose index hash is not its own\n" * 4,
        }
        mum = b'<?xml version="1.0"?><assembly xmlns="urn:schemas-microsoft-com:asm.v3"/>\n' * 3
        empty = os.path.join(g, "empty")
        open(empty, "wb").close()

        def write(name, data):
            with open(os.path.join(g, name), "wb") as fh:
                fh.write(data)
            return os.path.join(g, name)

        def delta(blob, source, target):
            subprocess.run([sys.executable, PA30WRITE, "encode", source, write("t." + blob, target),
                            os.path.join(g, blob), "--hash", "sha1"], check=True)

        write("update.mum", mum)
        delta("0", empty, content["a"])
        delta("1", write("src.a", content["a"]), content["b"])
        delta("2", write("src.d", content["a"]), content["d"])
        delta("3", write("src.e", mum), content["e"])
        delta("4", empty, content["f"])

        def sha1(b):
            return hashlib.sha1(b).hexdigest()

        def entry(fid, name, data, source=None, basis=None, digest=None):
            src = ""
            if source:
                blob = open(os.path.join(g, source[1]), "rb").read()
                src = '<Source type="%s" name="%s"><Hash alg="SHA1" value="%s"/></Source>' % (
                    source[0], source[1], sha1(blob))
            bas = '<Basis file="%s"/>' % basis if basis else ""
            return ('<File id="%s" name="%s" length="%d" time="129375347786139047" attr="32">'
                    '<Hash alg="SHA1" value="%s"/><Delta>%s%s</Delta></File>'
                    % (fid, name, len(data), digest or sha1(data), src, bas))

        files = [entry("1", "update.mum", mum, ("RAW", "update.mum")),
                 entry("2", "comp\\a.txt", content["a"], ("PA30", "0")),
                 entry("3", "comp\\b.txt", content["b"], ("PA30", "1"), basis="2"),
                 entry("4", "comp\\c.txt", content["b"], basis="3"),
                 entry("5", "comp\\d.txt", content["d"], ("PA30", "2"), basis="99"),
                 entry("6", "comp\\e.txt", content["e"], ("PA30", "3"), basis="1"),
                 entry("7", "comp\\f.txt", content["f"], ("PA30", "4"), digest="0" * 40)]
        cix = ('<?xml version="1.0" encoding="UTF-8"?>\n<Container name="gen.cab" type="CAB" length="1" '
               'version="1" xmlns="urn:ContainerIndex"><Description/><Files>%s</Files></Container>'
               % "".join(files)).encode()
        write("_manifest_.cix.xml", cix)
        cab = os.path.join(tmp, "gen.cab")
        order = ["_manifest_.cix.xml", "update.mum", "0", "1", "2", "3", "4"]
        subprocess.run(["gcab", "-c", cab] + order, cwd=g, check=True)

        out = os.path.join(tmp, "gen-out")
        rc, _, err = mumtool("extract", cab, "-C", out)
        got = tree(out)
        t.ok(rc == 1, "generated: exit 1 when a file cannot be rebuilt", "exit %d: %s" % (rc, err))
        want = {"update.mum": mum, "comp/a.txt": content["a"], "comp/b.txt": content["b"],
                "comp/c.txt": content["b"], "comp/e.txt": content["e"]}
        t.ok(got == want, "generated: a delta, a chain, a copy and a delta on a stored file are written "
             "with their content under their own names, nothing else",
             sorted(got))
        lines = not_written(err)
        t.ok(len(lines) == 2, "generated: two 'not written' lines", err)
        t.ok(any(ln.startswith("mumtool: %s/comp/d.txt: " % out) and
                 "comp\\d.txt <- 2 (PA30) <- basis 99 (not in the index): its basis 99 is not in the index" in ln
                 for ln in lines), "generated: the broken chain names the file, its chain and the reason", err)
        t.ok(any(ln.startswith("mumtool: %s/comp/f.txt: " % out) and "the index says " + "0" * 40 in ln
                 for ln in lines), "generated: a hash mismatch names the file and both hashes", err)
        t.ok(not partials(out), "generated: no temporary left")

        # --raw: as stored, as bsdtar extracts the cabinet
        rout = os.path.join(tmp, "gen-raw")
        rc, _, err = mumtool("extract", "--raw", cab, "-C", rout)
        ref = tree(bsdtar_x(cab, os.path.join(tmp, "gen-bsdtar")))
        t.ok(rc == 0 and tree(rout) == ref, "generated --raw: exit 0, the entries as bsdtar extracts them",
             "exit %d: %s %s" % (rc, err, sorted(tree(rout))))

        # an existing file is not replaced (the atomic rule of every entry)
        rc, _, err = mumtool("extract", cab, "-C", out, "comp/a.txt")
        t.ok(rc == 3 and "comp/a.txt: exists (use --force to overwrite)" in err,
             "generated: a rebuilt file is not written over an existing one without --force",
             "exit %d: %s" % (rc, err))
        rc, _, err = mumtool("extract", "--force", cab, "-C", out, "comp/[abc].txt")
        t.ok(rc == 0 and tree(out)["comp/b.txt"] == content["b"] and not partials(out),
             "generated: patterns select rebuilt files by their own names (--force replaces them)",
             "exit %d: %s" % (rc, err))

        # the index after the blobs: they are held back all the same (names
        # without a dot are held until the cabinet shows it is express)
        late = os.path.join(tmp, "late.cab")
        subprocess.run(["gcab", "-c", late, "0", "1", "2", "3", "4", "_manifest_.cix.xml", "update.mum"],
                       cwd=g, check=True)
        lout = os.path.join(tmp, "late-out")
        rc, _, err = mumtool("extract", late, "-C", lout)
        t.ok(rc == 1 and tree(lout) == want and len(not_written(err)) == 2,
             "generated, index last: the same files written, the same two lines", "exit %d: %s %s"
             % (rc, err, sorted(tree(lout))))

        # no index: what was held back is written as stored
        noidx = os.path.join(tmp, "noindex.cab")
        subprocess.run(["gcab", "-c", noidx, "0", "1", "update.mum"], cwd=g, check=True)
        pout = os.path.join(tmp, "noindex-out")
        rc, _, err = mumtool("extract", noidx, "-C", pout)
        t.ok(rc == 0 and tree(pout) == tree(bsdtar_x(noidx, os.path.join(tmp, "noindex-bsdtar"))),
             "generated, no index: names without a dot held back, then written as stored",
             "exit %d: %s %s" % (rc, err, sorted(tree(pout))))

    # ---- 2. the genuine packages ----
    msu = os.path.join(realdata(), "msu")
    if not os.path.isdir(msu) or not shutil.which("bsdtar"):
        t.skip("express extraction of the real packages",
               "real data absent at %s (set MUM_REALDATA) or bsdtar absent" % msu)
        t.done()
    for name in ["Windows6.1-KB2465285-x64.msu", "Windows6.1-KB2465285-x86.msu"]:
        path = os.path.join(msu, name)
        if not os.path.exists(path):
            t.skip(name, "absent")
            continue
        work = os.path.join(tmp, name)
        outer = bsdtar_x(path, os.path.join(work, "outer"))
        inner_name = [f for f in os.listdir(outer) if f.lower().endswith(".cab") and
                      f.lower() != "wsusscan.cab"][0]
        inner = bsdtar_x(os.path.join(outer, inner_name), os.path.join(work, "inner"))
        with open(os.path.join(inner, "_manifest_.cix.xml"), "rb") as fh:
            idx = index_files(fh.read())
        out = os.path.join(work, "out")
        rc, _, err = mumtool("extract", path, "-C", out, "%s!*" % inner_name)
        lines = not_written(err)
        t.ok(rc == (1 if lines else 0) and len(err.splitlines()) == len(lines),
             "%s: exit %d, the only messages are the %d files not rebuilt" % (name, rc, len(lines)), err)
        base = os.path.join(out, inner_name)
        written = tree(base)
        bad, missing = [], []
        for fname, alg, digest in idx:
            if fname in written:
                if hashlib.new(alg, written[fname]).hexdigest() != digest:
                    bad.append(fname)
            elif not any(ln.startswith("mumtool: %s/%s: " % (base, fname)) for ln in lines):
                missing.append(fname)
        rebuilt = [f for f, _, _ in idx if f in written and not os.path.exists(os.path.join(inner, f))]
        t.ok(not bad, "%s: every file written has the index's hash (%d files, %d rebuilt)"
             % (name, len([f for f, _, _ in idx if f in written]), len(rebuilt)), bad)
        t.ok(not missing, "%s: every file of the index is written or named as not written" % name, missing)
        extra = [p for p in written if p not in {f for f, _, _ in idx}]
        t.ok(not extra, "%s: nothing but the index's files is written (no blob, no index)" % name, extra)
        if "x64" in name:
            t.ok(any(f.endswith("bridgemigplugin.dll") for f in rebuilt) and
                 any(f.endswith("ppdlic.xrm-ms") for f in rebuilt),
                 "%s: the files whose deltas libmum decodes are rebuilt" % name, rebuilt)
        t.ok(not partials(out), "%s: no temporary left" % name)
        rout = os.path.join(work, "raw")
        rc, _, err = mumtool("extract", "--raw", path, "-C", rout, "%s!*" % inner_name)
        t.ok(rc == 0 and tree(os.path.join(rout, inner_name)) == tree(inner),
             "%s --raw: exit 0, the inner cabinet's entries byte for byte as bsdtar extracts them" % name,
             "exit %d: %s" % (rc, err))

    plain = os.path.join(msu, "Windows8.1-KB2938772-x64.cab")
    if os.path.exists(plain):
        ref = tree(bsdtar_x(plain, os.path.join(tmp, "plain-bsdtar")))
        for opt in ([], ["--raw"]):
            o = os.path.join(tmp, "plain%d" % len(opt))
            rc, _, err = mumtool("extract", *(opt + [plain, "-C", o]))
            t.ok(rc == 0 and tree(o) == ref, "KB2938772-x64.cab (not express) %s: as bsdtar extracts it"
                 % (" ".join(opt) or "by default"), "exit %d: %s" % (rc, err))
    else:
        t.skip("KB2938772-x64.cab", "absent")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
