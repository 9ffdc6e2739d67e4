#!/usr/bin/env python3
"""mumtool verify of an express cabinet rebuilt on the worker pool (TAP).

A generated express cabinet (gcab at test time; deltas written by
tests/tools/pa30write.py) with several basis chains: bases shared by more
than one file (built first, in stages: one shared basis on another), a
copy of a basis, private chains, a delta whose basis is a file whose delta
is broken (the failure passes down its chain), and a wrong index hash.
The report is the same byte for byte with the reading on one thread
(MUMTOOL_TEST_SINGLE_THREAD, which rebuilds one file after another) as on
the pool, run after run, and its express findings come in index order.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, srcdir  # noqa: E402

t = Tap()
PA30WRITE = os.path.join(srcdir(), "tests", "tools", "pa30write.py")

tmp = tempfile.mkdtemp(prefix="verify-express-threads-")
try:
    if not shutil.which("gcab"):
        t.skip("a generated express cabinet", "gcab absent")
    else:
        g = os.path.join(tmp, "gen")
        os.makedirs(g)
        empty = os.path.join(g, "empty")
        open(empty, "wb").close()

        def write(name, data):
            with open(os.path.join(g, name), "wb") as fh:
                fh.write(data)
            return os.path.join(g, name)

        nblob = [0]

        def delta(source, target):
            blob = str(nblob[0])
            nblob[0] += 1
            src = write("s." + blob, source) if source is not None else empty
            subprocess.run([sys.executable, PA30WRITE, "encode", src, write("t." + blob, target),
                            os.path.join(g, blob), "--hash", "sha1"], check=True)
            return blob

        def text(n, k):
            return (("file %d, version %d: " % (n, k)).encode() + bytes(range(32, 127)) * (3 + n)) * 20

        def sha1(b):
            return hashlib.sha1(b).hexdigest()

        files = []   # (id, name, content, blob, basis id, digest)
        ids = {}

        def add(name, data, blob=None, basis=None, digest=None):
            fid = str(len(files) + 1)
            files.append((fid, name, data, blob, basis, digest))
            ids[name] = fid
            return fid

        # root r0 (on nothing); r1 on r0 and shared by x1, x2, x3 (and a copy)
        r0 = text(0, 0)
        r1 = text(0, 1)
        add("root0.dll", r0, delta(None, r0))
        add("root1.dll", r1, delta(r0, r1), ids["root0.dll"])
        for k in range(2, 5):
            add("x%d.dll" % k, text(k, 1), delta(r1, text(k, 1)), ids["root1.dll"])
        add("copy.dll", r1, None, ids["root1.dll"])
        # x2 shared in turn: two files built on it (a stage on a stage)
        add("y1.dll", text(7, 2), delta(text(2, 1), text(7, 2)), ids["x2.dll"])
        add("y2.dll", text(8, 2), delta(text(2, 1), text(8, 2)), ids["x2.dll"])
        # private chains of three, each on nothing at its foot
        for c in range(3):
            prev = None
            for k in range(3):
                data = text(10 + c, k)
                fid = add("p%d_%d.dll" % (c, k), data, delta(prev, data), ids.get("p%d_%d.dll" % (c, k - 1)))
                prev = data
        # a broken delta shared by two files: each names it
        bad = delta(None, text(20, 0))
        with open(os.path.join(g, bad), "r+b") as fh:
            fh.seek(-6, 2)
            last = fh.read(1)
            fh.seek(-6, 2)
            fh.write(bytes([last[0] ^ 0x5A]))
        add("bad.dll", text(20, 0), bad)
        add("onbad1.dll", text(21, 0), delta(text(20, 0), text(21, 0)), ids["bad.dll"])
        add("onbad2.dll", text(22, 0), delta(text(20, 0), text(22, 0)), ids["bad.dll"])
        # a wrong index hash, between the others
        add("wrong.dll", text(23, 0), delta(None, text(23, 0)), digest="0" * 40)
        add("last.dll", text(24, 1), delta(text(2, 1), text(24, 1)), ids["x2.dll"])

        def entry(fid, name, data, blob, basis, digest):
            src = ""
            if blob is not None:
                b = open(os.path.join(g, blob), "rb").read()
                src = '<Source type="PA30" name="%s"><Hash alg="SHA1" value="%s"/></Source>' % (blob, sha1(b))
            bas = '<Basis file="%s"/>' % basis if basis else ""
            return ('<File id="%s" name="comp\\%s" length="%d" time="129375347786139047" attr="32">'
                    '<Hash alg="SHA1" value="%s"/><Delta>%s%s</Delta></File>'
                    % (fid, name, len(data), digest or sha1(data), src, bas))

        cix = ('<?xml version="1.0" encoding="UTF-8"?>\n<Container name="gen.cab" type="CAB" length="1" '
               'version="1" xmlns="urn:ContainerIndex"><Description/><Files>%s</Files></Container>'
               % "".join(entry(*f) for f in files)).encode()
        write("_manifest_.cix.xml", cix)
        cab = os.path.join(tmp, "gen.cab")
        subprocess.run(["gcab", "-c", cab, "_manifest_.cix.xml"] + [str(i) for i in range(nblob[0])],
                       cwd=g, check=True)

        def verify(one):
            env = dict(os.environ)
            env.pop("MUMTOOL_TEST_SINGLE_THREAD", None)
            if one:
                env["MUMTOOL_TEST_SINGLE_THREAD"] = "1"
            r = subprocess.run([os.environ.get("MUMTOOL", "mumtool"), "verify", "--json", cab],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            return r.returncode, r.stdout, r.stderr

        one = verify(True)
        t.ok(one[0] in (0, 1) and one[1], "one thread: a report", "exit %d: %s" % (one[0], one[2]))
        runs = [verify(False) for _ in range(6)]
        t.ok(all(r == one for r in runs), "the pool: the same report, exit status and messages, six times",
             "\n".join(r[1].decode(errors="replace")[:2000] for r in runs if r != one))
        rep = json.loads(one[1])
        xf = [f for f in rep.get("findings", []) if f.get("rule", "").startswith("express.rebuild")]
        names = [n for _, n, _, _, _, _ in files]

        def which(f):
            msg = f.get("message", "")
            return min((msg.find("comp\\" + n) if "comp\\" + n in msg else len(msg), n) for n in names)[1]

        got = [which(f) for f in xf]
        t.ok(got == ["bad.dll", "onbad1.dll", "onbad2.dll", "wrong.dll"],
             "express findings: the broken delta, the two built on it, the wrong hash, in index order",
             json.dumps(xf, indent=1))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
